"""The Data screen after a refused upload: the report stays, the uploader is empty again, so
the corrected files uploaded next are checked on their own (the browser test
tests/browser/test_data_reupload.py shows Streamlit's uploader would otherwise add them to the
refused ones). And a full export's ZIP — the coordinators' work included — imports back."""

from pathlib import Path

from sqlalchemy import Engine

from app.settings import ProgramSettings, load_settings, save_settings
from components.literal import md
from data_access import follow_ups
from data_access.app_users import app_users, grant_role
from data_access.db import make_engine, table_counts
from data_access.exporter import export_zip
from data_access.importer import read_directory, run_import
from tests.data_access.test_store_archive import _empty

DATA_PAGE = "screens/data.py"
FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
BAD_PAIRS = (
    b"pair_id,cohort_id,mentor_id,mentee_id,started_on,ended_on,status\n"
    b"PR1,NOPE,P1,P2,2026-13-01,,active\n"
)


def _uploads() -> list[tuple[str, bytes, str]]:
    return [(p.name, p.read_bytes(), "text/csv") for p in sorted(FIXTURE_PROGRAM.glob("*.csv"))]


def test_a_refused_upload_leaves_an_empty_uploader_and_its_report(app_on, sqlite_url) -> None:
    at = app_on(sqlite_url, page=DATA_PAGE).run()
    at.file_uploader[0].set_value([("pairs.csv", BAD_PAIRS, "text/csv")]).run()
    assert not at.exception
    assert "nothing will be imported" in at.error[0].value
    assert "pairs.csv:2 started_on" in at.code[0].value
    assert not at.file_uploader[0].value  # the refused file is gone from the uploader
    assert any("they replace the ones refused here" in c.value for c in at.caption)

    at.file_uploader[0].set_value(_uploads()).run()
    assert not at.exception and not at.error
    rows = sum(len(content.decode().strip().splitlines()) - 1 for _, content, _ in _uploads())
    assert f"All {rows:,} rows in 6 file(s) are valid" in at.success[0].value
    assert not any("pairs.csv:2" in code.value for code in at.code)  # the old report is gone


def test_a_file_that_cannot_be_read_is_refused_the_same_way(app_on, sqlite_url) -> None:
    at = app_on(sqlite_url, page=DATA_PAGE).run()
    at.file_uploader[0].set_value([("program.zip", b"not a zip", "application/zip")]).run()
    assert not at.exception
    assert at.error[0].value == md(
        "These files cannot be read: program.zip is not a readable ZIP archive."
    )
    assert not at.file_uploader[0].value


def test_the_full_export_zip_imports_back_with_the_coordinators_work(
    app_on, engine: Engine, store_url: str
) -> None:
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    follow_ups.log_follow_up(engine, pair_id="P03", actor="kim@example.org", note="called")
    save_settings(engine, ProgramSettings(min_respondents=8), actor="pm@example.org")
    grant_role(engine, "pm@example.org", "program_manager", actor="command line")
    archive, counts = export_zip(engine=engine), table_counts(engine)
    _empty(engine)

    at = app_on(store_url, page=DATA_PAGE).run()
    at.file_uploader[0].set_value([("pairpulse-export.zip", archive, "application/zip")]).run()
    assert not at.exception and not at.error
    at = next(button for button in at.button if button.label.startswith("Import ")).click().run()
    assert not at.exception
    assert md("follow_ups.csv 1 new") in at.success[0].value
    check = make_engine(store_url)
    assert table_counts(check) == counts
    assert follow_ups.follow_up_count(check) == 1
    assert load_settings(check).min_respondents == 8
    assert [(user.email, user.role) for user in app_users(check)] == [
        ("pm@example.org", "program_manager")
    ]
    check.dispose()
