"""docs/metrics.md is tested like code: every metric function and every setting is described."""

import inspect
from pathlib import Path
from types import ModuleType

import pytest

from app import health, metrics, privacy
from app.settings import ProgramSettings

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "metrics.md").read_text()


def _public_functions(module: ModuleType) -> list[str]:
    return [
        name
        for name, member in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_")
        and (
            member.__module__ == module.__name__
            or member.__module__.startswith(f"{module.__name__}.")
        )
    ]


@pytest.mark.parametrize("module", [metrics, health, privacy], ids=lambda module: module.__name__)
def test_every_metric_function_has_an_entry(module: ModuleType) -> None:
    functions = _public_functions(module)
    assert len(functions) >= 3
    undocumented = [name for name in functions if f"`{name}`" not in DOCS]
    assert undocumented == []


def test_every_setting_is_in_the_settings_table() -> None:
    missing = [name for name in ProgramSettings.model_fields if f"`{name}`" not in DOCS]
    assert missing == []
