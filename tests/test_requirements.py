"""The dependencies are declared once per purpose: what the app needs to run in requirements.txt
and, with the same pins, in pyproject.toml; what only tests and tooling need in
requirements-dev.txt."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _requirements(name: str) -> list[str]:
    """The requirement lines of `name`, without comments and blank lines."""
    lines = (line.split("#", 1)[0].strip() for line in (ROOT / name).read_text().splitlines())
    return [line for line in lines if line]


#: A pinned requirement: name, optional [extras], == version.
PIN = re.compile(r"(?P<name>[A-Za-z0-9._-]+)(?P<extras>\[[a-z,]+\])?==(?P<version>[A-Za-z0-9.]+)")


def _pins(lines: list[str]) -> dict[str, str]:
    """Each requirement's name (lower case) → the requirement as written, spaces removed; a line
    that is not a pin (`name[extras]==version`) fails the test."""
    pins = {}
    for line in lines:
        pin = PIN.fullmatch(line.replace(" ", ""))
        assert pin, f"{line!r} is not pinned as name==version"
        pins[pin["name"].lower()] = pin[0]
    return pins


def test_pyproject_declares_exactly_the_runtime_requirements() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert _pins(project["dependencies"]) == _pins(_requirements("requirements.txt"))


def test_every_requirement_is_pinned() -> None:
    runtime = _requirements("requirements.txt")
    dev = [line for line in _requirements("requirements-dev.txt") if line != "-r requirements.txt"]
    assert len(_pins(runtime + dev)) == len(runtime + dev)


def test_dev_requirements_add_to_the_runtime_ones_without_repeating_them() -> None:
    dev = _requirements("requirements-dev.txt")
    assert dev[0] == "-r requirements.txt"
    assert not set(_pins(dev[1:])) & set(_pins(_requirements("requirements.txt")))
