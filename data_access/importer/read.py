"""Reading: a folder, a CSV, an XLSX workbook or a ZIP of them into an `ImportSource`, every
cell as text with its file, line and column."""

import csv
import io
import re
import zipfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from itertools import chain
from pathlib import Path, PurePath
from typing import Any

import openpyxl

from data_access import store_archive
from data_access.csv_format import (
    FILE_FORMATS,
)
from data_access.importer.limits import (
    MAX_COLUMNS,
    MAX_IMPORT_BYTES,
    MAX_SHARED_STRINGS_BYTES,
    Opener,
    _bytes_opener,
    _file_opener,
    _Limits,
    _read_all,
    _zip_members,
)
from data_access.importer.model import (
    ImportSource,
    ImportSourceError,
    RawTable,
    _collector_paused,
)

_KNOWN_FILES = ", ".join(fmt.file_name for fmt in FILE_FORMATS.values())
_UNDECODABLE = re.compile("[\udc80-\udcff]").search


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
