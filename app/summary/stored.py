"""The executive summary as JSON, to keep in the store (`data_access.summary_snapshots`), and
back, exactly: the same figures, the same tables with the same column types.

JSON, not pickle: a row of the store is data, and reading it back must never run code. The
text is validated on the way back (pydantic), so a row that does not parse as a summary is
refused with `ValueError`, and the page works the summary out again.

`CODE_VERSION` names the code that works the summary out: a kept summary is used only by the
same version, so an upgrade never shows figures worked out by the code it replaced.
"""

import hashlib
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from app.summary.build import ExecutiveSummary

_ROOT = Path(__file__).resolve().parents[2]
#: The packages whose code works the summary out: any change to them is a new version.
_SOURCES = ("app", "data_access", "components/loaders")


def _code_version() -> str:
    digest = hashlib.sha256()
    for folder in _SOURCES:
        for path in sorted((_ROOT / folder).rglob("*.py")):
            digest.update(path.relative_to(_ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


class _Frame(BaseModel):
    """A table, column by column, with each column's pandas type."""

    model_config = ConfigDict(ser_json_inf_nan="constants")

    columns: list[str]
    dtypes: list[str]
    values: list[list[Any]]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> "_Frame":
        return cls(
            columns=[str(column) for column in frame.columns],
            dtypes=[str(dtype) for dtype in frame.dtypes],
            values=[
                [None if value is pd.NA else value for value in frame[column].tolist()]
                for column in frame.columns
            ],
        )

    def frame(self) -> pd.DataFrame:
        if not len(self.columns) == len(self.dtypes) == len(self.values):
            raise ValueError("a kept table's columns, types and values do not match")
        return pd.DataFrame(
            {
                column: pd.Series(values, dtype=dtype)
                for column, dtype, values in zip(
                    self.columns, self.dtypes, self.values, strict=True
                )
            },
            columns=self.columns,
        )


#: The summary's tables, kept as `_Frame`s; every other field as it is typed.
_TABLES = tuple(field.name for field in fields(ExecutiveSummary) if field.type is pd.DataFrame)
#: `ExecutiveSummary` as a pydantic model, made from its fields so the two never drift apart.
_Stored = create_model(
    "_Stored",
    __config__=ConfigDict(ser_json_inf_nan="constants", extra="forbid"),
    **{
        field.name: (_Frame if field.name in _TABLES else field.type, ...)
        for field in fields(ExecutiveSummary)
    },
)


def summary_json(summary: ExecutiveSummary) -> str:
    """`summary` as JSON text."""
    values = {name: getattr(summary, name) for name in _Stored.model_fields}
    values |= {name: _Frame.of(values[name]) for name in _TABLES}
    return _Stored.model_validate(values).model_dump_json()


def summary_from_json(text: str) -> ExecutiveSummary:
    """The summary `summary_json` wrote. Raises ValueError on anything else."""
    try:
        stored = _Stored.model_validate_json(text)
        values = {name: getattr(stored, name) for name in _Stored.model_fields}
        values |= {name: values[name].frame() for name in _TABLES}
        return ExecutiveSummary(**values)
    except (ValidationError, TypeError) as error:
        raise ValueError(f"not a kept executive summary: {error}") from error
