"""The importer: a valid program goes in whole; any bad cell keeps everything out and is named."""

import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from data_access.csv_format import FILE_FORMATS
from data_access.db import table_counts
from data_access.exporter import program_frames
from data_access.importer import (
    MAX_REPORTED_PROBLEMS,
    CellProblem,
    ImportReport,
    ImportSourceError,
    read_directory,
    read_uploads,
    run_import,
)
from data_access.importer import write as importer_write
from data_access.models import AuditLog, Cohort, Pair, Participant

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
FIXTURE_ROWS = {
    "cohorts": 2,
    "participants": 6,
    "pairs": 4,
    "meetings": 7,
    "goals": 4,
    "surveys": 6,
}
#: The fixture program has no workforce files (employees.csv, promotions.csv are optional).
STORED_ROWS = {**FIXTURE_ROWS, "employees": 0, "promotions": 0}


def copy_program(tmp_path: Path, name: str = "program") -> Path:
    """A writable copy of the fixture program."""
    return Path(shutil.copytree(FIXTURE_PROGRAM, tmp_path / name))


def replace_in(folder: Path, file_name: str, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in a file of `folder` by `new`."""
    path = folder / file_name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file_name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def import_folder(folder: Path, engine: Engine, **options) -> ImportReport:
    return run_import(read_directory(folder), engine=engine, **options)


def store_snapshot(engine: Engine) -> tuple[dict[str, int], dict[str, str], int]:
    """Row counts, every program table as CSV text, and the number of audit rows."""
    frames = {
        name: frame.to_csv(index=False) for name, frame in program_frames(engine=engine).items()
    }
    with engine.connect() as connection:
        audits = len(connection.execute(select(AuditLog.id)).all())
    return table_counts(engine), frames, audits


def found(report: ImportReport, file: str, line: int, column: str) -> list[str]:
    """The problems the report names for one cell."""
    return [
        problem.problem
        for problem in report.problems
        if (problem.file, problem.line, problem.column) == (file, line, column)
    ]


@pytest.fixture
def filled(engine: Engine) -> Engine:
    """A store that already holds the fixture program."""
    assert import_folder(FIXTURE_PROGRAM, engine).applied
    return engine


def test_each_file_has_the_columns_of_its_store_table() -> None:
    for fmt in FILE_FORMATS.values():
        table_columns = [column.name for column in fmt.table.__table__.columns]
        assert list(fmt.columns) == table_columns, fmt.name


# --- A valid program ----------------------------------------------------------------------------


def test_a_valid_program_is_imported_with_its_counts_and_an_audit_row(engine: Engine) -> None:
    report = import_folder(FIXTURE_PROGRAM, engine, actor="tester")

    assert report.ok and report.applied, report.as_text()
    assert report.problems == [] and report.warnings == []
    assert table_counts(engine) == STORED_ROWS
    assert [summary.file for summary in report.files] == [f"{name}.csv" for name in FIXTURE_ROWS]
    assert {s.file: (s.rows, s.new, s.updated) for s in report.files} == {
        f"{name}.csv": (rows, rows, 0) for name, rows in FIXTURE_ROWS.items()
    }
    with engine.connect() as connection:
        audit = connection.execute(select(AuditLog)).one()
    assert (audit.actor, audit.action) == ("tester", "import")
    detail = json.loads(audit.detail)
    assert detail["rows"] == sum(FIXTURE_ROWS.values())
    assert detail["files"]["meetings"]["new"] == FIXTURE_ROWS["meetings"]


def test_blank_cells_take_their_defaults_and_text_is_stored_trimmed(engine: Engine) -> None:
    import_folder(FIXTURE_PROGRAM, engine)
    with engine.connect() as connection:
        cohort = connection.execute(select(Cohort).where(Cohort.cohort_id == "C2025")).one()
        ben = connection.execute(
            select(Participant).where(Participant.participant_id == "U02")
        ).one()
        sneaky = connection.execute(
            select(Participant.name).where(Participant.participant_id == "U04")
        ).scalar_one()
        pair = connection.execute(select(Pair).where(Pair.pair_id == "P03")).one()
    assert cohort.target_cadence_days == 14 and cohort.end_date is None
    assert cohort.name == "Spring 2025, global"
    assert ben.capacity == 1 and ben.left_on is None
    assert ben.skills_wanted == "AI; social media"
    assert sneaky == '=HYPERLINK("http://evil.example","click")'
    assert pair.started_on == date(2025, 2, 10) and pair.target_cadence_days is None


def test_the_report_previews_the_first_validated_rows_of_each_file(engine: Engine) -> None:
    report = import_folder(FIXTURE_PROGRAM, engine, dry_run=True)
    assert list(report.preview) == list(FIXTURE_ROWS)
    pairs = report.preview["pairs"]
    assert list(pairs.columns)[:4] == ["pair_id", "cohort_id", "mentor_id", "mentee_id"]
    assert list(pairs["pair_id"]) == ["P01", "P02", "P03", "P04"]
    assert pairs["target_cadence_days"].isna().tolist() == [True, False, True, False]


def test_progress_goes_from_zero_to_one(engine: Engine) -> None:
    calls: list[tuple[float, str]] = []
    import_folder(FIXTURE_PROGRAM, engine, progress=lambda f, m: calls.append((f, m)))
    fractions = [fraction for fraction, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert any(message.startswith("Writing meetings.csv") for _, message in calls)


def test_a_dry_run_reports_but_writes_nothing(engine: Engine) -> None:
    report = import_folder(FIXTURE_PROGRAM, engine, dry_run=True)
    assert report.ok and not report.applied
    assert not any(table_counts(engine).values())
    assert "nothing was written" in report.as_text()


def test_reimporting_the_same_ids_updates_rows_instead_of_adding(
    filled: Engine, tmp_path: Path
) -> None:
    folder = copy_program(tmp_path)
    replace_in(
        folder,
        "pairs.csv",
        "P03,C2025,U05,U06,2025-02-10,,active",
        "P03,C2025,U05,U06,2025-02-10,,paused",
    )
    replace_in(folder, "cohorts.csv", "2024 pilot", "2024 pilot (closed)")

    report = import_folder(folder, filled)

    assert report.applied
    assert table_counts(filled) == STORED_ROWS
    assert {s.file: (s.new, s.updated) for s in report.files}["pairs.csv"] == (0, 4)
    with filled.connect() as connection:
        status = connection.execute(select(Pair.status).where(Pair.pair_id == "P03")).scalar_one()
        name = connection.execute(
            select(Cohort.name).where(Cohort.cohort_id == "C2024")
        ).scalar_one()
        audits = connection.execute(select(AuditLog.id)).all()
    assert (status, name) == ("paused", "2024 pilot (closed)")
    assert len(audits) == 2


def test_references_to_rows_already_in_the_store_are_accepted(
    filled: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "meetings.csv").write_text(
        "meeting_id,pair_id,held_on,duration_minutes,format,topics\n"
        "M100,P03,2025-03-17,40,video,Copilot\n",
        encoding="utf-8",
    )
    report = import_folder(folder, filled)
    assert report.applied, report.as_text()
    assert [(s.file, s.rows, s.new) for s in report.files] == [("meetings.csv", 1, 1)]
    assert table_counts(filled)["meetings"] == FIXTURE_ROWS["meetings"] + 1


def test_unknown_columns_and_files_are_ignored_with_a_warning(
    engine: Engine, tmp_path: Path
) -> None:
    folder = copy_program(tmp_path)
    path = folder / "pairs.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join([lines[0] + ",notes,Owner"] + [line + ",call Ben,Kim" for line in lines[1:]]),
        encoding="utf-8",
    )
    (folder / "budget.csv").write_text("item,amount\ncoffee,12\n", encoding="utf-8")
    (folder / "notes.txt").write_text("hello", encoding="utf-8")
    (folder / "old.xlsx").write_bytes(b"PK")

    report = import_folder(folder, engine)

    assert report.applied, report.as_text()
    assert any("pairs.csv" in w and "notes, Owner" in w for w in report.warnings)
    assert any("budget.csv" in w for w in report.warnings)
    assert "Ignored notes.txt: not a CSV file." in report.warnings
    assert any("old.xlsx" in w and "by its own path" in w for w in report.warnings)
    assert next(s for s in report.files if s.file == "pairs.csv").ignored_columns == [
        "notes",
        "Owner",
    ]
    assert table_counts(engine) == STORED_ROWS


def test_a_file_with_a_byte_order_mark_and_windows_line_ends_is_read(
    engine: Engine, tmp_path: Path
) -> None:
    folder = copy_program(tmp_path)
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    report = import_folder(folder, engine)
    assert report.applied, report.as_text()
    assert table_counts(engine) == STORED_ROWS


def test_columns_in_another_order_and_missing_optional_columns_are_fine(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "reordered"
    folder.mkdir()
    (folder / "cohorts.csv").write_text(
        "Name, start_date ,COHORT_ID\nPilot,2024-01-15,C1\nSecond,2024-06-01,C2\n",
        encoding="utf-8",
    )
    report = import_folder(folder, engine)
    assert report.applied, report.as_text()
    frame = program_frames(engine=engine)["cohorts"]
    assert frame.to_dict("records")[0] == {
        "cohort_id": "C1",
        "name": "Pilot",
        "start_date": "2024-01-15",
        "end_date": "",
        "focus_area": "",
        "target_cadence_days": "14",
    }


# --- Refused imports ----------------------------------------------------------------------------

# fmt: off
# id -> (file, text to replace, replacement, the one problem reported)
BAD_CELLS = {
    "date-with-slashes": (
        "pairs.csv", "U03,U04,2024-01-22", "U03,U04,2024/01/22",
        "pairs.csv:3 started_on — not an ISO date (YYYY-MM-DD): '2024/01/22'",
    ),
    "date-day-first": (
        "pairs.csv", "U03,U04,2024-01-22", "U03,U04,22-01-2024",
        "pairs.csv:3 started_on — not an ISO date (YYYY-MM-DD): '22-01-2024'",
    ),
    "timestamp": (
        "meetings.csv", "M002,P01,2024-02-12", "M002,P01,2024-02-12T10:00:00",
        "meetings.csv:3 held_on — not an ISO date (YYYY-MM-DD): '2024-02-12T10:00:00'",
    ),
    "february-30": (
        "goals.csv", "2024-01-30,2024-03-31", "2024-01-30,2024-02-30",
        "goals.csv:4 due_on — not a real calendar date: '2024-02-30'",
    ),
    "bad-status": (
        "pairs.csv", ",ended_early,", ",finished,",
        "pairs.csv:3 status — must be one of active, completed, ended_early, paused, "
        "not 'finished'",
    ),
    "bad-role": (
        "participants.csv", "ben@example.com,mentee", "ben@example.com,Mentee",
        "participants.csv:3 role — must be one of mentor, mentee, not 'Mentee'",
    ),
    "bad-format": (
        "meetings.csv", "60,in_person", "60,zoom",
        "meetings.csv:3 format — must be one of in_person, video, phone, chat, not 'zoom'",
    ),
    "satisfaction-7": (
        "surveys.csv", "exit,2,2,2,3", "exit,7,2,2,3",
        "surveys.csv:6 satisfaction — must be between 1 and 5, not 7",
    ),
    "nps-11": (
        "surveys.csv", "exit,2,2,2,3", "exit,2,2,2,11",
        "surveys.csv:6 nps — must be between 0 and 10, not 11",
    ),
    "job-level-11": (
        "participants.csv", "Finance,9,1967", "Finance,11,1967",
        "participants.csv:3 job_level — must be between 1 and 10, not 11",
    ),
    "birth-year-1850": (
        "participants.csv", "Finance,9,1967", "Finance,9,1850",
        f"participants.csv:3 birth_year — must be between 1900 and {date.today().year}, not 1850",
    ),
    "capacity-0": (
        "participants.csv", "Python,,1,2024", "Python,,0,2024",
        "participants.csv:4 capacity — must be between 1 and 100, not 0",
    ),
    "progress-140": (
        "goals.csv", "in_progress,40", "in_progress,140",
        "goals.csv:4 progress_pct — must be between 0 and 100, not 140",
    ),
    "duration-in-words": (
        "meetings.csv", "2024-01-30,30", "2024-01-30,half an hour",
        "meetings.csv:5 duration_minutes — not a whole number: 'half an hour'",
    ),
    "duration-negative": (
        "meetings.csv", "2024-01-30,30", "2024-01-30,-5",
        "meetings.csv:5 duration_minutes — must be between 0 and 1440, not -5",
    ),
    "missing-title": (
        "goals.csv", "Set up a personal news feed", "  ",
        "goals.csv:3 title — required",
    ),
    "bad-timezone": (
        "participants.csv", "America/New_York", "Mars/Olympus",
        "participants.csv:5 timezone — not a time zone name from the IANA list "
        "(like Europe/Berlin): 'Mars/Olympus'",
    ),
    "unknown-pair": (
        "meetings.csv", "M007,P04", "M007,P99",
        "meetings.csv:8 pair_id — refers to pair 'P99', which is neither in this import nor "
        "in the store",
    ),
    "unknown-participant": (
        "surveys.csv", "S06,U06", "S06,U66",
        "surveys.csv:7 participant_id — refers to participant 'U66', which is neither in this "
        "import nor in the store",
    ),
    "duplicate-id": (
        "meetings.csv", "M003,P01", "M002,P01",
        "meetings.csv:4 meeting_id — duplicate meeting_id 'M002' (also on line 3)",
    ),
    "ended-before-started": (
        "pairs.csv", "2024-01-22,2024-07-10", "2024-01-22,2024-01-10",
        "pairs.csv:2 ended_on — must not be before started_on",
    ),
    "cohort-ends-before-it-starts": (
        "cohorts.csv", "2024-01-15,2024-07-12", "2024-01-15,2023-07-12",
        "cohorts.csv:2 end_date — must not be before start_date",
    ),
    "completed-before-created": (
        "goals.csv", "2024-04-30,2024-04-12", "2024-04-30,2024-01-12",
        "goals.csv:2 completed_on — must not be before created_on",
    ),
    "left-before-joined": (
        "participants.csv", "2024-01-08,2024-08-01", "2024-01-08,2023-08-01",
        "participants.csv:4 left_on — must not be before joined_on",
    ),
    "mentor-is-a-mentee": (
        "pairs.csv", "P03,C2025,U05,U06", "P03,C2025,U02,U06",
        "pairs.csv:4 mentor_id — participant 'U02' is a mentee, not a mentor",
    ),
    "mentee-is-a-mentor": (
        "pairs.csv", "P03,C2025,U05,U06", "P03,C2025,U05,U01",
        "pairs.csv:4 mentee_id — participant 'U01' is a mentor, not a mentee",
    ),
    "mentor-is-the-mentee": (
        "pairs.csv", "P03,C2025,U05,U06", "P03,C2025,U05,U05",
        "pairs.csv:4 mentee_id — is the same person as the mentor",
    ),
    "cell-beyond-the-header": (
        "pairs.csv", "2025-02-10,,paused,,7", "2025-02-10,,paused,,7,surprise",
        "pairs.csv:5 column 10 — holds a value but the header names only 9 columns; put quotes "
        "around cells that contain commas",
    ),
}
# fmt: on


@pytest.mark.parametrize(("file", "old", "new", "expected"), BAD_CELLS.values(), ids=BAD_CELLS)
def test_a_bad_cell_refuses_the_whole_import_and_is_named(
    filled: Engine, tmp_path: Path, file: str, old: str, new: str, expected: str
) -> None:
    folder = copy_program(tmp_path)
    # good changes alongside the bad cell: none of them may reach the store
    replace_in(folder, "cohorts.csv", "2024 pilot", "2024 pilot (renamed)")
    with (folder / "meetings.csv").open("a", encoding="utf-8") as stream:
        stream.write("M900,P03,2025-03-24,30,video,new\n")
    replace_in(folder, file, old, new)
    before = store_snapshot(filled)

    report = import_folder(folder, filled)

    assert not report.ok and not report.applied
    assert [str(problem) for problem in report.problems] == [expected]
    assert report.problem_count == 1
    assert store_snapshot(filled) == before


def test_a_missing_required_column_is_one_problem_on_the_header(
    filled: Engine, tmp_path: Path
) -> None:
    folder = copy_program(tmp_path)
    path = folder / "goals.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    status = rows[0].index("status")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [cell for index, cell in enumerate(row) if index != status] for row in rows
    )
    path.write_text(buffer.getvalue(), encoding="utf-8")
    before = store_snapshot(filled)

    report = import_folder(folder, filled)

    assert [str(problem) for problem in report.problems] == [
        "goals.csv:1 status — required column is missing from the header"
    ]
    assert store_snapshot(filled) == before


def test_a_file_that_is_not_utf8_is_named_cell_by_cell(filled: Engine, tmp_path: Path) -> None:
    folder = copy_program(tmp_path)
    path = folder / "participants.csv"
    text = path.read_text(encoding="utf-8").replace("李 明", "Li Ming")
    path.write_bytes(text.encode("cp1252"))
    before = store_snapshot(filled)

    report = import_folder(folder, filled)

    assert not report.ok
    assert [(p.file, p.line, p.column) for p in report.problems] == [
        ("participants.csv", 4, "name")
    ]
    assert "is not UTF-8 text" in report.problems[0].problem
    assert "Jos" in report.problems[0].problem
    assert store_snapshot(filled) == before


def test_line_numbers_count_the_physical_lines_of_multi_line_cells(
    engine: Engine, tmp_path: Path
) -> None:
    folder = copy_program(tmp_path)
    replace_in(
        folder,
        "surveys.csv",
        '"Eye-opening, I now use AI every week."',
        '"Eye-opening.\nI now use AI\nevery week."',
    )
    replace_in(folder, "surveys.csv", "exit,4,5,,9", "exit,9,5,,9")

    report = import_folder(folder, engine)

    assert [str(problem) for problem in report.problems] == [
        "surveys.csv:6 satisfaction — must be between 1 and 5, not 9"
    ]


def test_every_bad_cell_is_counted_and_the_first_ones_are_listed_in_order(
    engine: Engine, tmp_path: Path
) -> None:
    folder = copy_program(tmp_path)
    bad_rows = 150
    with (folder / "meetings.csv").open("a", encoding="utf-8") as stream:
        for number in range(bad_rows):
            stream.write(f"X{number:03d},P01,2024-13-01,30,carrier pigeon,\n")

    report = import_folder(folder, engine)

    assert report.problem_count == 2 * bad_rows
    assert len(report.problems) == MAX_REPORTED_PROBLEMS
    assert report.problems[:2] == [
        CellProblem("meetings.csv", 9, "held_on", "not a real calendar date: '2024-13-01'"),
        CellProblem(
            "meetings.csv",
            9,
            "format",
            "must be one of in_person, video, phone, chat, not 'carrier pigeon'",
        ),
    ]
    assert [p.line for p in report.problems] == sorted(p.line for p in report.problems)
    assert report.problems[-1].line == 9 + MAX_REPORTED_PROBLEMS // 2 - 1
    assert f"… and {2 * bad_rows - MAX_REPORTED_PROBLEMS} more" in report.as_text()
    assert not any(table_counts(engine).values())


def test_problems_in_several_files_are_all_reported_in_file_order(
    engine: Engine, tmp_path: Path
) -> None:
    folder = copy_program(tmp_path)
    replace_in(folder, "surveys.csv", "S06,U06", "S06,U66")
    replace_in(folder, "pairs.csv", ",ended_early,", ",over,")
    replace_in(folder, "pairs.csv", "U03,U04,2024-01-22", "U03,U04,Jan 22")

    report = import_folder(folder, engine)

    assert [(p.file, p.line, p.column) for p in report.problems] == [
        ("pairs.csv", 3, "started_on"),
        ("pairs.csv", 3, "status"),
        ("surveys.csv", 7, "participant_id"),
    ]
    text = report.as_text()
    assert text.startswith("3 problems found, so nothing was imported:")
    assert "pairs.csv:3 started_on — not an ISO date (YYYY-MM-DD): 'Jan 22'" in text


def test_a_role_change_that_breaks_a_stored_pair_is_refused(filled: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "people"
    folder.mkdir()
    shutil.copy(FIXTURE_PROGRAM / "participants.csv", folder)
    replace_in(
        folder,
        "participants.csv",
        "U05,-minus,minus@example.com,mentor",
        "U05,-minus,minus@example.com,mentee",
    )
    before = store_snapshot(filled)

    report = import_folder(folder, filled)

    assert [str(problem) for problem in report.problems] == [
        "participants.csv:6 role — participant 'U05' is the mentor of pair 'P03' in the store, "
        "so cannot become a mentee"
    ]
    assert store_snapshot(filled) == before


def test_a_header_separated_by_semicolons_is_explained(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "excel"
    folder.mkdir()
    (folder / "cohorts.csv").write_text(
        "cohort_id;name;start_date\nC1;Pilot;2024-01-15\n", encoding="utf-8"
    )
    report = import_folder(folder, engine)
    assert [(p.line, p.column) for p in report.problems] == [(1, "(header)")]
    assert "separated by ';'" in report.problems[0].problem


def test_a_failure_while_writing_leaves_the_store_as_it_was(
    filled: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_program(tmp_path)
    replace_in(folder, "cohorts.csv", "2024 pilot", "2024 pilot (renamed)")
    with (folder / "meetings.csv").open("a", encoding="utf-8") as stream:
        stream.write("M900,P03,2025-03-24,30,video,new\n")
    before = store_snapshot(filled)
    real_upsert = importer_write.upsert_rows
    calls = []

    def failing_upsert(connection, model, rows, **options):
        calls.append(model)
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        return real_upsert(connection, model, rows, **options)

    monkeypatch.setattr(importer_write, "upsert_rows", failing_upsert)
    with pytest.raises(RuntimeError, match="the disk is full"):
        import_folder(folder, filled)

    assert len(calls) == 3
    assert store_snapshot(filled) == before


def test_a_row_the_database_refuses_rolls_everything_back(
    filled: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cohort deleted between the check and the write: the store's own error undoes it all."""
    folder = copy_program(tmp_path)
    replace_in(folder, "cohorts.csv", "2024 pilot", "2024 pilot (renamed)")
    real_upsert = importer_write.upsert_rows

    def upsert_with_a_vanished_cohort(connection, model, rows, *, columns, **options):
        if model is Pair:  # rows are tuples in the order of `columns`
            first = {**dict(zip(columns, rows[0], strict=True)), "cohort_id": "GONE"}
            rows = [tuple(first[column] for column in columns), *rows[1:]]
        return real_upsert(connection, model, rows, columns=columns, **options)

    monkeypatch.setattr(importer_write, "upsert_rows", upsert_with_a_vanished_cohort)
    before = store_snapshot(filled)

    with pytest.raises(IntegrityError):
        import_folder(folder, filled)

    assert store_snapshot(filled) == before


# --- Workbooks and uploads ----------------------------------------------------------------------


def _typed(value: str):
    """A CSV cell as a spreadsheet would hold it: numbers and dates typed."""
    if value.isdigit():
        return int(value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        return value or None


def fixture_workbook(sheet_names: dict[str, str] | None = None) -> openpyxl.Workbook:
    """The fixture program as a workbook, one sheet per file, numbers and dates typed."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for path in sorted(FIXTURE_PROGRAM.glob("*.csv")):
        title = (sheet_names or {}).get(path.stem, path.stem)
        sheet = workbook.create_sheet(title)
        for number, row in enumerate(csv.reader(io.StringIO(path.read_text(encoding="utf-8")))):
            sheet.append(row if number == 0 else [_typed(cell) for cell in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, as Excel keeps a cell typed as '=…
    return workbook


def test_an_xlsx_workbook_imports_like_the_csv_files(engine: Engine, tmp_path: Path) -> None:
    workbook = fixture_workbook({"pairs": "Pairs.csv"})
    workbook.create_sheet("Read me").append(["Notes for the team"])
    path = tmp_path / "program.xlsx"
    workbook.save(path)

    report = import_folder(path, engine)

    assert report.applied, report.as_text()
    assert table_counts(engine) == STORED_ROWS
    assert any("Read me" in warning for warning in report.warnings)
    with engine.connect() as connection:
        cohort = connection.execute(select(Cohort).where(Cohort.cohort_id == "C2024")).one()
    assert cohort.start_date == date(2024, 1, 15) and cohort.target_cadence_days == 14


def test_a_bad_cell_in_a_workbook_is_named_by_sheet_and_row(engine: Engine, tmp_path: Path) -> None:
    workbook = fixture_workbook()
    workbook["meetings"]["C4"] = "soon"
    workbook["meetings"].insert_rows(2)  # a blank row keeps the numbering of the sheet
    path = tmp_path / "program.xlsx"
    workbook.save(path)

    report = import_folder(path, engine)

    assert [str(problem) for problem in report.problems] == [
        "meetings:5 held_on — not an ISO date (YYYY-MM-DD): 'soon'"
    ]
    assert not any(table_counts(engine).values())


def test_uploads_of_csv_files_import(engine: Engine) -> None:
    uploads = [(path.name, path.read_bytes()) for path in sorted(FIXTURE_PROGRAM.glob("*.csv"))]
    report = run_import(read_uploads([*uploads, ("photo.png", b"\x89PNG")]), engine=engine)
    assert report.applied, report.as_text()
    assert table_counts(engine) == STORED_ROWS
    assert any("photo.png" in warning for warning in report.warnings)


def test_uploads_of_a_workbook_import(engine: Engine) -> None:
    buffer = io.BytesIO()
    fixture_workbook().save(buffer)
    report = run_import(read_uploads([("program.xlsx", buffer.getvalue())]), engine=engine)
    assert report.applied, report.as_text()
    assert table_counts(engine) == STORED_ROWS


@pytest.mark.parametrize(
    ("uploads", "words"),
    [
        ([], "No files were uploaded."),
        ([("budget.csv", b"a,b\n")], "No import file"),
        ([("program.xlsx", b"this is not a workbook")], "not a readable Excel workbook"),
        (
            [("a.xlsx", b"PK"), ("b.xlsx", b"PK")],
            "one workbook at a time",
        ),
        (
            [("pairs.csv", b"pair_id\n"), ("PAIRS.csv", b"pair_id\n")],
            "pairs.csv is given twice",
        ),
    ],
    ids=["nothing", "no-import-file", "broken-xlsx", "two-workbooks", "same-file-twice"],
)
def test_uploads_that_cannot_be_read_are_refused_in_one_sentence(
    uploads: list[tuple[str, bytes]], words: str
) -> None:
    with pytest.raises(ImportSourceError, match=words) as error:
        read_uploads(uploads)
    message = str(error.value)
    assert message.endswith(".") and "\n" not in message


def test_folders_that_cannot_be_read_are_refused_in_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ImportSourceError, match="There is no folder or file at"):
        read_directory(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ImportSourceError, match="is empty"):
        read_directory(empty)
    (empty / "readme.md").write_text("hi", encoding="utf-8")
    with pytest.raises(ImportSourceError, match="No import file"):
        read_directory(empty)
    broken = tmp_path / "program.xlsx"
    broken.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(ImportSourceError, match="not a readable Excel workbook"):
        read_directory(broken)


def test_an_empty_file_is_skipped_with_a_warning(engine: Engine, tmp_path: Path) -> None:
    folder = copy_program(tmp_path)
    (folder / "goals.csv").write_text("", encoding="utf-8")
    report = import_folder(folder, engine)
    assert report.applied, report.as_text()
    assert any("goals.csv" in warning and "empty" in warning for warning in report.warnings)
    assert "goals.csv" not in [summary.file for summary in report.files]
