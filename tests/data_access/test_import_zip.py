"""A ZIP upload (such as PairPulse's own export) imports like the files it holds."""

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.db import make_engine, table_counts
from data_access.exporter import export_zip
from data_access.importer import ImportSourceError, read_directory, read_uploads, run_import

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"


def test_the_export_zip_uploads_back_into_an_empty_store(engine: Engine, sqlite_url: str) -> None:
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    archive = export_zip(engine=engine)

    target = make_engine(sqlite_url)
    report = run_import(read_uploads([("pairpulse-export.zip", archive)]), engine=target)
    assert report.ok and report.applied, report.as_text()
    assert table_counts(target) == table_counts(engine)
    target.dispose()


def test_a_zip_path_on_the_command_line_is_read_too(engine: Engine, tmp_path: Path) -> None:
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    path = tmp_path / "program.zip"
    path.write_bytes(export_zip(engine=engine))
    assert {summary.file for summary in run_import(read_directory(path), engine=engine).files} == {
        "cohorts.csv",
        "employees.csv",  # the workforce files an export always holds, empty here
        "promotions.csv",
        "participants.csv",
        "pairs.csv",
        "meetings.csv",
        "goals.csv",
        "surveys.csv",
    }


def test_a_broken_or_empty_zip_is_refused_in_one_sentence() -> None:
    with pytest.raises(ImportSourceError, match="not a readable ZIP archive"):
        read_uploads([("broken.zip", b"PK\x03\x04 not really")])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ImportSourceError, match="holds no CSV or XLSX file"):
        read_uploads([("notes.zip", buffer.getvalue())])
