"""Cells the store cannot hold or the screens cannot show are refused on import
(docs/import-format.md).

E-mail cells are real addresses, dates lie in 1900-01-01 … 2100-12-31, numbers in their domain
range (and so in PostgreSQL's INTEGER), text holds no NUL, indexed text fits PostgreSQL's index.
Every refusal names file, line and column, is the same in a dry run and a real import, is the
same on SQLite and PostgreSQL (the `engine` fixture runs both), and writes nothing.
"""

import csv
import io
import random
import shutil
import string
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from app.cli import EXIT_OK, EXIT_REFUSED, main
from app.headlines import headline_figures, program_health
from app.settings import load_settings
from data_access.csv_format import FILE_FORMATS, MAX_KEY_LENGTH
from data_access.db import table_counts
from data_access.exporter import program_frames
from data_access.importer import ImportReport, ImportSource, RawTable, read_directory, run_import
from data_access.models import Participant
from data_access.queries import load_program
from tests.data_access.test_import import fixture_workbook

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_PROGRAM = ROOT / "tests" / "fixtures" / "program"
POSTGRES_INTEGER_MAX = 2**31 - 1


def program_with(tmp_path: Path, file: str, line: int, column: str, value: str) -> Path:
    """A copy of the fixture program with one cell (line as in the report: header = 1) set."""
    folder = Path(shutil.copytree(FIXTURE_PROGRAM, tmp_path / "program"))
    path = folder / file
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return folder


def dump(engine: Engine) -> dict[str, str]:
    return {
        name: frame.to_csv(index=False) for name, frame in program_frames(engine=engine).items()
    }


# fmt: off
# id -> (file, line, column, value, the one problem reported)
BAD_CELLS = {
    "email-with-crlf-header": (
        "participants.csv", 2, "email", "ada@example.com\r\nBcc: all@example.com",
        "participants.csv:2 email — not a valid e-mail address (The part after the @-sign "
        "contains invalid characters: ':', '@', SPACE, U+000A, U+000D): "
        "'ada@example.com\\r\\nBcc: all@example.com'",
    ),
    "email-without-at": (
        "participants.csv", 3, "email", "ben at example.com",
        "participants.csv:3 email — not a valid e-mail address (An email address must have an "
        "@-sign): 'ben at example.com'",
    ),
    "email-with-display-name": (
        "participants.csv", 3, "email", "Ben <ben@example.com>",
        "participants.csv:3 email — not a valid e-mail address (A display name and angle "
        "brackets around the email address are not permitted here): 'Ben <ben@example.com>'",
    ),
    "end-date-9999": (
        "cohorts.csv", 3, "end_date", "9999-12-31",
        "cohorts.csv:3 end_date — must be a date from 1900-01-01 to 2100-12-31, not "
        "'9999-12-31'; leave the cell empty when there is no such date",
    ),
    "left-on-9999": (
        "participants.csv", 2, "left_on", "9999-12-31",
        "participants.csv:2 left_on — must be a date from 1900-01-01 to 2100-12-31, not "
        "'9999-12-31'; leave the cell empty when there is no such date",
    ),
    "start-date-year-1": (
        "pairs.csv", 2, "started_on", "0001-01-01",
        "pairs.csv:2 started_on — must be a date from 1900-01-01 to 2100-12-31, not "
        "'0001-01-01'",
    ),
    "meeting-in-2101": (
        "meetings.csv", 2, "held_on", "2101-01-01",
        "meetings.csv:2 held_on — must be a date from 1900-01-01 to 2100-12-31, not "
        "'2101-01-01'",
    ),
    "duration-1e23": (
        "meetings.csv", 2, "duration_minutes", str(10**23),
        f"meetings.csv:2 duration_minutes — must be between 0 and 1440, not {10**23}",
    ),
    "duration-2^63": (
        "meetings.csv", 2, "duration_minutes", str(2**63),
        f"meetings.csv:2 duration_minutes — must be between 0 and 1440, not {2**63}",
    ),
    "duration-2^31": (
        "meetings.csv", 2, "duration_minutes", str(2**31),
        f"meetings.csv:2 duration_minutes — must be between 0 and 1440, not {2**31}",
    ),
    "duration-a-day-and-a-minute": (
        "meetings.csv", 2, "duration_minutes", "1441",
        "meetings.csv:2 duration_minutes — must be between 0 and 1440, not 1441",
    ),
    "cohort-cadence-1e20": (
        "cohorts.csv", 2, "target_cadence_days", str(10**20),
        f"cohorts.csv:2 target_cadence_days — must be between 1 and 365, not {10**20}",
    ),
    "pair-cadence-366": (
        "pairs.csv", 3, "target_cadence_days", "366",
        "pairs.csv:3 target_cadence_days — must be between 1 and 365, not 366",
    ),
    "capacity-2^31": (
        "participants.csv", 2, "capacity", str(2**31),
        f"participants.csv:2 capacity — must be between 1 and 100, not {2**31}",
    ),
    "nul-in-a-title": (
        "goals.csv", 2, "title", "Write\x00prompts",
        "goals.csv:2 title — holds a NUL character (\\x00), which the store cannot hold; "
        "remove it",
    ),
    "nul-in-an-id": (
        "meetings.csv", 2, "meeting_id", "M\x00001",
        "meetings.csv:2 meeting_id — holds a NUL character (\\x00), which the store cannot "
        "hold; remove it",
    ),
    "department-too-long-for-an-index": (
        "participants.csv", 2, "department", "d" * (MAX_KEY_LENGTH + 1),
        f"participants.csv:2 department — is {MAX_KEY_LENGTH + 1} characters long; at most "
        f"{MAX_KEY_LENGTH} are allowed",
    ),
}
# fmt: on


@pytest.mark.parametrize(
    ("file", "line", "column", "value", "expected"), BAD_CELLS.values(), ids=BAD_CELLS
)
def test_a_cell_the_store_cannot_hold_is_refused_alike_in_a_dry_run_and_an_import(
    engine: Engine, tmp_path: Path, file: str, line: int, column: str, value: str, expected: str
) -> None:
    folder = program_with(tmp_path, file, line, column, value)
    before = dump(engine)

    dry = run_import(read_directory(folder), engine=engine, dry_run=True)
    real = run_import(read_directory(folder), engine=engine)

    assert [str(problem) for problem in real.problems] == [expected]
    assert not real.applied and real.problem_count == 1
    assert dry.as_text() == real.as_text()
    assert dump(engine) == before


def test_the_edges_of_every_range_are_accepted_and_read_back(
    engine: Engine, tmp_path: Path
) -> None:
    folder = program_with(tmp_path, "cohorts.csv", 2, "start_date", "1900-01-01")
    edits = [
        ("cohorts.csv", 2, "target_cadence_days", "365"),
        ("pairs.csv", 2, "ended_on", "2100-12-31"),
        ("meetings.csv", 2, "duration_minutes", "1440"),
        ("participants.csv", 2, "capacity", "100"),
        ("participants.csv", 2, "email", "Ada.Lind@Example.COM"),
        ("participants.csv", 3, "email", "zoë@bücher.example"),
    ]
    for file, line, column, value in edits:
        path = folder / file
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        rows[line - 1][rows[0].index(column)] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    # a department as long as allowed, of text PostgreSQL cannot compress below its index limit
    department = "".join(
        random.Random(16).choices(string.ascii_letters + "漢字ü", k=MAX_KEY_LENGTH)
    )
    path = folder / "participants.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Finance", department, 1), encoding="utf-8"
    )

    report = run_import(read_directory(folder), engine=engine)

    assert report.applied, report.as_text()
    frames = program_frames(engine=engine)
    assert frames["cohorts"].loc[0, "start_date"] == "1900-01-01"
    assert frames["cohorts"].loc[0, "target_cadence_days"] == "365"
    assert frames["pairs"].loc[0, "ended_on"] == "2100-12-31"
    assert frames["meetings"].loc[0, "duration_minutes"] == "1440"
    with engine.connect() as connection:
        people = dict(
            connection.execute(select(Participant.participant_id, Participant.email)).all()
        )
        departments = set(connection.execute(select(Participant.department)).scalars())
    # the domain is lower-cased (and Unicode-normalised); the local part is kept as written
    assert people["U01"] == "Ada.Lind@example.com"
    assert people["U02"] == "zoë@bücher.example"
    assert department in departments


def test_every_number_column_is_bounded_within_a_postgresql_integer() -> None:
    for fmt in FILE_FORMATS.values():
        for column in fmt.int_columns:
            low, high = fmt.bounds(column)
            assert low is not None and high is not None, (fmt.name, column)
            assert -POSTGRES_INTEGER_MAX - 1 <= low <= high <= POSTGRES_INTEGER_MAX


def test_a_workbook_with_a_huge_number_and_a_year_9999_date_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    workbook = fixture_workbook()
    workbook["meetings"]["D2"] = 1e23  # a float cell, as Excel stores every number
    workbook["cohorts"]["D3"] = datetime(9999, 12, 31)
    file = tmp_path / "program.xlsx"
    workbook.save(file)

    dry = run_import(read_directory(file), engine=engine, dry_run=True)
    real = run_import(read_directory(file), engine=engine)

    assert [str(problem) for problem in real.problems] == [
        "cohorts:3 end_date — must be a date from 1900-01-01 to 2100-12-31, not '9999-12-31'; "
        "leave the cell empty when there is no such date",
        f"meetings:2 duration_minutes — must be between 0 and 1440, not {int(1e23)}",
    ]
    assert dry.as_text() == real.as_text()
    assert not any(table_counts(engine).values())


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_the_command_refuses_them_with_status_2_and_no_traceback(
    store_url: str, tmp_path: Path, dry_run: bool, engine: Engine
) -> None:
    folder = program_with(tmp_path, "meetings.csv", 2, "duration_minutes", str(10**23))
    result = subprocess.run(
        [sys.executable, "-m", "app", "import", str(folder), *(["--dry-run"] * dry_run)],
        cwd=ROOT,
        env={"DATABASE_URL": store_url, "PATH": "/usr/bin:/bin", "PAIRPULSE_DEMO_DATA": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == EXIT_REFUSED, result.stderr
    assert (
        f"meetings.csv:2 duration_minutes — must be between 0 and 1440, not {10**23}"
        in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not any(table_counts(engine).values())


def test_the_command_reports_a_nul_byte_by_file_line_and_column(
    cli_store: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = program_with(tmp_path, "surveys.csv", 7, "comment", "fine\x00")
    assert main(["import", str(folder)]) == EXIT_REFUSED
    assert "surveys.csv:7 comment — holds a NUL character" in capsys.readouterr().err
    assert not any(table_counts(engine).values())
    assert main(["import", str(FIXTURE_PROGRAM)]) == EXIT_OK


# --- Whatever a dry run accepts, the import writes ------------------------------------------------

FIXTURE_TABLES = {
    path.stem: list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    for path in sorted(FIXTURE_PROGRAM.glob("*.csv"))
}

any_text = st.text(
    st.characters(codec=None, exclude_categories=()),  # NUL, controls and lone surrogates too
    max_size=MAX_KEY_LENGTH + 20,
)
whole_numbers = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.integers(-5, 2**32).map(str),
    st.floats().map(repr),
)
dates = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["9999-12-31", "0001-01-01", "1900-01-01", "2100-12-31", "2101-01-01"]),
)
emails = st.one_of(
    st.emails().map(lambda address: address.swapcase()),
    st.builds(lambda a, b: f"{a}@{b}", any_text, any_text),
)


def values_for(file: str, column: str) -> st.SearchStrategy[str]:
    if column in FILE_FORMATS[file].int_columns:
        return whole_numbers
    if column.endswith(("_date", "_on")):
        return dates
    return emails if column == "email" else any_text


@st.composite
def changes(draw: st.DrawFn) -> list[tuple[str, int, int, str]]:
    """One to three cells of the fixture program (file, row, column index, new value)."""
    picked = []
    for _ in range(draw(st.integers(1, 3))):
        file = draw(st.sampled_from(sorted(FIXTURE_TABLES)))
        header, body = FIXTURE_TABLES[file][0], FIXTURE_TABLES[file][1:]
        column = draw(st.integers(0, len(header) - 1))
        value = draw(values_for(file, header[column]))
        picked.append((file, draw(st.integers(0, len(body) - 1)), column, value))
    return picked


def source_with(changes: list[tuple[str, int, int, str]]) -> ImportSource:
    """The fixture program as read, with some cells (file, row, column index, value) replaced.

    Built as the readers build it, so cells may hold what a workbook can (lone surrogates…).
    """
    tables = {}
    for name in FILE_FORMATS:  # parents first, as the readers order them
        if name not in FIXTURE_TABLES:  # the fixture has no workforce files
            continue
        rows = FIXTURE_TABLES[name]
        body = [list(row) for row in rows[1:]]
        for file, row, column, value in changes:
            if file == name:
                body[row][column] = value
        tables[name] = RawTable(name, f"{name}.csv", rows[0], 1, body, range(2, len(body) + 2))
    return ImportSource("the test", tables, [])


def report_lines(report: ImportReport) -> list[str]:
    return [str(problem) for problem in report.problems]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=changes())
def test_whatever_a_dry_run_accepts_the_import_writes(
    engine: Engine, changes: list[tuple[str, int, int, str]]
) -> None:
    with engine.begin() as connection:  # every example starts from the fixture program alone
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    fixture = run_import(source_with([]), engine=engine)
    assert fixture.applied, fixture.as_text()
    dry = run_import(source_with(changes), engine=engine, dry_run=True)
    real = run_import(source_with(changes), engine=engine)  # no database error may escape

    assert report_lines(real) == report_lines(dry)
    assert real.applied == dry.ok
    event("imported" if real.applied else "refused")
    if real.applied:  # what was written reads back, and the `report` command's figures work
        assert dump(engine)
        program = load_program(engine, as_of=date(2025, 6, 1))
        assert headline_figures(program, program_health(program, load_settings(engine)))
