"""The exporter: the six import-format CSV files, byte-stable round trips, the formula guard."""

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select

from data_access.csv_format import FILE_FORMATS, escape_cell, unescape_cell
from data_access.db import table_counts
from data_access.exporter import export_directory, export_zip, program_frames, template_zip
from data_access.importer import read_directory, read_uploads, run_import
from data_access.models import PROGRAM_TABLES, Participant, SurveyResponse
from data_access.store_archive import ARCHIVE_FILES

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
FILE_NAMES = [fmt.file_name for fmt in FILE_FORMATS.values()]
ARCHIVE_NAMES = [archive.file_name for archive in ARCHIVE_FILES.values()]


def import_fixture(engine: Engine) -> None:
    report = run_import(read_directory(FIXTURE_PROGRAM), engine=engine)
    assert report.applied, report.as_text()


def empty_the_store(engine: Engine) -> None:
    with engine.begin() as connection:
        for model in reversed(PROGRAM_TABLES.values()):
            connection.execute(delete(model))


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILE_NAMES}


def test_an_empty_store_exports_every_file_with_its_header(engine: Engine, tmp_path: Path) -> None:
    counts = export_directory(tmp_path / "out", engine=engine)

    assert counts == dict.fromkeys([*FILE_FORMATS, *ARCHIVE_FILES], 0)
    for fmt in [*FILE_FORMATS.values(), *ARCHIVE_FILES.values()]:
        assert (tmp_path / "out" / fmt.file_name).read_bytes() == (
            ",".join(fmt.columns) + "\n"
        ).encode()


def test_the_export_is_utf8_without_bom_with_unix_line_ends_sorted_by_id(
    engine: Engine, tmp_path: Path
) -> None:
    import_fixture(engine)
    counts = export_directory(tmp_path / "out", engine=engine)

    assert counts == table_counts(engine) | dict.fromkeys(ARCHIVE_FILES, 0)
    participants = (tmp_path / "out" / "participants.csv").read_bytes()
    assert not participants.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in participants
    assert "李 明".encode() in participants
    lines = participants.decode().splitlines()
    assert lines[0] == ",".join(FILE_FORMATS["participants"].columns)
    assert [line.split(",")[0] for line in lines[1:]] == ["U01", "U02", "U03", "U04", "U05", "U06"]
    # dates ISO, whole numbers as digits, blank for unknown, defaults filled in
    assert lines[2] == (
        "U02,Ben Okafor,ben@example.com,mentee,Finance,9,1967,London,Europe/London,negotiation,"
        "AI; social media,1,2024-01-08,,"  # left_on and employee_id blank
    )


def test_cells_a_spreadsheet_would_run_are_guarded(engine: Engine, tmp_path: Path) -> None:
    import_fixture(engine)
    export_directory(tmp_path / "out", engine=engine)

    participants = (tmp_path / "out" / "participants.csv").read_text(encoding="utf-8")
    surveys = (tmp_path / "out" / "surveys.csv").read_text(encoding="utf-8")
    meetings = (tmp_path / "out" / "meetings.csv").read_text(encoding="utf-8")
    assert 'U04,"\'=HYPERLINK(""http://evil.example"",""click"")",' in participants
    assert "U05,'-minus," in participants
    assert ",'@here great program" in surveys
    assert ",'+1 ideas" in meetings
    assert "'" not in "".join(line for line in meetings.splitlines() if "+1" not in line)


def test_export_then_import_into_an_empty_store_then_export_gives_the_same_bytes(
    engine: Engine, tmp_path: Path
) -> None:
    import_fixture(engine)
    export_directory(tmp_path / "first", engine=engine)
    empty_the_store(engine)

    report = run_import(read_directory(tmp_path / "first"), engine=engine)
    assert report.applied, report.as_text()
    export_directory(tmp_path / "second", engine=engine)

    assert folder_bytes(tmp_path / "second") == folder_bytes(tmp_path / "first")
    with engine.connect() as connection:
        names = dict(connection.execute(select(Participant.participant_id, Participant.name)).all())
        comment = connection.execute(
            select(SurveyResponse.comment).where(SurveyResponse.response_id == "S03")
        ).scalar_one()
    assert names["U04"] == '=HYPERLINK("http://evil.example","click")'
    assert names["U05"] == "-minus"
    assert comment == "@here great program"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1 ideas", "'+1 ideas"),
        ("-minus", "'-minus"),
        ("@here", "'@here"),
        ("'=already guarded", "''=already guarded"),
        ("O'Brien", "O'Brien"),
        ("'quoted'", "'quoted'"),
        ("a = b", "a = b"),
        ("", ""),
    ],
)
def test_the_formula_guard_is_undone_exactly(value: str, written: str) -> None:
    assert escape_cell(value) == written
    assert unescape_cell(written) == value


def test_odd_text_survives_the_round_trip(engine: Engine, tmp_path: Path) -> None:
    """Apostrophes before a formula character, quotes, commas and line breaks in one cell."""
    import_fixture(engine)
    odd = ["'=not a formula", "''-two", 'say "hi", then\nleave', "=1+1", "-", "@"]
    with engine.begin() as connection:
        for number, text in enumerate(odd):
            connection.execute(
                SurveyResponse.__table__.insert().values(
                    response_id=f"Z{number}",
                    participant_id="U02",
                    submitted_on=date(2025, 3, 1),
                    kind="pulse",
                    comment=text,
                )
            )
    export_directory(tmp_path / "first", engine=engine)
    empty_the_store(engine)
    assert run_import(read_directory(tmp_path / "first"), engine=engine).applied
    export_directory(tmp_path / "second", engine=engine)

    assert folder_bytes(tmp_path / "second") == folder_bytes(tmp_path / "first")
    with engine.connect() as connection:
        comments = connection.execute(
            select(SurveyResponse.comment)
            .where(SurveyResponse.response_id.like("Z%"))
            .order_by(SurveyResponse.response_id)
        ).scalars()
        assert list(comments) == odd


def test_the_zip_export_holds_the_same_files_as_the_folder_export(
    engine: Engine, tmp_path: Path
) -> None:
    import_fixture(engine)
    export_directory(tmp_path / "out", engine=engine)

    with zipfile.ZipFile(io.BytesIO(export_zip(engine=engine))) as archive:
        assert sorted(archive.namelist()) == sorted(FILE_NAMES + ARCHIVE_NAMES)
        assert {name: archive.read(name) for name in FILE_NAMES} == folder_bytes(tmp_path / "out")


def test_program_frames_hold_the_exported_cells(engine: Engine, tmp_path: Path) -> None:
    import_fixture(engine)
    frames = program_frames(engine=engine)

    assert list(frames) == list(FILE_FORMATS)
    for name, fmt in FILE_FORMATS.items():
        assert list(frames[name].columns) == list(fmt.columns)
    pairs = frames["pairs"]
    assert list(pairs["pair_id"]) == ["P01", "P02", "P03", "P04"]
    assert pairs.iloc[1].to_dict() == {
        "pair_id": "P02",
        "cohort_id": "C2024",
        "mentor_id": "U03",
        "mentee_id": "U04",
        "started_on": "2024-01-22",
        "ended_on": "2024-04-02",
        "status": "ended_early",
        "focus_area": "data analytics",
        "target_cadence_days": "21",
    }
    assert frames["participants"].set_index("participant_id").loc["U05", "name"] == "'-minus"


def test_the_template_explains_every_column_and_its_examples_are_refused(engine: Engine) -> None:
    with zipfile.ZipFile(io.BytesIO(template_zip())) as archive:
        assert sorted(archive.namelist()) == sorted([*FILE_NAMES, "README.txt"])
        readme = archive.read("README.txt").decode()
        uploads = [(name, archive.read(name)) for name in FILE_NAMES]

    for fmt in FILE_FORMATS.values():
        assert fmt.file_name in readme
        for column in fmt.columns:
            assert f"  {column}" in readme, column
    for name, content in uploads:
        header, *rows = content.decode().splitlines()
        assert header == ",".join(FILE_FORMATS[name.removesuffix(".csv")].columns)
        assert rows, f"{name} has no example row"

    # Every example row is refused by its file and line, the other cells being valid; nothing
    # is written.
    report = run_import(read_uploads(uploads), engine=engine)
    expected = [
        f"{name}:{line} {FILE_FORMATS[name.removesuffix('.csv')].id_column} — an example row of "
        "the import template (ids starting EXAMPLE-); replace it with your own data or delete "
        "the line"
        for name, content in uploads
        for line in range(2, len(content.decode().splitlines()) + 1)
    ]
    assert [str(problem) for problem in report.problems] == expected
    assert not report.applied and not any(table_counts(engine).values())
    assert "are refused on import" in readme


def test_the_template_with_its_examples_replaced_imports(engine: Engine) -> None:
    """The template is otherwise valid: the same rows under ids of one's own import."""
    with zipfile.ZipFile(io.BytesIO(template_zip())) as archive:
        uploads = [
            (name, archive.read(name).decode().replace("EXAMPLE-", "MY-").encode())
            for name in FILE_NAMES
        ]
    report = run_import(read_uploads(uploads), engine=engine)
    assert report.applied, report.as_text()
    assert table_counts(engine)["pairs"] == 1
