"""The Data screen: upload, validation report, import, the demo program, the store's contents,
settings, and who has access."""

import json
from pathlib import Path

from sqlalchemy import Engine, select

from app.settings import ProgramSettings, load_settings
from components.literal import md
from data_access.app_users import app_users
from data_access.db import make_engine, table_counts
from data_access.models import AuditLog

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
DATA_PAGE = "screens/data.py"


def _fixture_uploads() -> list[tuple[str, bytes, str]]:
    return [
        (path.name, path.read_bytes(), "text/csv") for path in sorted(FIXTURE_PROGRAM.glob("*.csv"))
    ]


def _text(at) -> str:
    parts = [element.value for element in (*at.markdown, *at.code, *at.success, *at.error)]
    parts += [element.value for element in (*at.info, *at.warning)]
    return "\n".join(str(part) for part in parts)


def test_first_start_fills_an_empty_store_with_the_demo_program(app_on, engine: Engine) -> None:
    at = app_on(
        str(engine.url.render_as_string(hide_password=False)), demo_data=True, page=DATA_PAGE
    ).run()
    assert not at.exception
    assert at.title[0].value == "Data"
    counts = table_counts(engine)
    assert counts["pairs"] > 50 and counts["meetings"] > 500 and counts["surveys"] > 100


def test_empty_store_says_what_to_do_and_loads_the_demo(app_on, engine: Engine) -> None:
    at = app_on(engine.url.render_as_string(hide_password=False), page=DATA_PAGE).run()
    assert not at.exception
    assert "The store is empty" in _text(at)
    load = next(button for button in at.button if button.label == "Load the demo program")
    at = load.click().run()
    assert not at.exception
    assert "Loaded the demo program." in _text(at)
    assert table_counts(engine)["pairs"] > 50


def test_a_bad_upload_is_reported_by_line_and_column_and_nothing_is_written(
    app_on, engine: Engine
) -> None:
    at = app_on(engine.url.render_as_string(hide_password=False), page=DATA_PAGE).run()
    bad_pairs = (
        b"pair_id,cohort_id,mentor_id,mentee_id,started_on,ended_on,status\n"
        b"PR1,NOPE,P1,P2,2026-13-01,,active\n"
    )
    at.file_uploader[0].set_value([("pairs.csv", bad_pairs, "text/csv")])
    at = at.run()
    assert not at.exception
    text = _text(at)
    assert "nothing will be imported" in text
    assert "pairs.csv:2 started_on" in text
    assert "pairs.csv:2 cohort_id" in text
    assert not [button for button in at.button if button.label.startswith("Import ")]
    assert not any(table_counts(engine).values())


def test_a_valid_upload_shows_a_preview_then_imports_on_confirmation(
    app_on, engine: Engine
) -> None:
    uploads = _fixture_uploads()
    at = app_on(engine.url.render_as_string(hide_password=False), page=DATA_PAGE).run()
    at.file_uploader[0].set_value(uploads)
    at = at.run()
    assert not at.exception
    assert "are valid" in _text(at)
    assert not any(table_counts(engine).values()), "nothing is written before confirmation"
    confirm = next(button for button in at.button if button.label.startswith("Import "))
    at = confirm.click().run()
    assert not at.exception
    assert "Imported" in _text(at)
    counts = table_counts(engine)
    expected_rows = sum(len(content.decode().strip().splitlines()) - 1 for _, content, _ in uploads)
    assert sum(counts.values()) == expected_rows


def _number_input(at, label: str):
    return next(widget for widget in at.number_input if widget.label == label)


def _save(at):
    return next(button for button in at.button if button.label == "Save settings").click().run()


def test_settings_are_saved_from_the_settings_tab(app_on, sqlite_url: str) -> None:
    at = app_on(sqlite_url, page=DATA_PAGE).run()
    _number_input(at, "Smallest group shown (respondents)").set_value(7)
    _number_input(at, "Stalled after (× target cadence)").set_value(3.0)
    at = _save(at)
    assert not at.exception
    assert "Settings saved" in _text(at)
    saved = load_settings(make_engine(sqlite_url))
    assert (saved.min_respondents, saved.stall_factor) == (7, 3.0)


def test_inconsistent_settings_are_refused_and_nothing_is_saved(app_on, sqlite_url: str) -> None:
    at = app_on(sqlite_url, page=DATA_PAGE).run()
    _number_input(at, "Watch from (score)").set_value(80)
    at = _save(at)
    assert not at.exception
    assert "Not saved" in _text(at)
    assert "Watch threshold must be below the Healthy threshold" in _text(at)
    assert load_settings(make_engine(sqlite_url)) == ProgramSettings()


def _save_access(at, email: str, role: str):
    at.text_input(key="access_email").input(email)
    at.selectbox(key="access_role").set_value(role)
    return next(button for button in at.button if button.label == "Save access").click().run()


def _remove_access(at, email: str):
    at.selectbox(key="access_remove_email").set_value(email)
    return next(button for button in at.button if button.label == "Remove access").click().run()


def _people(at) -> list[tuple[str, str]]:
    table = next(frame.value for frame in at.dataframe if "E-mail" in frame.value.columns)
    return list(zip(table["E-mail"], table["Role"], strict=True))


def _access_audit(engine: Engine) -> list[tuple[str, dict]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditLog.actor, AuditLog.detail).where(AuditLog.action == "app_user")
        ).all()
    return [(actor, json.loads(detail)) for actor, detail in rows]


def test_a_program_manager_gives_changes_and_removes_access(app_on, engine: Engine) -> None:
    at = app_on(engine.url.render_as_string(hide_password=False), page=DATA_PAGE).run()
    assert "Nobody has been given access yet." in _text(at)
    assert "Sign-in is not configured" in _text(at)

    at = _save_access(at, "Ana@Example.org", "coordinator")
    assert not at.exception
    assert md("ana@example.org can now sign in as coordinator") in _text(at)
    assert _people(at) == [("ana@example.org", "Coordinator")]

    at = _save_access(at, "ana@example.org", "executive")
    assert md("ana@example.org is now executive (was coordinator)") in _text(at)
    assert _people(at) == [("ana@example.org", "Executive")]

    at = _remove_access(at, "ana@example.org")
    assert not at.exception
    assert md("ana@example.org no longer has access.") in _text(at)
    assert app_users(engine) == []
    assert [detail["change"] for _, detail in _access_audit(engine)] == [
        "added",
        "changed",
        "removed",
    ]
    assert {actor for actor, _ in _access_audit(engine)} == {"Program manager (demo mode)"}


def test_a_bad_address_is_refused_on_the_data_screen(app_on, engine: Engine) -> None:
    at = app_on(engine.url.render_as_string(hide_password=False), page=DATA_PAGE).run()
    at = _save_access(at, "not an address", "coordinator")
    assert not at.exception
    assert "'not an address' is not an e-mail address." in [error.value for error in at.error]
    assert app_users(engine) == []
    assert _access_audit(engine) == []


def test_the_last_program_manager_cannot_be_removed_on_the_data_screen(
    app_on, engine: Engine
) -> None:
    at = app_on(engine.url.render_as_string(hide_password=False), page=DATA_PAGE).run()
    at = _save_access(at, "pm@example.org", "program_manager")
    at = _remove_access(at, "pm@example.org")
    assert not at.exception
    assert any("only program manager" in error.value for error in at.error)
    at = _save_access(at, "pm@example.org", "coordinator")
    assert any("only program manager" in error.value for error in at.error)
    assert [(user.email, user.role) for user in app_users(engine)] == [
        ("pm@example.org", "program_manager")
    ]
