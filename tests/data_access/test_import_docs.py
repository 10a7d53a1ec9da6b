"""docs/import-format.md is tested like code: every file, column and allowed value is described."""

import re
from datetime import date
from pathlib import Path

import pytest

from data_access.csv_format import (
    EARLIEST_DATE,
    FILE_FORMATS,
    LATEST_DATE,
    MAX_KEY_LENGTH,
    FileFormat,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "import-format.md"


def _section(fmt: FileFormat) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"### {fmt.file_name}")
    end = text.find("\n### ", start + 1)
    return text[start:end]


@pytest.mark.parametrize("fmt", FILE_FORMATS.values(), ids=list(FILE_FORMATS))
def test_each_file_lists_its_columns_in_order_with_required_marks(fmt: FileFormat) -> None:
    rows = re.findall(r"^\| `(\w+)` \| *(✱?) *\|", _section(fmt), flags=re.MULTILINE)
    assert [column for column, _ in rows] == list(fmt.columns)
    assert {column for column, mark in rows if mark} == fmt.required_columns


@pytest.mark.parametrize("fmt", FILE_FORMATS.values(), ids=list(FILE_FORMATS))
def test_each_allowed_value_and_range_is_documented(fmt: FileFormat) -> None:
    section = _section(fmt)
    for column in fmt.columns:
        row = next(line for line in section.splitlines() if line.startswith(f"| `{column}` |"))
        for value in fmt.allowed_values(column):
            assert f"`{value}`" in row, (column, value)
        low, high = fmt.bounds(column)
        if isinstance(low, date):
            assert "ISO date" in row, column  # the range is documented once, under Dates
        elif low is not None and high is not None and column != "birth_year":
            assert f"{low}–{high}" in row, column
        elif low is not None and high is None:
            assert f"at least {low}" in row or f"{low} or more" in row, column


def test_the_range_of_dates_and_the_longest_key_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"between\n  {EARLIEST_DATE} and {LATEST_DATE}" in text
    assert f"at most {MAX_KEY_LENGTH}\n  characters" in text
