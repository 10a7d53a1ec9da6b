"""Importing: check, then write every row in one transaction, all or nothing."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import Connection, Engine, insert

from data_access import revision, store_archive
from data_access.db import refresh_statistics
from data_access.importer.check import _CheckedFile, _Checker, _StoreIds, _table_columns
from data_access.importer.model import (
    MAX_REPORTED_PROBLEMS,
    CellProblem,
    FileSummary,
    ImportReport,
    ImportSource,
    Progress,
    _collector_paused,
)
from data_access.models import AuditLog
from data_access.writes import upsert_rows

#: SQLite page cache while an import writes, in KiB (negative: SQLite's unit for a size).
_SQLITE_IMPORT_CACHE_KIB = -128 * 1024
#: Share of the progress bar spent checking; the rest is writing.
_CHECK_SHARE = 0.3


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
