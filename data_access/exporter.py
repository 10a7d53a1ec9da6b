"""Export the store as the six import-format CSV files plus the coordinators' work (follow-ups,
scenarios, settings, access list: `data_access.store_archive`), and the import template.

Every export reads all its tables in one snapshot and writes UTF-8 (no BOM), `\\n` line ends and a
header line even for an empty table. Text cells that a spreadsheet would run as a formula get a
leading `'` (`csv_format.escape_cell`); the importer removes it, so export → import → export gives
the same bytes.
"""

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
from sqlalchemy import Connection, Engine, select

from data_access.csv_format import FILE_FORMATS, FileFormat, escape_cell
from data_access.store_archive import write_archive_files

_FETCH_ROWS = 10_000
#: The ids (and the references to them) of the template's example rows start with this; the
#: importer refuses such rows, so an example left in a filled-in template is never imported.
TEMPLATE_ID_PREFIX = "EXAMPLE-"


def template_example(value: str | None) -> bool:
    """Whether an id cell is one of the import template's example rows."""
    return value is not None and value.upper().startswith(TEMPLATE_ID_PREFIX)


def _text_cell(value: str | None) -> str:
    return "" if value is None else escape_cell(value)


def _plain_cell(value: Any) -> str:
    # str() of a date is its ISO form and of an int its digits; enum values never need the guard
    return "" if value is None else str(value)


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see the store at one moment."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            if connection.dialect.name == "sqlite":
                # the sqlite3 driver opens a transaction only before writes; reads need it here
                connection.exec_driver_sql("BEGIN")
            yield connection


def _text_rows(connection: Connection, fmt: FileFormat) -> Iterator[list[str]]:
    """The rows of one table as the CSV cells of its file, sorted by id (code-point order)."""
    table = fmt.table.__table__  # type: ignore[attr-defined]
    order = table.c[fmt.id_column]
    if connection.dialect.name == "postgresql":
        order = order.collate("C")  # the same order as SQLite's and Python's, whatever the locale
    cells = _cell_writers(fmt)
    result = connection.execution_options(yield_per=_FETCH_ROWS).execute(
        select(*(table.c[column] for column in fmt.columns)).order_by(order)
    )
    for row in result:
        yield [cell(value) for cell, value in zip(cells, row, strict=True)]


def _write_csv(stream: TextIO, header: Iterable[str], rows: Iterable[list[str]]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def program_frames(*, engine: Engine) -> dict[str, pd.DataFrame]:
    """Every import-format table as text, keyed by file name without `.csv`, sorted by id.

    The cells are exactly what the exported CSV files hold: ISO dates, whole numbers, "" for
    blank, and the formula guard on text cells.
    """
    with _snapshot(engine) as connection:
        return {
            name: pd.DataFrame(list(_text_rows(connection, fmt)), columns=list(fmt.columns))
            for name, fmt in FILE_FORMATS.items()
        }


def export_directory(path: Path, *, engine: Engine) -> dict[str, int]:
    """Write the six import CSV files and the five files of the coordinators' work
    (`store_archive.ARCHIVE_FILES`) into the folder `path` (created if needed).

    Returns the number of rows written per file name (without `.csv`).
    """
    path.mkdir(parents=True, exist_ok=True)
    counts = {}
    with _snapshot(engine) as connection:
        for name, fmt in FILE_FORMATS.items():
            with (path / fmt.file_name).open("w", encoding="utf-8", newline="") as stream:
                counts[name] = _write_csv(stream, fmt.columns, _text_rows(connection, fmt))
        counts |= write_archive_files(
            connection, lambda name: (path / name).open("w", encoding="utf-8", newline="")
        )
    return counts


def _zip_text(archive: zipfile.ZipFile, name: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(archive.open(name, "w"), encoding="utf-8", newline="")


def export_zip(*, engine: Engine) -> bytes:
    """Every file `export_directory` writes, as it writes them, in one ZIP archive."""
    buffer = io.BytesIO()
    with (
        _snapshot(engine) as connection,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for fmt in FILE_FORMATS.values():
            with _zip_text(archive, fmt.file_name) as stream:
                _write_csv(stream, fmt.columns, _text_rows(connection, fmt))
        write_archive_files(connection, lambda name: _zip_text(archive, name))
    return buffer.getvalue()


def _cell_writers(fmt: FileFormat) -> list[Callable[[Any], str]]:
    return [_text_cell if column in fmt.text_columns else _plain_cell for column in fmt.columns]


def _example_rows(fmt: FileFormat) -> list[list[str]]:
    """The template rows of one file, from the examples on its model's fields; ids and the
    references to them marked with `TEMPLATE_ID_PREFIX`."""
    marked = {fmt.id_column, *fmt.references}
    examples = [
        [
            f"{TEMPLATE_ID_PREFIX}{value}" if column in marked and value else value
            for value in fmt.model.model_fields[column].examples or [""]
        ]
        for column in fmt.columns
    ]
    count = max(len(values) for values in examples)
    return [
        [
            cell(values[min(index, len(values) - 1)])
            for cell, values in zip(_cell_writers(fmt), examples, strict=True)
        ]
        for index in range(count)
    ]


def _template_readme() -> str:
    """The README of the import template: the general rules, then every file and column."""
    lines = [
        "PairPulse import template",
        "=========================",
        "",
        "Fill in the CSV files (UTF-8, comma-separated, header line first) and import the folder",
        "with `python -m app import FOLDER`, or upload the files on the Data screen. A workbook",
        "(.xlsx) with one sheet per file name (cohorts, participants, ...) works the same.",
        "",
        "- Dates are ISO: YYYY-MM-DD, e.g. 2025-01-31.",
        "- A blank cell means unknown; columns marked (required) must not be blank.",
        "- Lists inside one cell are separated by ';', e.g. 'AI; Excel'.",
        "- Ids already in the store are updated, new ids are added; ids can be referred to from",
        "  other files of the same import or from what the store already holds.",
        "- An import is all or nothing: any bad cell and nothing is written; the report names the",
        "  file, line, column and problem of every bad cell.",
        "- Text cells starting with = + - @ are exported with a leading ' so that spreadsheets do",
        "  not run them as formulas; the import removes it again.",
        f"- The example rows have ids starting with {TEMPLATE_ID_PREFIX}: they show the format and",
        "  are refused on import. Replace them with your own rows (or delete them).",
        "",
    ]
    for fmt in FILE_FORMATS.values():
        lines += [fmt.file_name, "-" * len(fmt.file_name)]
        for column in fmt.columns:
            required = " (required)" if column in fmt.required_columns else ""
            description = fmt.model.model_fields[column].description
            lines.append(f"  {column}{required}: {description}")
        lines.append("")
    return "\n".join(lines)


def template_zip() -> bytes:
    """Six CSV files with their header and example rows, and a README.txt on every column.

    The examples refer to each other and are otherwise valid, but their ids are marked
    (`TEMPLATE_ID_PREFIX`), so the importer refuses every example row left in.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for fmt in FILE_FORMATS.values():
            with _zip_text(archive, fmt.file_name) as stream:
                _write_csv(stream, fmt.columns, _example_rows(fmt))
        archive.writestr("README.txt", _template_readme())
    return buffer.getvalue()
