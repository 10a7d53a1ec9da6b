"""A mapping: how the columns of another program's file become one import file, read from and
written to TOML (docs/import-format.md, "Importing another program's file")."""

import tomllib
from dataclasses import dataclass, field
from typing import Any

import tomli_w

from data_access.csv_format import FILE_FORMATS
from data_access.importer.mapping import fields as registry
from data_access.importer.model import ImportSourceError


class MappingError(ImportSourceError):
    """A mapping that cannot be used as written (unknown kind or field, bad TOML); one sentence."""


@dataclass
class Mapping:
    """What a source file holds (`kind`) and where each field comes from.

    `columns`: field → source header; `constants`: field → one value for every row;
    `values`: field → {source word: value}; `date_format`: strftime for every date field
    (a timestamp keeps its date); `skip_rows`: rows under the header that are not data
    (Qualtrics' question text and import ids); `sheet`: the workbook sheet to read.
    """

    kind: str
    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: str | None = None
    skip_rows: int = 0
    sheet: str | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in FILE_FORMATS:
            raise MappingError(
                f"The mapping's kind '{self.kind}' is not an import file; use one of "
                f"{', '.join(FILE_FORMATS)}."
            )
        known = registry.fields(self.kind)
        for part, names in (
            ("columns", self.columns),
            ("constants", self.constants),
            ("values", self.values),
        ):
            for name in names:
                if name not in known:
                    raise MappingError(
                        f"The mapping's [{part}] names '{name}', which is not a field of "
                        f"{self.kind} ({', '.join(known)})."
                    )
        both = self.columns.keys() & self.constants.keys()
        if both:
            raise MappingError(
                f"The mapping gives {', '.join(sorted(both))} both a column and a constant; "
                "keep one."
            )
        if not isinstance(self.skip_rows, int) or not 0 <= self.skip_rows <= 20:
            raise MappingError("The mapping's skip_rows must be a whole number from 0 to 20.")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.name:
            data["name"] = self.name
        if self.date_format:
            data["date_format"] = self.date_format
        if self.skip_rows:
            data["skip_rows"] = self.skip_rows
        if self.sheet:
            data["sheet"] = self.sheet
        data["columns"] = dict(self.columns)
        if self.constants:
            data["constants"] = dict(self.constants)
        if self.values:
            data["values"] = {name: dict(words) for name, words in self.values.items()}
        return data

    def to_toml(self) -> str:
        """The mapping as a TOML file (tomli-w)."""
        return tomli_w.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "the mapping") -> "Mapping":
        allowed = {"kind", "name", "date_format", "skip_rows", "sheet"}
        allowed |= {"columns", "constants", "values"}
        unknown = set(data) - allowed
        if unknown:
            raise MappingError(
                f"{origin} has unknown keys ({', '.join(sorted(unknown))}); it may hold "
                f"{', '.join(sorted(allowed))}."
            )
        if "kind" not in data:
            raise MappingError(f"{origin} has no kind (one of {', '.join(FILE_FORMATS)}).")

        def table(key: str) -> dict[str, Any]:
            value = data.get(key, {})
            if not isinstance(value, dict):
                raise MappingError(f"{origin}: {key} must be a table ([{key}]).")
            return value

        values = table("values")
        for name, words in values.items():
            if not isinstance(words, dict):
                raise MappingError(f"{origin}: values.{name} must be a table ([values.{name}]).")
        return cls(
            kind=str(data["kind"]),
            columns={str(k): str(v) for k, v in table("columns").items()},
            constants={str(k): _text(v) for k, v in table("constants").items()},
            values={
                str(name): {str(word): _text(value) for word, value in words.items()}
                for name, words in values.items()
            },
            date_format=str(data["date_format"]) if data.get("date_format") else None,
            skip_rows=data.get("skip_rows", 0),
            sheet=str(data["sheet"]) if data.get("sheet") else None,
            name=str(data.get("name", "")),
        )

    @classmethod
    def from_toml(cls, text: str, origin: str = "the mapping") -> "Mapping":
        """Read a mapping from TOML text (tomllib); a plain MappingError when it is not valid."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise MappingError(f"{origin} is not valid TOML: {error}.") from error
        return cls.from_dict(data, origin)


def _text(value: Any) -> str:
    """A TOML value as the text of a cell (5 → "5", true → "true")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
