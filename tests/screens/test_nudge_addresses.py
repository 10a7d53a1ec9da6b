"""Follow-ups on a store that holds a hostile e-mail address (imported before e-mail cells were
checked): the page renders, says the address is left out, and the check-in .ics it offers reads
back with no injected line, in the mentor's time zone, organised by the signed-in coordinator.
On SQLite and PostgreSQL."""

from pathlib import Path

import icalendar
from sqlalchemy import Engine, update

from components.follow_ups import TABLE_KEY
from data_access.app_users import grant_role
from data_access.importer import read_directory, run_import
from data_access.models import Participant
from tests.app.test_follow_ups import QUEUE_AS_OF, write_queue_program
from tests.screens.page_content import DownloadCapture
from tests.screens.test_sign_in import AUTH

PAGE = "screens/follow_ups.py"
INJECTED = "m2@example.org\r\nBCC: everyone@example.org"


def _store(engine: Engine, folder: Path) -> None:
    assert run_import(read_directory(write_queue_program(folder)), engine=engine).applied
    with engine.begin() as connection:  # written as an older PairPulse let it in
        connection.execute(
            update(Participant)
            .where(Participant.participant_id == "M2")
            .values(email=INJECTED, timezone="Europe/Berlin")
        )


def test_a_hostile_address_is_left_out_and_the_invitation_is_clean(
    app_on, engine: Engine, store_url: str, tmp_path: Path, monkeypatch
) -> None:
    _store(engine, tmp_path / "program")
    grant_role(engine, "kim@example.org", "coordinator", actor="test setup")
    downloads = DownloadCapture(monkeypatch)
    at = app_on(store_url, page=PAGE, as_of=QUEUE_AS_OF)
    at.secrets["auth"] = dict(AUTH)
    at.user = {"is_logged_in": True, "email": "kim@example.org"}
    at = at.run()
    at.session_state[TABLE_KEY] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at = at.run()  # Q2: Mentor 2, whose stored address carries a line break
    assert not at.exception
    assert at.header[0].value == "Mentor 2 & Mentee 2"
    assert [warning.value for warning in at.warning] == [
        "The mentor's e-mail address on file is not a valid address, so it is left out of the "
        "e-mail and the invitation. Correct it in participants.csv and import that file again."
    ]
    assert at.get("link_button")[0].proto.url.startswith("mailto:e2@example.org?subject=")
    (ics,) = [data for mimetype, data in downloads.files if mimetype == "text/calendar"]
    text = ics.decode("utf-8")
    assert "everyone@example.org" not in text and "BCC" not in text.upper()
    calendar = icalendar.Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    assert str(event["attendee"]) == "mailto:e2@example.org"
    assert str(event["organizer"]) == "mailto:kim@example.org"
    assert "DTSTART;TZID=Europe/Berlin:20250401T100000" in text.split("\r\n")
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    invite = next(b for b in at.get("download_button") if b.proto.label.endswith("(.ics)"))
    assert "10:00 Europe/Berlin (the mentor's time zone)" in invite.proto.help
