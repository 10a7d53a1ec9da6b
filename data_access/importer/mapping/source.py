"""Reading another program's file: one CSV (its encoding and separator detected) or one sheet
of an XLSX workbook, as a `RawTable` of text with the source's own header and line numbers."""

import codecs
import csv
import io
from array import array
from pathlib import PurePath

import openpyxl

from data_access.importer.limits import MAX_COLUMNS, _bytes_opener, _Limits, _read_all
from data_access.importer.model import ImportSourceError, RawTable
from data_access.importer.read import _check_workbook_parts, _read_sheet

#: Bytes that cp1252 leaves undefined: a file holding one is not Windows-1252 text.
_SEPARATORS = (",", ";", "\t")


def sheet_names(label: str, content: bytes) -> list[str]:
    """The sheets of a workbook, in order (for choosing one)."""
    _check_workbook_parts(label, content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportSourceError(f"{label} is not a readable Excel workbook (.xlsx).") from error
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def read_source(
    label: str, content: bytes, *, sheet: str | None = None, skip_rows: int = 0
) -> tuple[RawTable, list[str]]:
    """The file (or the workbook's `sheet`, else its first) as a RawTable, and warnings.

    `skip_rows` rows under the header are not data (Qualtrics' question text and import ids).
    Raises ImportSourceError with one plain sentence when the file cannot be read.
    """
    limits = _Limits()
    content = _read_all(label, _bytes_opener(label, content, limits))
    warnings: list[str] = []
    if PurePath(label).suffix.lower() == ".xlsx":
        table = _read_xlsx(label, content, sheet, limits)
    else:
        text, encoding = decode(label, content)
        if encoding not in ("UTF-8", "UTF-8 with BOM"):
            warnings.append(f"{label} was read as {encoding} text.")
        table = _read_csv_text(label, text, limits)
    if skip_rows:
        table.rows = table.rows[skip_rows:]
        table.lines = table.lines[skip_rows:]
    return table, warnings


def decode(label: str, content: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was found in: UTF-8 (with or without BOM),
    UTF-16 (Excel's "Unicode text") or Windows-1252; anything else is refused in words."""
    if content.startswith(codecs.BOM_UTF8):
        encodings = [("utf-8-sig", "UTF-8 with BOM")]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = [("utf-16", "UTF-16")]
    elif _looks_utf16(content):
        little = content[1:2] == b"\x00"
        encodings = [("utf-16-le" if little else "utf-16-be", "UTF-16")]
    else:
        encodings = [("utf-8", "UTF-8"), ("cp1252", "Windows-1252 (cp1252)")]
    for codec, name in encodings:
        try:
            text = content.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text, name
    raise ImportSourceError(
        f"{label} is not text PairPulse can read (not UTF-8, UTF-16 or Windows-1252); save it "
        "from your spreadsheet as 'CSV UTF-8' and upload it again."
    )


def _looks_utf16(content: bytes) -> bool:
    """UTF-16 without a BOM: ASCII text then has a zero byte in every other place."""
    head = content[:4000]
    return len(head) >= 4 and head.count(b"\x00") >= len(head) // 4


def _read_csv_text(label: str, text: str, limits: _Limits) -> RawTable:
    first_line = text.split("\n", 1)[0]
    separator = max(_SEPARATORS, key=first_line.count)
    if not first_line.count(separator):
        separator = ","
    rows: list[list[str]] = []
    lines = array("q")
    problems: list[tuple[int, str, str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    last_line = 0
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            while cells and not cells[-1]:
                cells.pop()
            if not any(map(str.strip, cells)):
                continue
            if len(cells) > MAX_COLUMNS:
                raise ImportSourceError(
                    f"{label}: line {start} has {len(cells):,} cells; a file may have at most "
                    f"{MAX_COLUMNS:,} columns, so nothing was imported."
                )
            limits.add_cells(len(cells), label)
            rows.append(cells)
            lines.append(start)
    except csv.Error as error:
        problems.append((reader.line_num, "(file)", f"cannot be read as CSV: {error}"))
    if not rows:
        raise ImportSourceError(f"{label} is empty (not even a header line).")
    return RawTable("", label, rows[0], lines[0], rows[1:], lines[1:], problems)


def _read_xlsx(label: str, content: bytes, sheet: str | None, limits: _Limits) -> RawTable:
    _check_workbook_parts(label, content)
    try:
        values = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportSourceError(f"{label} is not a readable Excel workbook (.xlsx).") from error
    try:
        names = values.sheetnames
        chosen = sheet if sheet is not None else names[0]
        if chosen not in names:
            raise ImportSourceError(
                f"{label} has no sheet '{chosen}' (its sheets: {', '.join(names)})."
            )
        try:
            table = _read_sheet("", values[chosen], formulas[chosen], limits)
        except ImportSourceError:
            raise
        except Exception as error:  # a sheet that cannot be parsed
            raise ImportSourceError(f"{label} is not a readable Excel workbook (.xlsx).") from error
    finally:
        values.close()
        formulas.close()
    if table is None:
        raise ImportSourceError(f"The sheet '{chosen}' of {label} is empty.")
    table.label = f"{label} [{chosen}]"
    return table
