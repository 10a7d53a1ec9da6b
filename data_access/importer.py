"""Import a program from CSV files or an XLSX workbook: check every cell, then write all or nothing.

`read_directory` (the CLI) and `read_uploads` (the Data screen) turn files into an `ImportSource`;
`run_import` validates it against the import format (`data_access.csv_format`) and the ids already
in the store, and only when nothing is wrong writes every row in one transaction through
`data_access.writes.upsert_rows`. The `ImportReport` names the file, line and column of every bad
cell in words a program manager understands.
"""

import csv
import gc
import io
import json
import re
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time
from heapq import heappush, heappushpop
from itertools import chain
from operator import itemgetter
from pathlib import Path, PurePath
from typing import Any, BinaryIO

import openpyxl
import pandas as pd
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy import Connection, Engine, insert, select

from data_access import revision, store_archive
from data_access.csv_format import (
    FILE_FORMATS,
    MAX_KEY_LENGTH,
    RECORD_NOUNS,
    STORABLE_TEXT,
    FileFormat,
    row_from_cells,
)
from data_access.db import refresh_statistics
from data_access.exporter import TEMPLATE_ID_PREFIX, template_example
from data_access.models import AuditLog, Pair, Participant
from data_access.writes import upsert_rows

#: The report keeps this many problems (the first ones, in file and line order) and counts all.
MAX_REPORTED_PROBLEMS = 200
#: Rows per file shown in the report's preview.
PREVIEW_ROWS = 50
_VALIDATE_CHUNK_ROWS = 10_000
#: Rows of a file checked at a time (`_Checker.check_file`).
_CHECK_CHUNK_ROWS = 50_000
#: SQLite page cache while an import writes, in KiB (negative: SQLite's unit for a size).
_SQLITE_IMPORT_CACHE_KIB = -128 * 1024
#: Share of the progress bar spent checking; the rest is writing.
_CHECK_SHARE = 0.3

_KNOWN_FILES = ", ".join(fmt.file_name for fmt in FILE_FORMATS.values())
_TEMPLATE_EXAMPLE = (
    f"an example row of the import template (ids starting {TEMPLATE_ID_PREFIX}); replace it "
    "with your own data or delete the line"
)
_UNDECODABLE = re.compile("[\udc80-\udcff]").search
_ADAPTERS: dict[str, TypeAdapter[list[BaseModel]]] = {
    name: TypeAdapter(list[fmt.model]) for name, fmt in FILE_FORMATS.items()
}

Progress = Callable[[float, str], None]


class ImportSourceError(Exception):
    """The files cannot be read at all (missing, empty, not a workbook); one plain sentence."""


@dataclass(frozen=True)
class CellProblem:
    """One bad cell: the file, its physical line (header = 1), the column and what is wrong."""

    file: str
    line: int
    column: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.column} — {self.problem}"


@dataclass
class FileSummary:
    """What one file of the import holds: rows, how many are new ids and how many update rows."""

    file: str
    rows: int
    new: int
    updated: int
    ignored_columns: list[str]


@dataclass
class ImportReport:
    """The outcome of `run_import`: problems (capped) and their count, warnings, files, preview."""

    problems: list[CellProblem]
    problem_count: int
    warnings: list[str]
    files: list[FileSummary]
    preview: dict[str, pd.DataFrame]
    applied: bool

    @property
    def ok(self) -> bool:
        """True when no cell is wrong, so the import can be (or was) written."""
        return self.problem_count == 0

    def as_text(self) -> str:
        """The report for a terminal: problems, warnings, then rows new/updated per file."""
        rows = sum(summary.rows for summary in self.files)
        if not self.ok:
            lines = [
                f"{_count(self.problem_count, 'problem')} found, so nothing was imported:",
                *(f"  {problem}" for problem in self.problems),
            ]
            if (more := self.problem_count - len(self.problems)) > 0:
                lines.append(f"  … and {more:,} more")
        elif self.applied:
            lines = [f"Imported {_count(rows, 'row')}."]
        else:
            lines = [f"All {_count(rows, 'row')} are valid; nothing was written."]
        if self.warnings:
            lines += ["Warnings:", *(f"  {warning}" for warning in self.warnings)]
        if self.files:
            width = max(len(summary.file) for summary in self.files)
            lines.append("Files:")
            lines += [
                f"  {s.file:<{width}}  {s.rows:>9,} rows  {s.new:>9,} new  {s.updated:>9,} updated"
                for s in self.files
            ]
        return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@dataclass
class RawTable:
    """One file or sheet as read: header, rows of text cells and the line each row starts on."""

    name: str
    label: str
    header: list[str]
    header_line: int
    rows: list[list[str]]
    lines: Sequence[int]
    #: Problems found while reading: (line, column, problem).
    problems: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class ImportSource:
    """The raw tables of an import, by file name (`pairs`…), and warnings about what was skipped."""

    #: Where the files came from, for messages and the audit log ("the folder …").
    origin: str
    tables: dict[str, RawTable]
    warnings: list[str]
    #: The coordinators' work of a full export (`store_archive.ARCHIVE_FILES`), by name.
    archive: dict[str, RawTable] = field(default_factory=dict)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while an import runs.

    An import creates millions of small objects that all stay alive until it ends; the collector
    would sweep them again and again for nothing, which costs more than the checking itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- Reading --------------------------------------------------------------------------------------


def read_directory(path: Path) -> ImportSource:
    """Read a folder of import CSV files, or an `.xlsx` workbook (or a single CSV file).

    Raises ImportSourceError when the path is missing, unreadable or holds no import file.
    """
    if not path.exists():
        raise ImportSourceError(f"There is no folder or file at {path}.")
    limits = _Limits()
    if path.is_file():
        if path.suffix.lower() == ".zip":
            # the archive itself is not part of the import's content: its own limit
            content = _read_all(path.name, _file_opener(path, _Limits()))
            return _source(f"{path}", _zip_members(path.name, content, limits), limits)
        return _source(f"{path}", [(path.name, _file_opener(path, limits))], limits)
    entries = sorted(
        (entry for entry in path.iterdir() if entry.is_file() and not entry.name.startswith(".")),
        key=lambda entry: entry.name,
    )
    if not entries:
        raise ImportSourceError(
            f"The folder {path} is empty; it should hold the import's CSV files ({_KNOWN_FILES})."
        )
    csv_files = [entry for entry in entries if entry.suffix.lower() == ".csv"]
    source = _source(
        f"the folder {path}",
        [(entry.name, _file_opener(entry, limits)) for entry in csv_files],
        limits,
    )
    source.warnings += [
        f"Ignored {entry.name}: a folder import reads its CSV files only; import a workbook by "
        "its own path."
        if entry.suffix.lower() == ".xlsx"
        else f"Ignored {entry.name}: not a CSV file."
        for entry in entries
        if entry not in csv_files
    ]
    return source


def read_uploads(files: Sequence[tuple[str, bytes]]) -> ImportSource:
    """Read uploaded (file name, content) pairs: import CSV files and/or one `.xlsx` workbook,
    or a `.zip` holding them (such as PairPulse's own export).

    Raises ImportSourceError when nothing was uploaded or no upload is an import file.
    """
    if not files:
        raise ImportSourceError("No files were uploaded.")
    limits = _Limits()
    named: list[tuple[str, Opener]] = []
    for name, content in files:
        label = PurePath(name).name
        if PurePath(name).suffix.lower() == ".zip":
            named += _zip_members(label, content, limits)
        else:
            named.append((label, _bytes_opener(label, content, limits)))
    return _source("the uploaded files", named, limits)


# --- Limits: what one import may read, so that no input can take the server's memory --------------

#: One import reads at most this much file content (CSV text and workbooks, as unpacked), counted
#: as it is read: an archive's own record of its sizes is not trusted.
MAX_IMPORT_BYTES = 160_000_000
#: … and keeps at most this many cells (up to the last non-blank cell of each non-blank row): each
#: costs memory until the import is written. The `enterprise` sample program holds 8.6 million.
MAX_IMPORT_CELLS = 10_000_000
#: A row may reach this many columns (the import files have at most 15): a CSV row beyond it is
#: refused; in a workbook, cells right of the header's last column (and one more) are not read.
MAX_COLUMNS = 1_000
#: A workbook's table of shared texts is read whole by openpyxl: at most this much of it.
MAX_SHARED_STRINGS_BYTES = 64_000_000
_READ_CHUNK = 1 << 20

#: Opens one file of an import afresh, as a binary stream whose reading counts towards the limits.
Opener = Callable[[], BinaryIO]


class _Limits:
    """What an import has read so far; refuses, in one sentence, what goes beyond the limits."""

    def __init__(self) -> None:
        self.bytes = 0
        self.cells = 0

    def add_bytes(self, count: int, label: str) -> None:
        self.bytes += count
        if self.bytes > MAX_IMPORT_BYTES:
            raise ImportSourceError(
                f"{label} makes the import larger than the {MAX_IMPORT_BYTES / 1e6:,.0f} MB one "
                "import may hold (counted as unpacked), so nothing was imported. Split it into "
                "several imports (for example meetings.csv by year)."
            )

    def add_cells(self, count: int, label: str) -> None:
        self.cells += count
        if self.cells > MAX_IMPORT_CELLS:
            raise ImportSourceError(
                f"{label} makes the import hold more than {MAX_IMPORT_CELLS:,} cells, more than "
                "one import may check at once, so nothing was imported. Split it into several "
                "imports (for example meetings.csv by year)."
            )

    def mark(self) -> tuple[int, int]:
        return self.bytes, self.cells

    def back_to(self, mark: tuple[int, int]) -> None:
        """Forget what was counted since `mark` (a file read again from its start)."""
        self.bytes, self.cells = mark


class _CountedStream(io.RawIOBase):
    """A binary stream that counts what is read from it against the import's limits and turns a
    damaged archive member into one sentence."""

    def __init__(self, inner: BinaryIO, label: str, limits: _Limits, member_of: str = "") -> None:
        self._inner, self._label, self._limits, self._member_of = inner, label, limits, member_of

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            count = self._inner.readinto(buffer)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            what = "CRC check failed" if "CRC" in str(error) else "it cannot be unpacked"
            raise ImportSourceError(
                f"{self._member_of}: member {self._label} is damaged ({what}), so nothing was "
                "imported."
            ) from error
        except OSError as error:
            raise ImportSourceError(f"{self._label} cannot be read: {error}.") from error
        self._limits.add_bytes(count or 0, self._label)
        return count or 0

    def close(self) -> None:
        self._inner.close()
        super().close()


def _bytes_opener(label: str, content: bytes, limits: _Limits) -> Opener:
    def open_stream() -> BinaryIO:
        stream = _CountedStream(io.BytesIO(content), label, limits)
        return io.BufferedReader(stream, _READ_CHUNK)  # type: ignore[return-value]

    return open_stream


def _file_opener(path: Path, limits: _Limits) -> Opener:
    def open_stream() -> BinaryIO:
        try:
            handle = path.open("rb")
        except OSError as error:
            raise ImportSourceError(f"{path} cannot be read: {error.strerror}.") from error
        stream = _CountedStream(handle, path.name, limits)
        return io.BufferedReader(stream, _READ_CHUNK)  # type: ignore[return-value]

    return open_stream


def _read_all(label: str, open_stream: Opener) -> bytes:
    """The whole content of one file (a ZIP archive or a workbook needs it at hand), read in
    chunks that count towards the limits, so that reading stops at the limit."""
    chunks = []
    with open_stream() as stream:
        while chunk := stream.read(_READ_CHUNK):
            chunks.append(chunk)
    return b"".join(chunks)


def _zip_members(label: str, content: bytes, limits: _Limits) -> list[tuple[str, Opener]]:
    """The CSV and XLSX files inside a ZIP archive, each read (when its turn comes) as a counted
    stream: an archive that unpacks beyond the limits is stopped there, whatever it claims."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and PurePath(info.filename).suffix.lower() in (".csv", ".xlsx")
            and not PurePath(info.filename).name.startswith((".", "__MACOSX"))
        ]
    except zipfile.BadZipFile as error:
        raise ImportSourceError(f"{label} is not a readable ZIP archive.") from error
    unpacked = sum(info.file_size for info in members)
    if unpacked > MAX_IMPORT_BYTES:  # what it claims; what it holds is counted while read
        raise ImportSourceError(
            f"{label} unpacks to {unpacked / 1e6:,.0f} MB, more than the "
            f"{MAX_IMPORT_BYTES / 1e6:,.0f} MB one import may hold, so nothing was imported."
        )
    if not members:
        raise ImportSourceError(f"{label} holds no CSV or XLSX file.")

    def opener(info: zipfile.ZipInfo) -> Opener:
        def open_stream() -> BinaryIO:
            try:
                inner = archive.open(info)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as error:
                raise ImportSourceError(
                    f"{label}: member {info.filename} cannot be unpacked ({error}), so nothing "
                    "was imported."
                ) from error
            stream = _CountedStream(inner, info.filename, limits, member_of=label)  # type: ignore[arg-type]
            return io.BufferedReader(stream, _READ_CHUNK)  # type: ignore[return-value]

        return open_stream

    return [(PurePath(info.filename).name, opener(info)) for info in members]


def _format_name(file_name: str) -> str | None:
    """The import file a file or sheet name stands for (`Pairs.csv` → `pairs`), or None."""
    name = file_name.strip().lower().removesuffix(".csv")
    return name if name in FILE_FORMATS else None


def _source(origin: str, files: Iterable[tuple[str, Opener]], limits: _Limits) -> ImportSource:
    """Read named files (CSV or XLSX) into an ImportSource; unknown names become warnings."""
    tables: dict[str, RawTable] = {}
    warnings: list[str] = []
    archive: dict[str, RawTable] = {}

    def add(table: RawTable | None) -> None:
        if table is None:
            return
        if table.name in tables:
            raise ImportSourceError(
                f"{FILE_FORMATS[table.name].file_name} is given twice ({tables[table.name].label} "
                f"and {table.label}); import it once."
            )
        tables[table.name] = table

    files = list(files)
    workbooks = [name for name, _ in files if PurePath(name).suffix.lower() == ".xlsx"]
    if len(workbooks) > 1:
        raise ImportSourceError(
            f"Import one workbook at a time, not {', '.join(workbooks[:-1])} and {workbooks[-1]}."
        )
    with _collector_paused():
        for file_name, open_stream in files:
            suffix = PurePath(file_name).suffix.lower()
            if suffix == ".xlsx":
                content = _read_all(file_name, open_stream)
                for table in _read_workbook(file_name, content, warnings, limits):
                    add(table)
                del content
            elif suffix == ".csv" and (name := _format_name(file_name)):
                table = _read_csv(name, file_name, open_stream, limits)
                add(_skip_if_empty(table, file_name, warnings))
            elif suffix == ".csv" and (name := store_archive.archive_name(file_name)):
                table = _read_csv(name, file_name, open_stream, limits)
                if table := _skip_if_empty(table, file_name, warnings):
                    archive[name] = table
            else:
                warnings.append(
                    f"Ignored {file_name}: not one of the import files ({_KNOWN_FILES})."
                )
    if not tables and not archive:
        raise ImportSourceError(f"No import file ({_KNOWN_FILES}) was found in {origin}.")
    ordered = {name: tables[name] for name in FILE_FORMATS if name in tables}
    return ImportSource(origin=origin, tables=ordered, warnings=warnings, archive=archive)


def _skip_if_empty(table: RawTable | None, label: str, warnings: list[str]) -> RawTable | None:
    if table is None:
        warnings.append(f"Skipped {label}: it is empty (not even a header line).")
    return table


def _read_csv(name: str, label: str, open_stream: Opener, limits: _Limits) -> RawTable | None:
    """Parse one CSV file (UTF-8, with or without BOM); None when it holds no header line.

    A file that is not UTF-8 is read again, with the undecodable bytes kept as surrogates, so that
    every cell holding one can be reported with its line and column.
    """
    mark = limits.mark()
    try:
        return _parse_csv(name, label, open_stream, "strict", limits)
    except UnicodeDecodeError:
        limits.back_to(mark)
    table = _parse_csv(name, label, open_stream, "surrogateescape", limits)
    if table is not None:
        _report_undecodable_cells(table)
    return table


def _header_index(rows: list[list[str]]) -> int | None:
    """The first row that is not blank: the header."""
    return next((index for index, cells in enumerate(rows) if any(map(str.strip, cells))), None)


def _parse_csv(
    name: str, label: str, open_stream: Opener, errors: str, limits: _Limits
) -> RawTable | None:
    """The rows of a CSV file as it streams in, the physical line each starts on, and a problem
    if it breaks off; None when no row holds anything.

    Only what a row holds is kept: blank rows and the empty cells at the end of a row are
    dropped, and a text that recurs (an id, a date, a format) is kept once. A row wider than
    MAX_COLUMNS, or a file beyond the import's limits, is refused.
    """
    rows: list[list[str]] = []
    lines = array("q")
    problems: list[tuple[int, str, str]] = []
    seen: dict[str, str] = {}
    keep = seen.setdefault
    row_lines: list[str] = []  # the physical lines of the row being read

    with open_stream() as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors=errors, newline="")

        def physical_lines() -> Iterator[str]:
            for line in text:
                row_lines.append(line)
                yield line

        reader = csv.reader(physical_lines())
        last_line = 0
        try:
            for cells in reader:
                start, last_line = last_line + 1, reader.line_num
                del row_lines[: len(row_lines) - (last_line - start + 1)]
                while cells and not cells[-1]:
                    cells.pop()
                if not any(map(str.strip, cells)):
                    continue
                if len(cells) > MAX_COLUMNS:
                    raise ImportSourceError(
                        f"{label}: line {start} has {len(cells):,} cells; an import file may have "
                        f"at most {MAX_COLUMNS:,} columns, so nothing was imported."
                    )
                limits.add_cells(len(cells), label)
                rows.append([keep(cell, cell) for cell in cells])
                lines.append(start)
        except csv.Error as error:
            problem = f"cannot be read as CSV from this line on: {error}"
            problems.append((reader.line_num, "(file)", problem))
        else:
            if lines and row_lines:
                problems += _unclosed_quote("".join(row_lines), last_line - len(row_lines) + 1)
    del seen
    if not rows:
        return RawTable(name, label, [], 1, [], [], problems) if problems else None
    return RawTable(name, label, rows[0], lines[0], rows[1:], lines[1:], problems)


def _unclosed_quote(last_row: str, line: int) -> list[tuple[int, str, str]]:
    """A problem when the last row (its text `last_row`, from `line`) opens a quoted cell that
    the file never closes.

    The csv module then reads the rest of the file as that one cell and says nothing: rows after
    a stray `"` would be silently lost (or one cell cut off), so the file is refused instead.
    """
    if '"' not in last_row:
        return []
    try:
        for _ in csv.reader(io.StringIO(last_row, newline=""), strict=True):
            pass
    except csv.Error as error:
        if "unexpected end of data" not in str(error):
            return []  # not strict CSV in another way, which the lenient reading accepts
        problem = (
            'a quoted cell opened on this line is never closed (its closing " is missing, or '
            "the file was cut off), so the rest of the file cannot be read"
        )
        return [(line, "(file)", problem)]
    return []


def _report_undecodable_cells(table: RawTable) -> None:
    """Report every cell holding bytes that are not UTF-8, then show those bytes as `�`.

    The cells are reported as read; after that they hold printable text, so the rest of the
    check (and the preview) can go on as for any other cell.
    """
    header = [cell.strip().lower() for cell in table.header]

    def printable(value: str) -> str:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", errors="replace")

    def report(line: int, index: int, value: str) -> None:
        named = index < len(header) and header[index] and not _UNDECODABLE(header[index])
        column = header[index] if named else f"column {index + 1}"
        problem = f"is not UTF-8 text (save the file as CSV UTF-8): {printable(value)!r}"
        table.problems.append((line, column, problem))

    lines = chain([(table.header, table.header_line)], zip(table.rows, table.lines, strict=True))
    for cells, line in lines:
        for index, value in enumerate(cells):
            if _UNDECODABLE(value):
                report(line, index, value)
                cells[index] = printable(value)


def _read_workbook(
    label: str, content: bytes, warnings: list[str], limits: _Limits
) -> list[RawTable]:
    """One RawTable per sheet named after an import file; line numbers are sheet row numbers.

    The workbook is read twice side by side, as values and as formulas, to find formula cells
    whose result was never saved (they hold no value); both readings stream row by row.
    """
    _check_workbook_parts(label, content)
    tables = []
    try:
        values = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportSourceError(f"{label} is not a readable Excel workbook (.xlsx).") from error
    try:
        for sheet, formula_sheet in zip(values.worksheets, formulas.worksheets, strict=True):
            name = _format_name(sheet.title)
            if name is None:
                warnings.append(
                    f"Ignored the sheet '{sheet.title}' of {label}: not named after an import "
                    f"file ({_KNOWN_FILES})."
                )
                continue
            table = _read_sheet(name, sheet, formula_sheet, limits)
            tables.append(_skip_if_empty(table, f"the sheet '{sheet.title}'", warnings))
    except ImportSourceError:
        raise
    except Exception as error:  # a sheet that cannot be parsed, found while iterating
        raise ImportSourceError(f"{label} is not a readable Excel workbook (.xlsx).") from error
    finally:
        values.close()
        formulas.close()
    return [table for table in tables if table is not None]


def _check_workbook_parts(label: str, content: bytes) -> None:
    """Refuse a workbook whose parts unpack beyond the limits (an XLSX file is a ZIP archive;
    zipfile never unpacks a part beyond the size the archive states for it)."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except zipfile.BadZipFile as error:
        raise ImportSourceError(f"{label} is not a readable Excel workbook (.xlsx).") from error
    for part in parts:
        shared = part.filename.lower().endswith("sharedstrings.xml")
        limit = MAX_SHARED_STRINGS_BYTES if shared else 10 * MAX_IMPORT_BYTES
        if part.file_size > limit:
            raise ImportSourceError(
                f"{label} is too large to import: its part {part.filename} unpacks to "
                f"{part.file_size / 1e6:,.0f} MB (at most {limit / 1e6:,.0f} MB), so nothing was "
                "imported. Save the sheets as CSV files and import those."
            )


def _read_sheet(name: str, sheet: Any, formula_sheet: Any, limits: _Limits) -> RawTable | None:
    """One sheet as a RawTable, read only as wide as its header (and one column more, so that a
    value just right of it is reported); None when no row holds anything."""
    label = sheet.title
    for worksheet in (sheet, formula_sheet):
        worksheet.reset_dimensions()  # some writers record a wrong size; read every row there is
    header: list[str] = []
    header_line = 0
    for line, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
        header = [_cell_text(value) for value in cells]
        if any(map(str.strip, header)):
            header_line = line
            break
    else:
        return None
    while not header[-1].strip():
        header.pop()
    width = len(header) + 1
    columns = [cell.strip().lower() or f"column {index}" for index, cell in enumerate(header, 1)]
    rows: list[list[str]] = []
    lines = array("q")
    problems: list[tuple[int, str, str]] = []
    seen: dict[str, str] = {}
    keep = seen.setdefault
    rows_of = zip(
        sheet.iter_rows(min_row=header_line, max_col=width, values_only=True),
        formula_sheet.iter_rows(min_row=header_line, max_col=width, values_only=True),
        strict=True,
    )
    for line, (cells, formula_cells) in enumerate(rows_of, header_line):
        for index, (value, formula) in enumerate(zip(cells, formula_cells, strict=True)):
            if value is None and formula is not None:
                column = columns[index] if index < len(columns) else f"column {index + 1}"
                shown = formula if isinstance(formula, str) else "an array formula"
                problems.append(
                    (
                        line,
                        "(header)" if line == header_line else column,
                        f"is a formula with no saved result ({shown}); open the workbook in "
                        "Excel or LibreOffice and save it, or paste the values instead",
                    )
                )
        if line == header_line:
            continue
        row = [_cell_text(value) for value in cells]
        while row and not row[-1]:
            row.pop()
        if not any(map(str.strip, row)):
            continue
        limits.add_cells(len(row), label)
        rows.append([keep(cell, cell) for cell in row])
        lines.append(line)
    return RawTable(name, label, header, header_line, rows, lines, problems)


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV file would hold (dates as ISO, 3.0 as 3)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- Checking -------------------------------------------------------------------------------------


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


# --- Importing ------------------------------------------------------------------------------------


def run_import(
    source: ImportSource,
    *,
    engine: Engine,
    dry_run: bool = False,
    progress: Progress | None = None,
    actor: str = "cli",
    settings_model: type[BaseModel] | None = None,
) -> ImportReport:
    """Check `source` against the format and the store; when it is clean, write it all.

    Unless `dry_run`, the text rows of `source` are let go as each file is checked (they are the
    import's largest memory): read the files again to import them again. A dry run keeps them,
    so the same source can be imported after it. With any problem, or with `dry_run`, nothing is
    written. Otherwise every file is upserted in
    one transaction (parents first) and one audit-log row records the counts and `actor`; a
    database error rolls everything back and is raised. `progress(fraction, message)` is called
    as the import goes. The coordinators' work of a full export (`source.archive`) is checked
    and written with it (`store_archive`); `settings_model` (`app.settings.ProgramSettings`)
    checks its settings.csv, which is refused without one.
    """
    report_progress = progress or (lambda _fraction, _message: None)
    check_share = 1.0 if dry_run else _CHECK_SHARE
    with _collector_paused():
        report_progress(0.0, "Reading the ids already in the store…")
        checker = _Checker(source, _StoreIds.read(engine, source))
        total_raw_rows = sum(len(table.rows) for table in source.tables.values()) or 1
        rows_checked = 0
        for raw in source.tables.values():
            report_progress(check_share * rows_checked / total_raw_rows, f"Checking {raw.label}…")
            rows_checked += len(raw.rows)
            checker.check_file(raw, release=not dry_run)
        checker.check_role_changes()
        checked = list(checker.checked.values())
        archive = store_archive.check_archive(
            source.archive,
            engine=engine,
            program_ids={file.fmt.name: file.ids for file in checked},
            settings_model=settings_model,
        )
        report = ImportReport(
            problems=checker.problems.first(),
            problem_count=checker.problems.count,
            warnings=checker.warnings + archive.warnings,
            files=[file.summary for file in checked],
            preview={file.fmt.name: file.preview for file in checked},
            applied=False,
        )
        _add_archive(report, archive)
        total_rows = sum(len(file.rows) for file in checked) + archive.row_count
        if report.ok and not dry_run and total_rows:
            _write(engine, checked, source.origin, actor, check_share, report_progress, archive)
            report.applied = True
            report_progress(1.0, "Updating the store's statistics…")
            refresh_statistics(engine)
    report_progress(1.0, "Done.")
    return report


def _add_archive(report: ImportReport, archive: store_archive.ArchiveImport) -> None:
    """The archive files' problems (after the program files'), summaries and previews."""
    room = MAX_REPORTED_PROBLEMS - len(report.problems)
    report.problems += [CellProblem(*problem) for problem in archive.problems[: max(room, 0)]]
    report.problem_count += len(archive.problems)
    report.files += [FileSummary(*summary, ignored_columns=[]) for summary in archive.summaries]
    report.preview |= archive.preview


def _write(
    engine: Engine,
    checked: list[_CheckedFile],
    origin: str,
    actor: str,
    start: float,
    progress: Progress,
    archive: store_archive.ArchiveImport,
) -> None:
    """Upsert every checked file, the archive files and the audit row in one transaction."""
    total = sum(len(file.rows) for file in checked) or 1
    written = 0
    with _write_transaction(engine) as connection:
        for file in checked:

            def on_chunk(rows: int, label: str = file.label) -> None:
                nonlocal written
                written += rows
                progress(
                    start + (1 - start) * written / total,
                    f"Writing {label} ({written:,} of {total:,} rows)…",
                )

            upsert_rows(
                connection,
                file.fmt.table,
                file.rows,
                on_chunk=on_chunk,
                columns=_table_columns(file.fmt),
            )
        archive.write(connection)
        detail = {
            "source": origin,
            "rows": sum(len(file.rows) for file in checked) + archive.row_count,
            "files": {file.fmt.name: asdict(file.summary) for file in checked}
            | archive.audit_detail(),
        }
        connection.execute(
            insert(AuditLog).values(
                at=datetime.now(UTC), actor=actor, action="import", detail=json.dumps(detail)
            )
        )
        revision.bump(connection, revision.PROGRAM)


@contextmanager
def _write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for the whole import: committed at the end, rolled back on any error.

    On SQLite the connection's page cache is raised while it runs (and put back after): the
    indexes of a table with a million rows do not fit in the default 2 MB, and the writes would
    spend their time reading the same pages again.
    """
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            with connection.begin():
                yield connection
            return
        previous = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
        connection.exec_driver_sql(f"PRAGMA cache_size = {_SQLITE_IMPORT_CACHE_KIB}")
        connection.commit()
        try:
            with connection.begin():
                yield connection
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size = {previous}")
            connection.commit()
