"""The coordinators' work in a full export (`data_access.store_archive`): follow-ups, scenarios,
settings and the access list go out with the program and come back in, on SQLite and PostgreSQL;
bad rows are refused by file:line like the program files'."""

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, delete, select
from sqlmodel import SQLModel

from app.cli import EXIT_OK, EXIT_REFUSED, main
from app.settings import ProgramSettings, load_settings, save_settings
from data_access import follow_ups
from data_access.app_users import grant_role
from data_access.db import table_counts
from data_access.exporter import export_zip
from data_access.importer import read_directory, read_uploads, run_import
from data_access.models import AppUser, AuditLog, FollowUp, Scenario, ScenarioPair, Setting
from data_access.scenarios import apply_scenario, save_scenario
from data_access.store_archive import ARCHIVE_FILES

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
ODD = 'said "hi", then\nleft; =1+1'


def _coordinators_work(engine: Engine) -> None:
    """The fixture program, and what coordinators and program managers did with it."""
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    follow_ups.log_follow_up(
        engine,
        pair_id="P03",
        actor="kim@example.org",
        note=ODD,
        next_step="-book a meeting",
        owner="Sam",
        due_on=date(2025, 3, 14),
    )
    follow_ups.snooze(engine, pair_id="P04", actor="Coordinator", until=date(2025, 4, 1))
    follow_ups.resolve(engine, pair_id="P03", actor="kim@example.org", note="@here")
    pairs = pd.DataFrame(
        {"mentor_id": ["U01"], "mentee_id": ["U02"], "score": [87.25], "reasons": ["skills, AI"]}
    )
    applied = save_scenario(
        engine=engine,
        name="Spring re-match",
        cohort_id="C2025",
        pool="unmatched",
        settings={"weights": {"skills": 5}},
        pairs=pairs,
        actor="pm@example.org",
    )
    apply_scenario(engine=engine, scenario_id=applied, start_on=date(2025, 3, 1), actor="pm@x.org")
    save_scenario(
        engine=engine,
        name="=draft, not applied",
        cohort_id=None,
        pool="rematch",
        settings={},
        pairs=pairs.assign(score=[1 / 3], reasons=[None]),
        actor="pm@example.org",
    )
    save_settings(
        engine, ProgramSettings(min_respondents=7, stall_factor=2.5), actor="pm@example.org"
    )
    grant_role(engine, "pm@example.org", "program_manager", actor="command line")
    grant_role(engine, "kim@example.org", "coordinator", actor="pm@example.org")


def _work(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of the coordinators' work, as a user would compare them (no surrogate ids)."""
    with engine.connect() as connection:
        scenario_pairs = connection.execute(
            select(
                Scenario.name,
                ScenarioPair.mentor_id,
                ScenarioPair.mentee_id,
                ScenarioPair.score,
                ScenarioPair.reasons,
            ).join(Scenario, Scenario.id == ScenarioPair.scenario_id)
        ).all()
        return {
            "follow_ups": sorted(
                tuple(row)[1:] for row in connection.execute(select(FollowUp)).all()
            ),
            "scenarios": sorted(
                tuple(row)[1:] for row in connection.execute(select(Scenario)).all()
            ),
            "scenario_pairs": sorted(tuple(row) for row in scenario_pairs),
            "settings": sorted(tuple(row) for row in connection.execute(select(Setting)).all()),
            "app_users": sorted(tuple(row) for row in connection.execute(select(AppUser)).all()),
        }


def _empty(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(delete(table))


def test_a_move_to_an_empty_store_keeps_the_coordinators_work(
    cli_store: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _coordinators_work(engine)
    before, counts = _work(engine), table_counts(engine)
    assert len(before["follow_ups"]) == 3 and len(before["scenario_pairs"]) == 2
    assert main(["export", str(tmp_path / "first")]) == EXIT_OK
    assert "follow_ups: 3 rows" in capsys.readouterr().out
    _empty(engine)
    assert not any(_work(engine).values())

    assert main(["import", str(tmp_path / "first")]) == EXIT_OK, capsys.readouterr().err
    assert _work(engine) == before
    assert table_counts(engine) == counts
    assert load_settings(engine) == ProgramSettings(min_respondents=7, stall_factor=2.5)
    with engine.connect() as connection:
        note = connection.execute(select(FollowUp.note).where(FollowUp.action == "logged"))
        assert note.scalar_one() == ODD
    main(["export", str(tmp_path / "second")])
    for name in [*ARCHIVE_FILES, "pairs"]:
        first = (tmp_path / "first" / f"{name}.csv").read_bytes()
        assert (tmp_path / "second" / f"{name}.csv").read_bytes() == first, name

    # The same export again adds nothing: follow-ups already there are left as they are.
    assert main(["import", str(tmp_path / "first")]) == EXIT_OK
    assert _work(engine) == before


def test_the_zip_from_the_data_screen_carries_the_work_too(engine: Engine, sqlite_url: str) -> None:
    _coordinators_work(engine)
    archive = export_zip(engine=engine)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        names = set(opened.namelist())
    assert {archive.file_name for archive in ARCHIVE_FILES.values()} <= names
    before = _work(engine)
    _empty(engine)
    source = read_uploads([("pairpulse-export.zip", archive)])
    dry = run_import(source, engine=engine, dry_run=True, settings_model=ProgramSettings)
    assert dry.ok and not dry.applied and not any(_work(engine).values())
    files = {summary.file: (summary.rows, summary.new) for summary in dry.files}
    assert files["follow_ups.csv"] == (3, 3) and files["app_users.csv"] == (2, 2)
    report = run_import(source, engine=engine, settings_model=ProgramSettings, actor="pm@x.org")
    assert report.applied, report.as_text()
    assert _work(engine) == before
    with engine.connect() as connection:
        detail = connection.execute(
            select(AuditLog.detail).where(AuditLog.action == "import")
        ).scalar_one()
    assert json.loads(detail)["files"]["scenarios.csv"] == {"rows": 2, "new": 2, "updated": 0}


def _import(engine: Engine, folder: Path, files: dict[str, str]):
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return run_import(read_directory(folder), engine=engine, settings_model=ProgramSettings)


STAMP = "2025-03-01T09:00:00+00:00"


@pytest.mark.parametrize(
    ("files", "problems"),
    [
        (
            {
                "follow_ups.csv": "pair_id,action,created_at,created_by\n"
                f"P99,logged,{STAMP},kim\nP03,called,{STAMP},kim\nP03,logged,2025-03-01,kim\n"
            },
            [
                "follow_ups.csv:2 pair_id — refers to pair 'P99', which is neither in this "
                "import nor in the store",
                "follow_ups.csv:3 action — must be one of 'logged', 'snoozed' or 'resolved', "
                "not 'called'",
                "follow_ups.csv:4 created_at — not a date and time with its UTC offset, like "
                "2025-03-31T09:00:00+00:00",
            ],
        ),
        (
            {
                "settings.csv": "key,value_json,updated_at\n"
                f'watch_from,90,{STAMP}\nhealthy_from,80,{STAMP}\ncolour,"""red""",{STAMP}\n'
            },
            [
                "settings.csv:2 (file) — the Watch threshold must be below the Healthy threshold",
                "settings.csv:4 key — 'colour' is not a PairPulse setting",
            ],
        ),
        (
            {"app_users.csv": f"email,role,added_at\npm@example.org,executive,{STAMP}\n"},
            [
                "app_users.csv:2 role — pm@example.org is a program manager in the store and "
                "nobody else would be; keep one program manager"
            ],
        ),
        (
            {
                "scenario_pairs.csv": "scenario,mentor_id,mentee_id,score\nNope,U01,U02,5\n",
                "app_users.csv": f"email,role,added_at\nnot an address,coordinator,{STAMP}\n",
            },
            [
                "scenario_pairs.csv:2 scenario — refers to scenario 'Nope', which is neither in "
                "scenarios.csv nor in the store",
                "app_users.csv:2 email — 'not an address' is not an e-mail address.",
            ],
        ),
        (
            {
                "follow_ups.csv": "pair_id,action,note,due_on,created_at,created_by\n"
                f"P03,logged,a\x00b,,{STAMP},kim\n"
                "P03,logged,,9999-12-31,9999-12-31T23:59:59+00:00,kim\n"
            },
            [
                "follow_ups.csv:2 note — holds a NUL character, which the store cannot hold",
                "follow_ups.csv:3 due_on — must be between the years 1900 and 2100",
                "follow_ups.csv:3 created_at — must be between the years 1900 and 2100",
            ],
        ),
    ],
    ids=["follow_ups", "settings", "last_program_manager", "scenario_and_address", "limits"],
)
def test_bad_rows_of_the_work_are_refused_by_file_and_line(
    engine: Engine, tmp_path: Path, files: dict[str, str], problems: list[str]
) -> None:
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    grant_role(engine, "pm@example.org", "program_manager", actor="command line")
    before = _work(engine)
    report = _import(engine, tmp_path / "bad", files)
    assert not report.ok and not report.applied
    assert [str(problem) for problem in report.problems] == problems
    assert _work(engine) == before


def test_settings_are_refused_where_they_cannot_be_checked(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "settings"
    folder.mkdir()
    (folder / "settings.csv").write_text(f"key,value_json,updated_at\nwatch_from,30,{STAMP}\n")
    report = run_import(read_directory(folder), engine=engine)  # no settings model given
    assert [problem.column for problem in report.problems] == ["(file)"]
    assert not report.applied


def test_a_follow_up_file_alone_imports_into_a_store_with_the_pairs(
    cli_store: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "follow_ups.csv").write_text(
        f"pair_id,action,note,created_at,created_by\nP03,logged,called,{STAMP},kim\n"
    )
    assert main(["import", str(folder), "--dry-run"]) == EXIT_OK
    assert follow_ups.follow_up_count(engine) == 0
    assert main(["import", str(folder)]) == EXIT_OK
    assert follow_ups.follow_up_count(engine) == 1
    (folder / "follow_ups.csv").write_text("pair_id,action\nP03,logged\n")
    assert main(["import", str(folder)]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "follow_ups.csv:1 created_at — required column is missing from the header" in err
