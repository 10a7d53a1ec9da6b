"""Checking: every cell of every file against the import format and the ids in the store, in
chunks, with problems named in words a program manager understands."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from heapq import heappush, heappushpop
from operator import itemgetter
from typing import Any

import pandas as pd
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy import Engine, select

from data_access.csv_format import (
    FILE_FORMATS,
    MAX_KEY_LENGTH,
    RECORD_NOUNS,
    STORABLE_TEXT,
    FileFormat,
    row_from_cells,
)
from data_access.exporter import TEMPLATE_ID_PREFIX, template_example
from data_access.importer.model import (
    MAX_REPORTED_PROBLEMS,
    PREVIEW_ROWS,
    CellProblem,
    FileSummary,
    ImportSource,
    RawTable,
)
from data_access.models import Pair, Participant

_VALIDATE_CHUNK_ROWS = 10_000
#: Rows of a file checked at a time (`_Checker.check_file`).
_CHECK_CHUNK_ROWS = 50_000
_TEMPLATE_EXAMPLE = (
    f"an example row of the import template (ids starting {TEMPLATE_ID_PREFIX}); replace it "
    "with your own data or delete the line"
)
_ADAPTERS: dict[str, TypeAdapter[list[BaseModel]]] = {
    name: TypeAdapter(list[fmt.model]) for name, fmt in FILE_FORMATS.items()
}


class _Problems:
    """Every problem counted; the first MAX_REPORTED_PROBLEMS (file, line, column order) kept."""

    def __init__(self) -> None:
        self.count = 0
        self._heap: list[tuple[tuple[int, int, int, int], CellProblem]] = []
        self._file_order = {name: index for index, name in enumerate(FILE_FORMATS)}

    def add(self, fmt: FileFormat, label: str, line: int, column: str, problem: str) -> None:
        self.count += 1
        columns = fmt.columns
        column_order = columns.index(column) if column in columns else len(columns)
        # negated keys: the heap's smallest entry is the problem furthest down the files
        key = (-self._file_order[fmt.name], -line, -column_order, -self.count)
        entry = (key, CellProblem(label, line, column, problem))
        if len(self._heap) < MAX_REPORTED_PROBLEMS:
            heappush(self._heap, entry)
        elif key > self._heap[0][0]:
            heappushpop(self._heap, entry)

    def first(self) -> list[CellProblem]:
        return [problem for _, problem in sorted(self._heap, reverse=True)]


@dataclass
class _StoreIds:
    """What the store already holds that an import is checked against, read once."""

    ids: dict[str, set[str]]
    roles: dict[str, str]
    pairs: list[tuple[str, str, str]]

    @classmethod
    def read(cls, engine: Engine, source: ImportSource) -> "_StoreIds":
        """The ids of the files in `source` and of their parents; roles and pairs if needed."""
        names = set(source.tables)
        for name in source.tables:
            names.update(FILE_FORMATS[name].references.values())
        ids: dict[str, set[str]] = {}
        roles: dict[str, str] = {}
        pairs: list[tuple[str, str, str]] = []
        with engine.connect() as connection:
            if "participants" in names:
                query = select(Participant.participant_id, Participant.role)
                roles = dict(connection.execute(query).all())
                ids["participants"] = set(roles)
            for name in names - ids.keys():
                fmt = FILE_FORMATS[name]
                id_column = fmt.table.__table__.c[fmt.id_column]  # type: ignore[attr-defined]
                ids[name] = set(connection.execute(select(id_column)).scalars())
            if "participants" in source.tables:
                query = select(Pair.pair_id, Pair.mentor_id, Pair.mentee_id)
                pairs = [
                    (pair, mentor, mentee) for pair, mentor, mentee in connection.execute(query)
                ]
        return cls(ids=ids, roles=roles, pairs=pairs)


@dataclass
class _CheckedFile:
    """One file after checking: its rows ready to write (when valid), its ids and report parts."""

    fmt: FileFormat
    label: str
    #: the rows to write, each a tuple in the order of the table's columns (`_table_columns`)
    rows: list[tuple[Any, ...]]
    ids: set[str]
    #: the id of each record (None where blank) and the line it is on
    record_ids: list[str | None]
    record_lines: Sequence[int]
    summary: FileSummary
    preview: pd.DataFrame


ProblemSink = Callable[[int, str, str], None]


class _Checker:
    """Checks the files of one import in format order, so parents are known before children."""

    def __init__(self, source: ImportSource, store: _StoreIds) -> None:
        self.store = store
        self.problems = _Problems()
        self.warnings = list(source.warnings)
        self.checked: dict[str, _CheckedFile] = {}
        #: roles as they will be after the import: the store's, overridden by participants.csv
        self.roles = dict(store.roles)

    def check_file(self, raw: RawTable, *, release: bool = False) -> None:
        """Check one file; its problems go to `self.problems`, its result to `self.checked`.
        With `release`, its text rows are let go as they are checked (`raw.rows` is emptied)."""
        fmt = FILE_FORMATS[raw.name]

        def problem(line: int, column: str, text: str) -> None:
            self.problems.add(fmt, raw.label, line, column, text)

        for line, column, text in raw.problems:
            problem(line, column, text)
        columns, indices, missing, ignored = self._match_header(raw, fmt, problem)
        record_ids: list[str | None] = []
        lines: list[int] = []
        rows: list[tuple[Any, ...]] | None = []  # None once any record is refused
        first_records: list[dict[str, str]] = []
        # A chunk of rows at a time: the records of a million-row file would otherwise be held
        # all at once beside its text (and, with `release`, that text goes chunk by chunk).
        for start in range(0, len(raw.rows), _CHECK_CHUNK_ROWS):
            stop = min(start + _CHECK_CHUNK_ROWS, len(raw.rows))
            records, chunk_lines = _records(raw, columns, indices, problem, start, stop)
            if release:
                raw.rows[start:stop] = [None] * (stop - start)
            chunk_ids = [record.get(fmt.id_column) for record in records]
            for record_id, line in zip(chunk_ids, chunk_lines, strict=True):
                if template_example(record_id):
                    problem(line, fmt.id_column, _TEMPLATE_EXAMPLE)
            record_ids += chunk_ids
            lines += chunk_lines
            checked_rows, valid = _validate(fmt, records, chunk_lines, missing, problem)
            if rows is not None and valid:
                rows.extend(checked_rows)
            else:
                rows = None
            self._check_references(fmt, records, chunk_lines, problem)
            if fmt.name == "participants":
                self.roles.update(
                    (record["participant_id"], record["role"])
                    for record in records
                    if "participant_id" in record and record.get("role") in ("mentor", "mentee")
                )
            elif fmt.name == "pairs":
                self._check_pair_roles(records, chunk_lines, problem)
            first_records += records[: PREVIEW_ROWS - len(first_records)]
        if release:
            raw.rows = []
        ids = _unique_ids(fmt.id_column, record_ids, lines, problem)
        rows = rows or []
        new = len(ids - self.store.ids[fmt.name])
        preview_rows = (
            [dict(zip(_table_columns(fmt), row, strict=True)) for row in rows[:PREVIEW_ROWS]]
            if rows
            else _valid_rows(fmt, first_records)
        )
        self.checked[fmt.name] = _CheckedFile(
            fmt=fmt,
            label=raw.label,
            rows=rows,
            ids=ids,
            record_ids=record_ids,
            record_lines=lines,
            summary=FileSummary(raw.label, len(record_ids), new, len(ids) - new, ignored),
            preview=_preview_frame(fmt, preview_rows),
        )

    def _match_header(
        self, raw: RawTable, fmt: FileFormat, problem: ProblemSink
    ) -> tuple[list[str], list[int], set[str], list[str]]:
        """The known columns and where they are, the required ones missing, the ignored ones."""
        header = [cell.strip() for cell in raw.header]
        named = [cell for cell in header if cell]
        if len(named) == 1 and (";" in named[0] or "\t" in named[0]):
            separator = "';'" if ";" in named[0] else "tabs"
            problem(
                raw.header_line,
                "(header)",
                f"the columns are separated by {separator}; save the file as comma-separated CSV "
                "(UTF-8)",
            )
            return [], [], set(), []
        positions: dict[str, int] = {}
        ignored = []
        for index, cell in enumerate(header):
            name = cell.lower()
            if name in positions:
                problem(
                    raw.header_line,
                    name,
                    f"appears twice in the header (columns {positions[name] + 1} and {index + 1})",
                )
            elif name in fmt.columns:
                positions[name] = index
            elif cell:
                ignored.append(cell)
        missing = fmt.required_columns - positions.keys()
        for column in missing:
            problem(raw.header_line, column, "required column is missing from the header")
        if ignored:
            self.warnings.append(
                f"{raw.label}: ignored the column{'s' if len(ignored) > 1 else ''} "
                f"{', '.join(ignored)} (not part of the import format)."
            )
        columns = [column for column in fmt.columns if column in positions]
        return columns, [positions[column] for column in columns], set(missing), ignored

    def _check_references(
        self,
        fmt: FileFormat,
        records: list[dict[str, str]],
        lines: Sequence[int],
        problem: ProblemSink,
    ) -> None:
        """Every id a record refers to is in this import or in the store."""
        for column, parent in fmt.references.items():
            parent_file = self.checked.get(parent)
            in_import = parent_file.ids if parent_file else set()
            in_store = self.store.ids[parent]
            values = [record.get(column) for record in records]
            unknown = set(values) - in_import - in_store - {None}
            if not unknown:
                continue
            noun = RECORD_NOUNS[parent]
            for value, line in zip(values, lines, strict=True):
                if value in unknown:
                    problem(
                        line,
                        column,
                        f"refers to {noun} {value!r}, which is neither in this import nor in "
                        "the store",
                    )

    def _check_pair_roles(
        self, records: list[dict[str, str]], lines: Sequence[int], problem: ProblemSink
    ) -> None:
        """A pair's mentor has the role mentor, its mentee the role mentee, and they differ."""
        roles = self.roles
        for record, line in zip(records, lines, strict=True):
            mentor, mentee = record.get("mentor_id"), record.get("mentee_id")
            if mentor is not None and mentor == mentee:
                problem(line, "mentee_id", "is the same person as the mentor")
                continue
            if mentor is not None and roles.get(mentor) == "mentee":
                problem(line, "mentor_id", f"participant {mentor!r} is a mentee, not a mentor")
            if mentee is not None and roles.get(mentee) == "mentor":
                problem(line, "mentee_id", f"participant {mentee!r} is a mentor, not a mentee")

    def check_role_changes(self) -> None:
        """A participant whose role changes must not leave a stored pair with the wrong role."""
        participants = self.checked.get("participants")
        if participants is None:
            return
        changed = {
            key: self.roles[key]
            for key in participants.ids
            if self.store.roles.get(key, self.roles.get(key)) != self.roles.get(key)
        }
        if not changed:
            return
        pairs = self.checked.get("pairs")
        imported_pairs = pairs.ids if pairs else set()
        line_of = dict(zip(participants.record_ids, participants.record_lines, strict=True))
        for pair_id, mentor, mentee in self.store.pairs:
            if pair_id in imported_pairs:
                continue  # the import's own version of the pair was checked against new roles
            for person, role_in_pair in ((mentor, "mentor"), (mentee, "mentee")):
                new_role = changed.get(person)
                if new_role is not None and new_role != role_in_pair:
                    self.problems.add(
                        participants.fmt,
                        participants.label,
                        line_of[person],
                        "role",
                        f"participant {person!r} is the {role_in_pair} of pair {pair_id!r} in the "
                        f"store, so cannot become a {new_role}",
                    )


def _records(
    raw: RawTable,
    columns: list[str],
    indices: list[int],
    problem: ProblemSink,
    start: int = 0,
    stop: int | None = None,
) -> tuple[list[dict[str, str]], list[int]]:
    """The non-blank rows (from `start` to `stop`) as model input (`row_from_cells`) and the
    line each is on."""
    if not columns:
        return [], []
    width = len(raw.header)
    in_place = indices == list(range(len(indices)))  # the usual case: the format's own order
    pick = itemgetter(*indices)
    records, lines = [], []
    for cells, line in zip(raw.rows[start:stop], raw.lines[start:stop], strict=True):
        if len(cells) != width:
            if len(cells) > width and any(map(str.strip, cells[width:])):
                problem(
                    line,
                    f"column {width + 1}",
                    f"holds a value but the header names only {width} columns; put quotes "
                    "around cells that contain commas",
                )
            cells = [*cells[:width], *[""] * (width - len(cells))]
        record = row_from_cells(columns, cells if in_place else _as_tuple(pick(cells)))
        if record:
            records.append(record)
            lines.append(line)
    return records, lines


def _as_tuple(picked: str | tuple[str, ...]) -> tuple[str, ...]:
    # itemgetter with one index returns the item itself, not a tuple
    return picked if isinstance(picked, tuple) else (picked,)


def _unique_ids(
    id_column: str, record_ids: list[str | None], lines: Sequence[int], problem: ProblemSink
) -> set[str]:
    """The set of ids; every repeat of an id is a problem naming the line of its first use."""
    ids = set(record_ids)
    ids.discard(None)
    if len(ids) < len(record_ids) - record_ids.count(None):
        first_lines: dict[str, int] = {}
        for key, line in zip(record_ids, lines, strict=True):
            if key is None:
                continue
            first = first_lines.setdefault(key, line)
            if first != line:
                problem(line, id_column, f"duplicate {id_column} {key!r} (also on line {first})")
    return ids  # type: ignore[return-value]


def _validate(
    fmt: FileFormat,
    records: list[dict[str, str]],
    lines: Sequence[int],
    missing: set[str],
    problem: ProblemSink,
) -> tuple[list[tuple[Any, ...]], bool]:
    """Validate every record with the file's model: the rows to write and True, or [] and False
    on any problem.

    Validates a chunk of records at a time and keeps only each model's values, as a tuple in
    the order of the table's columns (a third of a dict's memory), so the memory of one chunk's
    model objects is reused by the next.
    """
    adapter = _ADAPTERS[fmt.name]
    values = itemgetter(*_table_columns(fmt))
    rows: list[tuple[Any, ...]] = []
    valid = True
    for start in range(0, len(records), _VALIDATE_CHUNK_ROWS):
        try:
            models = adapter.validate_python(records[start : start + _VALIDATE_CHUNK_ROWS])
        except ValidationError as error:
            valid = False
            for item in error.errors(include_url=False):
                index, *path = item["loc"]
                column = str(path[0]) if path else item.get("ctx", {}).get("column", "(row)")
                if item["type"] == "missing" and column in missing:
                    continue  # reported once, for the header
                problem(lines[start + int(index)], column, _plain_words(fmt, column, item))
        else:
            if valid:
                rows.extend([values(model.__dict__) for model in models])
    return (rows, True) if valid else ([], False)


def _table_columns(fmt: FileFormat) -> list[str]:
    """The columns of the file's table, in the order `_CheckedFile.rows` holds them."""
    return [column.name for column in fmt.table.__table__.columns]


def _plain_words(fmt: FileFormat, column: str, error: Any) -> str:
    """A pydantic error as a program manager would say it."""
    kind = error["type"]
    value = error.get("input")
    shown = repr(value[:60] + "…" if len(value) > 60 else value) if isinstance(value, str) else ""
    if kind == "missing":
        return "required"
    if kind == "string_pattern_mismatch" and error["ctx"]["pattern"] == STORABLE_TEXT:
        return "holds a NUL character (\\x00), which the store cannot hold; remove it"
    if kind == "string_pattern_mismatch":
        return f"not an ISO date (YYYY-MM-DD): {shown}"
    if kind == "string_too_long":
        return f"is {len(value):,} characters long; at most {MAX_KEY_LENGTH} are allowed"
    if kind == "string_unicode":
        return "holds characters that are not text (lone UTF-16 surrogates); retype the cell"
    if kind.startswith("date_"):
        return f"not a real calendar date: {shown}"
    if kind.startswith("int_"):
        return f"not a whole number: {shown}"
    if kind == "literal_error":
        return f"must be one of {', '.join(fmt.allowed_values(column))}, not {shown}"
    if kind in ("greater_than_equal", "less_than_equal"):
        low, high = fmt.bounds(column)
        if isinstance(low, date):
            hint = ""
            if kind == "less_than_equal" and column not in fmt.required_columns:
                hint = "; leave the cell empty when there is no such date"
            return f"must be a date from {low} to {high}, not {shown}{hint}"
        if high is None:
            return f"must be at least {low}, not {value}"
        return f"must be between {low} and {high}, not {value}"
    return str(error["msg"])


def _valid_rows(fmt: FileFormat, records: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The records that pass the model on their own (for the preview of a file with problems)."""
    rows = []
    for record in records:
        try:
            rows.append(fmt.model.model_validate(record).__dict__)
        except ValidationError:
            continue
    return rows


def _preview_frame(fmt: FileFormat, rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(fmt.columns))
    for column in fmt.int_columns:
        frame[column] = frame[column].astype("Int64")
    return frame
