"""The nudge's mailto: link and the check-in .ics are built from validated addresses only
(`app.follow_ups.valid_address`): an address with a line break, a space or a second @ — which a
store may hold from before e-mail cells were checked — is left out, never written into a header
or a calendar line. The invitation is in the mentor's time zone (with its VTIMEZONE) and has the
signed-in coordinator as ORGANIZER."""

from datetime import date, datetime
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest

from app.follow_ups import check_in_invite, check_in_zone, nudge, valid_address
from tests.app.test_follow_ups import _queue

INJECTED = "ana@example.org\r\nBCC: everyone@example.org"
HOSTILE = [
    INJECTED,
    "ana@example.org\nX-INJECTED:1",
    "ana@example.org;RSVP=TRUE:mailto:x@example.org",
    "ana@example.org, bo@example.org",
    "two@signs@example.org",
    "ana@localhost",
    "nobody@example.invalid",
]


@pytest.mark.parametrize("address", HOSTILE)
def test_an_address_that_is_not_valid_is_not_used(address: str) -> None:
    assert valid_address(address) is None


def test_a_valid_address_is_used_in_its_normal_form() -> None:
    assert valid_address("  ana@Example.ORG ") == "ana@example.org"
    assert valid_address(None) is None and valid_address(float("nan")) is None


def _message(emails: list[object], sender: str = "kim@example.org"):
    row = _queue().loc["RISK_LOW"]
    return nudge(row, mentor_name="Ana", mentee_name="Bo", emails=emails, sender=sender)


def test_the_mailto_link_leaves_an_injected_address_out() -> None:
    message = _message([INJECTED, "bo@example.org"])
    parts = urlsplit(message.mailto)
    assert unquote(parts.path) == "bo@example.org"
    assert "\r" not in unquote(message.mailto) and "BCC" not in unquote(message.mailto)


def _lines(ics: bytes) -> list[str]:
    """The content lines of an .ics file, folded lines joined back (RFC 5545 §3.1)."""
    return ics.decode("utf-8").replace("\r\n ", "").split("\r\n")


def test_the_invitation_leaves_an_injected_address_out_and_reads_back() -> None:
    ics = check_in_invite(
        _message([]),
        pair_id="RISK_LOW",
        emails=[INJECTED, "bo@example.org"],
        names=["Ana\r\nX-INJECTED:1", "Bo"],
        zones=["Europe/Berlin", "America/New_York"],
        organizer="kim@example.org",
        as_of=date(2025, 4, 4),
    )
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    attendees = event["attendee"]
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(attendee) for attendee in attendees] == ["mailto:bo@example.org"]
    assert attendees[0].params["CN"] == "Bo"
    lines = _lines(ics)
    assert not [line for line in lines if line.upper().startswith(("BCC", "X-INJECTED"))]
    assert "everyone@example.org" not in ics.decode("utf-8")


def test_the_invitation_is_in_the_mentors_zone_with_an_organizer() -> None:
    ics = check_in_invite(
        _message([]),
        pair_id="RISK_LOW",
        emails=["ana@example.org", "bo@example.org"],
        zones=["Europe/Berlin", "America/New_York"],
        organizer="kim@example.org",
        as_of=date(2025, 4, 4),
    )
    calendar = icalendar.Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2025, 4, 7, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert "DTSTART;TZID=Europe/Berlin:20250407T100000" in _lines(ics)
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(event["organizer"]) == "mailto:kim@example.org"
    assert str(calendar["method"]) == "REQUEST"


def test_without_an_address_to_organise_it_the_invitation_is_a_plain_event() -> None:
    ics = check_in_invite(
        _message([], sender="Coordinator (demo mode)"),
        pair_id="RISK_LOW",
        emails=["ana@example.org"],
        organizer="Coordinator (demo mode)",
        as_of=date(2025, 4, 4),
    )
    calendar = icalendar.Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    assert "organizer" not in event and "method" not in calendar
    assert event.decoded("dtstart") == datetime(2025, 4, 7, 10, 0, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("zones", "zone"),
    [
        (["Asia/Tokyo", "Europe/Berlin"], "Asia/Tokyo"),
        ([None, "Europe/Berlin"], "Europe/Berlin"),
        (["Europe", " Europe/Berlin "], "Europe/Berlin"),  # a folder, not a zone
        (["../../etc/passwd", "Mars/Olympus"], "UTC"),
        ([], "UTC"),
    ],
)
def test_the_zone_is_the_mentors_then_the_mentees_then_utc(zones, zone) -> None:
    assert check_in_zone(zones) == zone
