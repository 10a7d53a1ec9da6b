"""Follow-up notes as people type them: markup and very long text are stored whole, on SQLite
and PostgreSQL, and shown as typed (never rendered as Markdown or HTML)."""

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from components.follow_ups import TABLE_KEY
from data_access.importer import read_directory, run_import
from data_access.models import FollowUp
from tests.app.test_follow_ups import write_queue_program

PAGE = "screens/follow_ups.py"
#: Follow-ups are dated today: the screen shows them in views as of today.
TODAY = datetime.now(UTC).date()
LOG = "FormSubmitter:log_follow_up-Log follow-up"
MARKUP = (
    '<script>alert("x")</script> <b>bold?</b> **not bold** [a link](javascript:alert(1)) '
    ":red[not red] $x^2$ # not a heading"
)
#: 20,000 characters: the markup at both ends, a long run of words in between.
LONG_NOTE = MARKUP + "\n" + ("word " * 4_000)[: 20_000 - 2 * len(MARKUP) - 2] + "\n" + MARKUP


def _stored(engine: Engine) -> list[tuple[str | None, str | None]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(FollowUp.note, FollowUp.next_step))]


def test_a_long_note_with_markup_is_stored_whole_and_shown_as_typed(
    app_on, engine: Engine, tmp_path: Path
) -> None:
    assert len(LONG_NOTE) == 20_000 and not LONG_NOTE.endswith(" ")
    assert run_import(read_directory(write_queue_program(tmp_path / "program")), engine=engine)
    at = app_on(engine.url.render_as_string(hide_password=False), role="coordinator", page=PAGE,
                as_of=TODAY).run()  # fmt: skip
    at.session_state[TABLE_KEY] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    at.text_area(key="follow_up_note").input(LONG_NOTE)
    at.text_input(key="follow_up_next_step").input(MARKUP)
    at.button(key=LOG).click().run()
    assert not at.exception
    assert _stored(engine) == [(LONG_NOTE, MARKUP)]  # every character, in the store

    history = next(tab for tab in at.tabs if tab.label.startswith("Follow-ups"))
    shown = [text.value for text in history.text]
    assert LONG_NOTE in shown  # as plain text, all of it
    assert f"Next step: {MARKUP}" in shown
    # Nowhere on the page is the typed text handed to Markdown or HTML.
    assert not any("alert(" in str(element.value) for element in (*at.markdown, *at.caption))
    table = next(frame for frame in at.dataframe if frame.key == TABLE_KEY).value
    assert table["last_follow_up"].str.endswith(LONG_NOTE).any()  # the cell holds it whole
