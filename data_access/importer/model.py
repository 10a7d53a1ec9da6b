"""What an import reads and reports: the files as tables of text (`ImportSource`, `RawTable`),
the problems found (`CellProblem`), and the `ImportReport`."""

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import pandas as pd

#: The report keeps this many problems (the first ones, in file and line order) and counts all.
MAX_REPORTED_PROBLEMS = 200
#: Rows per file shown in the report's preview.
PREVIEW_ROWS = 50


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
