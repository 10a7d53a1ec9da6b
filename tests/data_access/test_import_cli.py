"""`python -m app import` and `export`: the importer on a terminal, its report and exit codes."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.cli import EXIT_OK, EXIT_REFUSED, main
from data_access.db import table_counts

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_PROGRAM = ROOT / "tests" / "fixtures" / "program"


@pytest.fixture
def bad_program(tmp_path: Path) -> Path:
    folder = Path(shutil.copytree(FIXTURE_PROGRAM, tmp_path / "bad"))
    pairs = folder / "pairs.csv"
    pairs.write_text(
        pairs.read_text(encoding="utf-8").replace("2024-01-22,2024-04-02", "22/01/2024,2024-04-02"),
        encoding="utf-8",
    )
    return folder


def test_a_dry_run_checks_and_writes_nothing(
    cli_store: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(FIXTURE_PROGRAM), "--dry-run"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "All 29 rows are valid; nothing was written." in out
    assert "pairs.csv" in out
    assert not any(table_counts(engine).values())


def test_an_import_writes_and_reports_rows_per_file(
    cli_store: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(FIXTURE_PROGRAM)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Imported 29 rows." in out
    assert "rows/s" in out
    assert table_counts(engine)["meetings"] == 7


def test_a_bad_cell_is_refused_with_status_2_and_named_on_stderr(
    cli_store: str, engine: Engine, bad_program: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(bad_program)]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "1 problem found, so nothing was imported:" in err
    assert "pairs.csv:3 started_on — not an ISO date (YYYY-MM-DD): '22/01/2024'" in err
    assert not any(table_counts(engine).values())


def test_a_missing_folder_is_refused_in_one_sentence(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(tmp_path / "nowhere")]) == EXIT_REFUSED
    assert capsys.readouterr().err.strip() == (
        f"Import refused: There is no folder or file at {tmp_path / 'nowhere'}."
    )


def test_export_writes_the_six_files_and_the_coordinators_work(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(FIXTURE_PROGRAM)]) == EXIT_OK
    assert main(["export", str(tmp_path / "out")]) == EXIT_OK
    assert "meetings: 7 rows" in capsys.readouterr().out
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == sorted(
        [path.name for path in FIXTURE_PROGRAM.iterdir()]
        + ["employees.csv", "promotions.csv"]  # the workforce files, empty here
        + ["follow_ups.csv", "scenarios.csv", "scenario_pairs.csv", "settings.csv", "app_users.csv"]
    )


def test_the_command_refuses_bad_input_without_a_traceback(
    sqlite_url: str, bad_program: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "import", str(bad_program), "--dry-run"],
        cwd=ROOT,
        env={"DATABASE_URL": sqlite_url, "PATH": "/usr/bin:/bin", "PAIRPULSE_DEMO_DATA": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == EXIT_REFUSED
    assert "pairs.csv:3 started_on" in result.stderr
    assert "Traceback" not in result.stderr
