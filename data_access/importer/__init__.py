"""Import a program from CSV files or an XLSX workbook: check every cell, then write all or nothing.

`read_directory` (the CLI) and `read_uploads` (the Data screen) turn files into an `ImportSource`;
`run_import` validates it against the import format (`data_access.csv_format`) and the ids already
in the store, and only when nothing is wrong writes every row in one transaction through
`data_access.writes.upsert_rows`. The `ImportReport` names the file, line and column of every bad
cell in words a program manager understands.

The package's parts: `model` (what is read and reported), `limits` (what one import may read),
`read` (files into tables of text), `check` (every cell against the format and the store) and
`write` (`run_import`: check, then write all or nothing).
"""

from data_access.importer.limits import (
    MAX_COLUMNS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_CELLS,
    MAX_SHARED_STRINGS_BYTES,
)
from data_access.importer.model import (
    MAX_REPORTED_PROBLEMS,
    PREVIEW_ROWS,
    CellProblem,
    FileSummary,
    ImportReport,
    ImportSource,
    ImportSourceError,
    Progress,
    RawTable,
)
from data_access.importer.read import read_directory, read_uploads
from data_access.importer.write import run_import

__all__ = [
    "MAX_COLUMNS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_CELLS",
    "MAX_REPORTED_PROBLEMS",
    "MAX_SHARED_STRINGS_BYTES",
    "PREVIEW_ROWS",
    "CellProblem",
    "FileSummary",
    "ImportReport",
    "ImportSource",
    "ImportSourceError",
    "Progress",
    "RawTable",
    "read_directory",
    "read_uploads",
    "run_import",
]
