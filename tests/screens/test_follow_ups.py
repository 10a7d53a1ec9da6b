"""Follow-ups: the queue of stalled / at-risk active pairs, its filters in the link, logging,
snoozing and resolving through the screen, the nudge and the export, and who may see it."""

import csv
import io
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

import data_access.follow_ups as follow_up_store
from components.follow_ups import TABLE_KEY
from data_access.db import make_engine
from data_access.follow_ups import follow_up_count
from data_access.importer import read_directory, run_import
from tests.app.test_follow_ups import QUEUE_AS_OF, QUEUE_ORDER, write_queue_program
from tests.screens.conftest import DEMO_AS_OF, FIXTURE_AS_OF, page_text

PAGE = "screens/follow_ups.py"
ROLES = ["program_manager", "coordinator"]
TODAY = datetime.now(UTC).date()
# As of today every active pair of the hand-made queue program (tests/app/test_follow_ups.py)
# has stalled, the Too early Q5 and the Healthy Q4 included; the ended Q6 never shows.
TODAY_PAIRS = {"Q1", "Q2", "Q3", "Q4", "Q5"}


@pytest.fixture
def queue_url(sqlite_url: str, tmp_path: Path) -> str:
    engine = make_engine(sqlite_url)
    assert run_import(read_directory(write_queue_program(tmp_path / "program")), engine=engine)
    engine.dispose()
    return sqlite_url


def _rows(url: str) -> int:
    engine = make_engine(url)
    try:
        return follow_up_count(engine)
    finally:
        engine.dispose()


def _table(at):
    return next(frame for frame in at.dataframe if frame.key == TABLE_KEY).value


def _mentors(at) -> list[str]:
    return _table(at)["mentor"].tolist()


def _select(at, row: int):
    # AppTest cannot click a row; the table's selection state is what a click sets.
    at.session_state[TABLE_KEY] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at.run()


@pytest.mark.parametrize("role", ROLES)
def test_queue_lists_exactly_the_stalled_and_at_risk_active_pairs(app_on, queue_url, role) -> None:
    at = app_on(queue_url, role=role, page=PAGE, as_of=QUEUE_AS_OF).run()
    assert not at.exception
    assert at.title[0].value == "Follow-ups"
    expected = [f"Mentor {pair_id[1]}" for pair_id in QUEUE_ORDER]
    assert _mentors(at) == expected  # Q2 (never met), Q1 (stalled), Q3 (At risk)
    table = _table(at)
    assert table["band"].tolist()[2] == "At risk"
    assert table["stalled"].tolist() == [True, True, False]
    assert table["days_since_last_meeting"].tolist() == [42, 70, 26]
    assert (table["owner"] == "Unassigned").all()
    assert at.metric[0].value == "3"


def test_the_fixture_program_has_nobody_to_follow_up(app_on, fixture_url) -> None:
    # P03, the only active pair, is Watch and not stalled (tests/app/test_headlines.py); the
    # paused P04 and ended P02 are At risk but not active.
    at = app_on(fixture_url, role="coordinator", page=PAGE, as_of=FIXTURE_AS_OF).run()
    assert not at.exception
    assert "No pair needs a follow-up on this date." in page_text(at)
    assert not at.dataframe


def test_reason_filter_narrows_the_queue_and_goes_in_the_link(app_on, queue_url) -> None:
    at = app_on(queue_url, role="coordinator", page=PAGE, as_of=QUEUE_AS_OF).run()
    at.multiselect(key="link:reason").set_value(["first_meeting"]).run()
    assert _mentors(at) == ["Mentor 2"]
    assert at.query_params["reason"] == "first_meeting"
    at = _select(at, 0)
    assert at.header[0].value == "Mentor 2 & Mentee 2"
    at.multiselect(key="link:reason").set_value(["goals_overdue"]).run()
    assert _mentors(at) == ["Mentor 3"]
    # The picked pair stays open from the link; the selection never jumps to another pair.
    assert [header.value for header in at.header] == ["Mentor 2 & Mentee 2"]
    assert "This pair is outside the filters above" in page_text(at)
    assert at.query_params["pair"] == "Q2"


def test_logging_a_follow_up_writes_one_row_and_sets_the_owner(app_on, queue_url) -> None:
    at = app_on(queue_url, role="coordinator", page=PAGE, as_of=TODAY).run()
    assert set(_table(at)["mentor"]) == {f"Mentor {pair_id[1]}" for pair_id in TODAY_PAIRS}
    first = _mentors(at)[0]
    at = _select(at, 0)
    at.text_area(key="follow_up_note").input("<b>Called</b> **both**")
    at.text_input(key="follow_up_next_step").input("Book a meeting")
    at.text_input(key="follow_up_owner").input("Sam")
    at.button(key="FormSubmitter:log_follow_up-Log follow-up").click().run()
    assert not at.exception
    assert _rows(queue_url) == 1
    assert any("Follow-up logged" in message.value for message in at.success)
    table = _table(at)
    row = table[table["mentor"] == first].iloc[0]
    assert row["owner"] == "Sam"
    # The pair stays open after the write, its history already holding the new entry.
    assert at.header[0].value.startswith(f"{first} & ")
    history = next(tab for tab in at.tabs if tab.label.startswith("Follow-ups"))
    assert history.label == "Follow-ups (1)"
    entry = [text.value for text in history.text]
    assert "<b>Called</b> **both**" in entry  # the note in the history, as typed
    assert "Next step: Book a meeting" in entry
    assert any("Owner: Sam" in line for line in entry)
    assert "<b>Called</b> **both**" in row["last_follow_up"]  # shown as typed, not rendered
    at.multiselect(key="owner").set_value(["Sam"]).run()
    assert _mentors(at) == [first]


def test_snoozing_and_resolving_take_pairs_off_the_queue(app_on, queue_url) -> None:
    at = app_on(queue_url, role="program_manager", page=PAGE, as_of=TODAY).run()
    first, second = _mentors(at)[:2]
    at = _select(at, 0)
    at.button(key="snooze").click().run()
    assert _rows(queue_url) == 1
    assert first not in _mentors(at) and len(_mentors(at)) == len(TODAY_PAIRS) - 1
    at = _select(at, 0)
    assert _mentors(at)[0] == second
    at.button(key="resolve").click().run()
    assert not at.exception
    assert _rows(queue_url) == 2
    assert second not in _mentors(at) and len(_mentors(at)) == len(TODAY_PAIRS) - 2


def test_nudge_and_export_for_the_selected_pair(app_on, queue_url) -> None:
    at = app_on(queue_url, role="coordinator", page=PAGE, as_of=QUEUE_AS_OF).run()
    at = _select(at, 0)  # Q2: never met
    assert at.code[0].value == "Time for your first mentoring meeting"
    assert at.code[1].value.startswith("Hi Mentor 2 and Mentee 2,")
    link = at.get("link_button")[0].proto.url
    assert link.startswith("mailto:m2@example.org,e2@example.org?subject=Time%20for")
    export, invite = at.get("download_button")
    assert export.proto.label == "Export the queue (CSV)"
    assert invite.proto.label.startswith("Suggested check-in, ")
    assert invite.proto.label.endswith("(.ics)")


def test_export_escapes_formula_cells() -> None:
    import pandas as pd

    from components.follow_ups import EXPORT_COLUMNS, queue_csv

    row = dict.fromkeys(EXPORT_COLUMNS, None) | {
        "mentor": "=HYPERLINK(1)",
        "mentee": "Bo",
        "band": "At risk",
        "due_on": pd.Timestamp("2025-04-02"),
    }
    frame = pd.DataFrame([row]).set_index("pair_id")
    rows = list(csv.reader(io.StringIO(queue_csv(frame).decode("utf-8"))))
    assert rows[0] == list(EXPORT_COLUMNS)
    assert rows[1][1] == "'=HYPERLINK(1)" and rows[1][10] == "2025-04-02"


def test_executive_gets_only_the_access_message(app_on, queue_url) -> None:
    at = app_on(queue_url, role="executive", page=PAGE, as_of=QUEUE_AS_OF).run()
    assert not at.exception
    assert "Follow-ups** is for coordinators and program managers" in at.warning[0].value
    assert not at.dataframe and "Mentor" not in page_text(at)


@pytest.mark.parametrize("role", ROLES)
def test_renders_on_demo_data(app_on, demo_url, role) -> None:
    at = app_on(demo_url, role=role, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not at.exception
    assert at.title[0].value == "Follow-ups" and len(_table(at)) > 0


@pytest.mark.parametrize("role", ROLES)
def test_renders_on_an_empty_store(app_on, sqlite_url, role) -> None:
    at = app_on(sqlite_url, role=role, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not at.exception
    assert "The store holds no program yet." in page_text(at)


def test_the_pair_in_the_link_opens_and_an_unknown_one_is_ignored_with_a_note(
    app_on, queue_url
) -> None:
    at = app_on(queue_url, role="coordinator", page=PAGE, as_of=QUEUE_AS_OF)
    at.query_params["pair"] = "Q1"
    at.run()
    assert [header.value for header in at.header] == ["Mentor 1 & Mentee 1"]
    assert _table(at)["mentor"].tolist().index("Mentor 1") == 1  # its row, wherever it is

    at = app_on(queue_url, role="coordinator", page=PAGE, as_of=QUEUE_AS_OF)
    at.query_params["pair"] = "Q6"  # ended: never in the queue
    at.run()
    assert not at.exception and not at.header
    assert "The link's pair 'Q6' is not in the queue" in page_text(at)
    assert "pair" not in at.query_params


def test_a_follow_up_re_reads_the_follow_ups_and_not_the_program(app_on, queue_url) -> None:
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        statements.append(" ".join(statement.split()).lower())

    at = app_on(queue_url, role="coordinator", page=PAGE, as_of=TODAY).run()
    at = _select(at, 0)
    event.listen(Engine, "before_cursor_execute", record)
    try:
        at.text_area(key="follow_up_note").input("Left a voicemail")
        at.button(key="FormSubmitter:log_follow_up-Log follow-up").click().run()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert not at.exception
    reads = [sql for sql in statements if sql.startswith(("select", "with"))]
    assert any("from follow_up" in sql for sql in reads)  # the queue's last follow-ups
    # The program's health, meetings and surveys stay cached: a follow-up does not change them.
    # Only the open pair's history (which lists follow-ups) is read again, for that one pair.
    program_reads = [
        sql
        for sql in reads
        if ("from meeting" in sql or "from survey_response" in sql) and "pair_id = ?" not in sql
    ]
    assert not program_reads
    assert any("from meeting" in sql for sql in reads)  # the open pair's history
    assert "Left a voicemail" in _table(at)["last_follow_up"].iloc[0]


def test_a_note_the_store_could_not_take_stays_typed_and_a_saved_one_clears(
    app_on, queue_url, monkeypatch
) -> None:
    saved = follow_up_store.log_follow_up

    def busy(*_args, **_kwargs):
        raise OperationalError(
            "INSERT INTO follow_up …", {}, sqlite3.OperationalError("database is locked")
        )

    at = _select(app_on(queue_url, role="coordinator", page=PAGE, as_of=TODAY).run(), 0)
    monkeypatch.setattr(follow_up_store, "log_follow_up", busy)
    at.text_area(key="follow_up_note").input("A long note typed with care")
    at.button(key="FormSubmitter:log_follow_up-Log follow-up").click().run()
    assert "The store is busy" in page_text(at) and _rows(queue_url) == 0

    monkeypatch.setattr(follow_up_store, "log_follow_up", saved)
    at = at.run()  # what Retry does
    assert at.text_area(key="follow_up_note").value == "A long note typed with care"
    at.button(key="FormSubmitter:log_follow_up-Log follow-up").click().run()
    assert _rows(queue_url) == 1
    assert at.text_area(key="follow_up_note").value == ""


# --- Logging a follow-up: the form and its messages (docs/screens.md) -------------------------
LOG = "FormSubmitter:log_follow_up-Log follow-up"


@pytest.fixture
def queue_store(engine: Engine, tmp_path: Path) -> str:
    """The hand-made queue program in the test's store: SQLite, then PostgreSQL."""
    assert run_import(read_directory(write_queue_program(tmp_path / "program")), engine=engine)
    return engine.url.render_as_string(hide_password=False)


def _log_form(at):
    """The column holding the follow-up form (the confirmation belongs next to it)."""
    return next(column for column in at.columns if column.text_area)


def test_an_empty_follow_up_is_refused_next_to_the_note(app_on, queue_store) -> None:
    at = _select(app_on(queue_store, role="coordinator", page=PAGE, as_of=TODAY).run(), 0)
    at.text_area(key="follow_up_note").input("   ")
    at.text_input(key="follow_up_owner").input("Sam")
    at.button(key=LOG).click().run()
    assert not at.exception
    assert _rows(queue_store) == 0
    refused = [error.value for error in _log_form(at).error]
    assert refused == ["Write a note or a next step: an empty follow-up is not logged."]
    assert not at.success


def test_a_logged_follow_up_clears_the_form_says_so_beside_it_and_a_second_click_adds_nothing(
    app_on, queue_store
) -> None:
    at = _select(app_on(queue_store, role="coordinator", page=PAGE, as_of=TODAY).run(), 0)
    at.text_area(key="follow_up_note").input("Called both")
    at.text_input(key="follow_up_next_step").input("Book a meeting")
    at.button(key=LOG).click().run()
    assert _rows(queue_store) == 1
    assert at.text_area(key="follow_up_note").value == ""
    assert at.text_input(key="follow_up_next_step").value == ""
    column = _log_form(at)
    assert [message.value for message in column.success][0].startswith("Follow-up logged for ")
    # The browser still holds the typed text for a moment: a second click sends it again.
    at.text_area(key="follow_up_note").input("Called both")
    at.text_input(key="follow_up_next_step").input("Book a meeting")
    at.button(key=LOG).click().run()
    assert not at.exception
    assert _rows(queue_store) == 1
    assert "the second click stored nothing" in _log_form(at).success[0].value
    assert at.text_area(key="follow_up_note").value == ""


def test_the_export_keeps_the_open_next_step_under_a_newer_entry_without_one(
    app_on, queue_store, monkeypatch
) -> None:
    from tests.screens.page_content import DownloadCapture

    at = _select(app_on(queue_store, role="coordinator", page=PAGE, as_of=TODAY).run(), 0)
    pair_id = at.query_params["pair"]
    at.text_input(key="follow_up_next_step").input("Book a meeting")
    at.date_input(key="follow_up_due").set_value(datetime(2030, 4, 7).date())
    at.button(key=LOG).click().run()
    at.text_area(key="follow_up_note").input("Left a voicemail")
    at.button(key=LOG).click().run()
    assert _rows(queue_store) == 2
    assert "Next step: Book a meeting (due 2030-04-07)" in [text.value for text in at.text]

    downloads = DownloadCapture(monkeypatch)
    at.run()
    export = next(text for text in downloads.texts() if text.startswith("pair_id,"))
    row = next(line for line in csv.DictReader(io.StringIO(export)) if line["pair_id"] == pair_id)
    assert row["last_follow_up"].endswith("logged: Left a voicemail")
    assert (row["next_step"], row["due_on"]) == ("Book a meeting", "2030-04-07")


def test_a_snoozed_pair_is_listed_and_its_undo_puts_it_back_and_is_audited(
    app_on, queue_store
) -> None:
    from sqlalchemy import select

    from data_access.models import AuditLog

    at = _select(app_on(queue_store, role="coordinator", page=PAGE, as_of=TODAY).run(), 0)
    first = _mentors(at)[0]
    assert at.expander[0].label == "Snoozed or resolved (0)"
    at.button(key="snooze").click().run()
    assert first not in _mentors(at)
    assert at.expander[0].label == "Snoozed or resolved (1)"
    aside = at.expander[0].dataframe[0].value
    assert aside["Mentor"].tolist() == [first]
    assert aside["Set aside"].iloc[0].startswith("Snoozed until ")
    assert aside["By"].tolist() == ["Coordinator (demo mode)"]

    at.button(key="undo_set_aside").click().run()
    assert not at.exception
    assert first in _mentors(at)
    assert at.expander[0].label == "Snoozed or resolved (0)"
    assert at.header[0].value.startswith(f"{first} & ")  # opened again, to act on it
    assert "snooze undone, back in the queue" in _log_form(at).success[0].value
    engine = make_engine(queue_store)
    try:
        with engine.connect() as connection:
            audit = connection.execute(
                select(AuditLog.actor, AuditLog.detail).where(AuditLog.action == "reopened")
            ).all()
    finally:
        engine.dispose()
    assert [actor for actor, _detail in audit] == ["Coordinator (demo mode)"]
    assert _rows(queue_store) == 2  # the snooze and its undo: history is never rewritten
    history = next(tab for tab in at.tabs if tab.label.startswith("Follow-ups"))
    assert "Back in the queue (snooze or resolution undone)" in history.markdown[0].value
