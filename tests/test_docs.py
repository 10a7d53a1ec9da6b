"""The docs are tested like code: every setting and command the code reads is documented."""

import re
from pathlib import Path

from app.cli import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ["app", "components", "data_access", "screens", "sample_data"]


def _code() -> str:
    files = [ROOT / "streamlit_app.py"]
    for folder in CODE_DIRS:
        files += (ROOT / folder).rglob("*.py")
    return "\n".join(path.read_text() for path in files)


def test_every_environment_variable_the_code_reads_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    names = set(re.findall(r"\b(PAIRPULSE_[A-Z_]+|DATABASE_URL)\b", _code()))
    assert "DATABASE_URL" in names
    undocumented = sorted(name for name in names if f"`{name}`" not in readme)
    assert undocumented == []


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in COMMANDS if f"python -m app {name}" not in readme]
    assert missing == []


def test_the_readme_quick_start_is_the_two_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_screen_has_a_screenshot_shown_in_the_readme() -> None:
    from components.access import SCREENS

    readme = (ROOT / "README.md").read_text()
    for screen in SCREENS:
        shot = f"docs/screenshots/{screen.key}.png"
        assert (ROOT / shot).is_file(), f"{shot} is missing: run make screenshots"
        assert f"]({shot})" in readme, f"README does not show {shot}"
    for linked in re.findall(r"\]\((docs/[^)]+)\)", readme):
        assert (ROOT / linked).exists(), f"README links to {linked}, which is not there"
