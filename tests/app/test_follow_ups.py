"""app.follow_ups: the queue's rules, snooze / resolve, filters, nudge wording and the digest."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import icalendar
import pandas as pd
import pytest
from sqlalchemy import Engine

from app.cli import EXIT_OK, main
from app.follow_ups import (
    DRIFTED,
    FIRST_MEETING,
    GOALS_OVERDUE,
    OTHER,
    UNASSIGNED,
    check_in_day,
    check_in_invite,
    digest,
    filter_queue,
    follow_up_queue,
    nudge,
)
from data_access.follow_ups import log_follow_up
from data_access.importer import read_directory, run_import

AS_OF = date(2025, 3, 31)
FACTOR = 2.0


def _pair(pair_id, *, status="active", band="Watch", score=50.0, stalled=False, days=10,
          met=True, cadence=14, overdue=0, reasons="r"):  # fmt: skip
    last = pd.Timestamp(AS_OF) - pd.Timedelta(days=days) if met else pd.NaT
    return {
        "pair_id": pair_id,
        "cohort_id": "C1",
        "mentor_id": f"{pair_id}-mentor",
        "mentee_id": f"{pair_id}-mentee",
        "status": status,
        "cadence_days": cadence,
        "last_meeting_on": last,
        "days_since_last_meeting": days,
        "stalled": stalled,
        "overdue_goals": overdue,
        "health_score": score,
        "band": band,
        "reasons": reasons,
    }


HEALTH = pd.DataFrame(
    [
        _pair("HEALTHY", band="Healthy", score=85),
        _pair("WATCH", band="Watch", score=55, days=20),
        _pair("RISK_LOW", band="At risk", score=20, days=16, overdue=2),
        _pair("RISK_HIGH", band="At risk", score=35, days=10),
        _pair("STALL_OLD", band="Watch", score=60, stalled=True, days=90),
        _pair("STALL_NEW", band="At risk", score=30, stalled=True, days=40, met=False),
        _pair("EARLY", band="Too early", score=float("nan"), days=5, met=False),
        _pair("ENDED", status="ended_early", band="At risk", score=10, days=200),
        _pair("PAUSED", status="paused", band="At risk", score=10, days=200),
    ]
).set_index("pair_id")
NO_FOLLOW_UPS = pd.DataFrame(
    columns=["action", "note", "next_step", "owner", "due_on", "snoozed_until", "created_at"]
).astype({"created_at": "datetime64[ns, UTC]", "snoozed_until": "datetime64[ns]"})


def _latest(rows: dict[str, dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=NO_FOLLOW_UPS.columns)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["snoozed_until"] = pd.to_datetime(frame["snoozed_until"])
    frame["due_on"] = pd.to_datetime(frame["due_on"])
    return frame


def _queue(latest: pd.DataFrame = NO_FOLLOW_UPS, as_of: date = AS_OF) -> pd.DataFrame:
    return follow_up_queue(HEALTH, latest, as_of=as_of, stall_factor=FACTOR)


def test_queue_holds_active_stalled_or_at_risk_pairs_most_urgent_first() -> None:
    queue = _queue()
    # stalled first (lowest score first among them), then at-risk by score
    assert queue.index.tolist() == ["STALL_NEW", "STALL_OLD", "RISK_LOW", "RISK_HIGH"]
    assert (queue["owner"] == UNASSIGNED).all()
    assert queue.at["STALL_NEW", "reason_kinds"] == (FIRST_MEETING,)
    assert queue.at["STALL_OLD", "reason_kinds"] == (DRIFTED,)
    assert queue.at["RISK_LOW", "reason_kinds"] == (DRIFTED, GOALS_OVERDUE)
    assert queue.at["RISK_HIGH", "reason_kinds"] == (OTHER,)


def test_equal_scores_put_the_longest_silence_first() -> None:
    health = pd.DataFrame(
        [_pair("A", band="At risk", score=30, days=5), _pair("B", band="At risk", score=30, days=9)]
    ).set_index("pair_id")
    queue = follow_up_queue(health, NO_FOLLOW_UPS, as_of=AS_OF, stall_factor=FACTOR)
    assert queue.index.tolist() == ["B", "A"]


def test_a_logged_follow_up_keeps_the_pair_and_shows_owner_and_next_step() -> None:
    latest = _latest(
        {
            "RISK_LOW": {
                "action": "logged",
                "owner": "Sam",
                "next_step": "Call",
                "due_on": "2025-04-02",
                "created_at": "2025-03-30T09:00:00Z",
            }
        }
    )
    queue = _queue(latest)
    assert "RISK_LOW" in queue.index
    assert queue.at["RISK_LOW", "owner"] == "Sam"
    assert queue.at["RISK_LOW", "last_follow_up_on"] == pd.Timestamp("2025-03-30")


def test_a_snooze_holds_until_its_day() -> None:
    latest = _latest(
        {
            "RISK_HIGH": {
                "action": "snoozed",
                "snoozed_until": "2025-04-05",
                "created_at": "2025-03-29T09:00:00Z",
            }
        }
    )
    assert "RISK_HIGH" not in _queue(latest).index
    assert "RISK_HIGH" not in _queue(latest, as_of=date(2025, 4, 4)).index
    assert "RISK_HIGH" in _queue(latest, as_of=date(2025, 4, 5)).index


def test_a_resolved_pair_stays_off_the_queue_unless_it_gets_worse() -> None:
    # STALL_OLD: last met 90 days before AS_OF, stall limit 28 → stalled since day 29 after it
    stalled_on = pd.Timestamp(AS_OF) - pd.Timedelta(days=90 - 29)
    on_that_day = _latest({"STALL_OLD": {"action": "resolved", "created_at": stalled_on}})
    assert "STALL_OLD" not in _queue(on_that_day).index
    day_before = _latest(
        {"STALL_OLD": {"action": "resolved", "created_at": stalled_on - pd.Timedelta(days=1)}}
    )
    assert "STALL_OLD" in _queue(day_before).index  # it became stalled after the resolution
    # an at-risk pair that is not stalled stays resolved
    risk = _latest({"RISK_HIGH": {"action": "resolved", "created_at": "2025-01-01T00:00:00Z"}})
    assert "RISK_HIGH" not in _queue(risk).index


def test_a_snoozed_pair_that_stalls_comes_back_before_its_day() -> None:
    # STALL_NEW started 40 days before AS_OF (no meeting): stalled since 11 days ago
    latest = _latest(
        {
            "STALL_NEW": {
                "action": "snoozed",
                "snoozed_until": "2025-05-01",
                "created_at": pd.Timestamp(AS_OF) - pd.Timedelta(days=20),
            }
        }
    )
    assert "STALL_NEW" in _queue(latest).index


def test_filters_by_owner_and_reason_kind() -> None:
    latest = _latest(
        {"RISK_LOW": {"action": "logged", "owner": "Sam", "created_at": "2025-03-30T09:00:00Z"}}
    )
    queue = _queue(latest)
    assert filter_queue(queue, owners=["Sam"]).index.tolist() == ["RISK_LOW"]
    assert "RISK_LOW" not in filter_queue(queue, owners=[UNASSIGNED]).index
    assert filter_queue(queue, kinds=[GOALS_OVERDUE]).index.tolist() == ["RISK_LOW"]
    assert filter_queue(queue, kinds=[FIRST_MEETING, OTHER]).index.tolist() == [
        "STALL_NEW",
        "RISK_HIGH",
    ]
    assert filter_queue(queue).index.tolist() == queue.index.tolist()


@pytest.mark.parametrize(
    ("pair_id", "subject", "sentence"),
    [
        ("STALL_NEW", "Time for your first mentoring meeting", "started 40 days ago"),
        ("STALL_OLD", "Let's get your mentoring meetings back on track", "90 days since"),
        ("RISK_HIGH", "Checking in on your mentoring pair", "check in on how"),
    ],
)
def test_nudge_wording_follows_the_reason(pair_id: str, subject: str, sentence: str) -> None:
    row = _queue().loc[pair_id]
    message = nudge(
        row,
        mentor_name="Ana Ruiz",
        mentee_name="Bo Li",
        emails=["ana@example.org", "", "bo@example.org"],
        sender="Coordinator (demo mode)",
    )
    assert message.subject == subject
    assert sentence in message.body
    assert message.body.startswith("Hi Ana Ruiz and Bo Li,")
    parts = urlsplit(message.mailto)
    assert parts.scheme == "mailto" and unquote(parts.path) == "ana@example.org,bo@example.org"
    query = parse_qs(parts.query)
    assert query["subject"] == [subject] and query["body"] == [message.body]


def test_nudge_for_overdue_goals_counts_them() -> None:
    message = nudge(
        _queue().loc["RISK_LOW"], mentor_name="A", mentee_name="B", emails=[], sender="S"
    )
    assert "16 days since your last meeting" in message.body
    assert "2 goals are past their due date" in message.body


def test_digest_groups_by_owner_with_unassigned_last() -> None:
    latest = _latest(
        {
            "RISK_LOW": {
                "action": "logged",
                "owner": "Zoe",
                "next_step": "Call [them](http://x)",
                "due_on": "2025-04-02",
                "created_at": "2025-03-30T09:00:00Z",
            },
            "RISK_HIGH": {"action": "logged", "owner": "Al", "created_at": "2025-03-30T09:00:00Z"},
        }
    )
    names = pd.DataFrame(
        {"mentor_name": ["Ana"], "mentee_name": ["Bo"]}, index=pd.Index(["RISK_LOW"])
    )
    text = digest(_queue(latest), as_of=AS_OF, names=names)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Al (1)", "## Zoe (1)", "## Unassigned (2)"]
    assert "4 pairs need a follow-up." in text
    assert "**Ana & Bo**" in text and "(due 2025-04-02)" in text
    assert "[them](http://x)" not in text  # user text cannot become a link
    assert digest(_queue().iloc[0:0], as_of=AS_OF).endswith("No pair needs a follow-up.\n")


# A hand-made program for the screen and the CLI. As of QUEUE_AS_OF (2025-03-31), cadence 14,
# stall limit 28 days:
# - Q1 active, last met 2025-01-20: 70 days → stalled; 1 of 6 meetings expected → score 8.3
# - Q2 active, started 2025-02-17, never met: 42 days → stalled, first meeting; score 0
# - Q3 active, last met 2025-03-05: 26 days → not stalled; 1 meeting, goal overdue → At risk
# - Q4 active, met every 14 days up to 2025-03-24 → Healthy (not in the queue)
# - Q5 active, started 2025-03-25 → Too early (not in the queue)
# - Q6 ended early on 2025-02-01, never met (not in the queue)
QUEUE_AS_OF = date(2025, 3, 31)
QUEUE_ORDER = ["Q2", "Q1", "Q3"]
QUEUE_PROGRAM = {
    "cohorts.csv": """cohort_id,name,start_date,end_date,focus_area,target_cadence_days
C1,Winter 2025,2025-01-06,,AI,14
""",
    "participants.csv": "participant_id,name,email,role\n"
    + "".join(
        f"M{n},Mentor {n},m{n}@example.org,mentor\nE{n},Mentee {n},e{n}@example.org,mentee\n"
        for n in range(1, 7)
    ),
    "pairs.csv": """pair_id,cohort_id,mentor_id,mentee_id,started_on,ended_on,status
Q1,C1,M1,E1,2025-01-06,,active
Q2,C1,M2,E2,2025-02-17,,active
Q3,C1,M3,E3,2025-01-06,,active
Q4,C1,M4,E4,2025-01-06,,active
Q5,C1,M5,E5,2025-03-25,,active
Q6,C1,M6,E6,2025-01-06,2025-02-01,ended_early
""",
    "meetings.csv": "meeting_id,pair_id,held_on\nX1,Q1,2025-01-20\nX3,Q3,2025-03-05\n"
    + "".join(
        f"X4{n},Q4,{day}\n"
        for n, day in enumerate(
            ["2025-01-13", "2025-01-27", "2025-02-10", "2025-02-24", "2025-03-10", "2025-03-24"]
        )
    ),
    "goals.csv": """goal_id,pair_id,title,due_on,status
G3,Q3,Try an AI assistant,2025-03-01,not_started
""",
}


def write_queue_program(directory: Path) -> Path:
    """Write the hand-made queue program's CSV files into `directory`; returns it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in QUEUE_PROGRAM.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_digest_command_prints_the_queue_by_owner(
    cli_store: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_import(read_directory(write_queue_program(tmp_path / "p")), engine=engine).applied
    log_follow_up(engine, pair_id="Q3", actor="Kim", owner="Sam", note="called")
    as_of = datetime.now(UTC).date()
    # as of today every active pair of 2025 has long stalled; Q3 is Sam's
    assert main(["digest", "--as-of", as_of.isoformat()]) == EXIT_OK
    text = capsys.readouterr().out
    assert text.startswith(f"# Follow-ups as of {as_of.isoformat()}")
    assert "## Sam (1)" in text and "**Mentor 3 & Mentee 3**" in text
    out = tmp_path / "digest.md"
    assert main(["digest", "--as-of", "2025-03-31", "--out", str(out)]) == EXIT_OK
    written = out.read_text(encoding="utf-8")
    assert "3 pairs need a follow-up." in written  # Sam's follow-up is later than 2025-03-31
    assert written.index("Mentor 2 & Mentee 2") < written.index("Mentor 1 & Mentee 1")
    assert "Mentor 4" not in written and "Mentor 5" not in written and "Mentor 6" not in written


def test_digest_command_refuses_a_date_that_is_not_a_date(
    cli_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["digest", "--as-of", "2025-02-30"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "is not an ISO date" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("as_of", "day"),
    [
        (date(2025, 3, 31), date(2025, 4, 1)),  # Monday → Tuesday
        (date(2025, 4, 4), date(2025, 4, 7)),  # Friday → Monday
        (date(2025, 4, 5), date(2025, 4, 7)),  # Saturday → Monday
    ],
)
def test_the_check_in_is_on_the_next_working_day(as_of: date, day: date) -> None:
    assert check_in_day(as_of) == day


def test_the_check_in_invitation_reads_back_as_one_event_for_both_people() -> None:
    message = nudge(
        _queue().loc["RISK_LOW"], mentor_name="Ana", mentee_name="Bo", emails=[], sender="S"
    )
    ics = check_in_invite(
        message,
        pair_id="RISK_LOW",
        emails=["ana@example.org", None, float("nan"), "bo@example.org"],
        as_of=date(2025, 4, 4),
    )
    calendar = icalendar.Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2025, 4, 7, 10, 0, tzinfo=UTC)  # no zone known
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=30)
    assert str(event["summary"]) == message.subject
    assert str(event["description"]) == message.body
    attendees = event["attendee"]
    assert [str(a) for a in attendees] == ["mailto:ana@example.org", "mailto:bo@example.org"]


def test_digest_keeps_the_open_next_step_under_a_newer_entry_without_one(
    cli_store: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_import(read_directory(write_queue_program(tmp_path / "p")), engine=engine).applied
    log_follow_up(engine, pair_id="Q3", actor="Kim", owner="Sam", next_step="Book a meeting",
                  due_on=date(2030, 4, 7))  # fmt: skip
    log_follow_up(engine, pair_id="Q3", actor="Kim", owner="Sam", note="Left a voicemail")
    as_of = datetime.now(UTC).date()
    assert main(["digest", "--as-of", as_of.isoformat()]) == EXIT_OK
    text = capsys.readouterr().out
    assert "Next step: Book a meeting (due 2030-04-07)" in text


def test_set_aside_lists_the_pairs_a_snooze_or_resolution_keeps_off_the_queue() -> None:
    from app.follow_ups import set_aside

    day = pd.Timestamp("2025-03-30", tz="UTC")
    latest = _latest(
        {
            "RISK_LOW": {"action": "snoozed", "snoozed_until": "2025-04-30", "created_at": day},
            "STALL_OLD": {"action": "resolved", "created_at": day},  # already stalled: stays off
            "RISK_HIGH": {"action": "reopened", "created_at": day},  # undone: in the queue
            "ENDED": {"action": "resolved", "created_at": day},  # not active: not listed
        }
    )
    aside = set_aside(HEALTH, latest, as_of=AS_OF, stall_factor=FACTOR)
    assert sorted(aside.index) == ["RISK_LOW", "STALL_OLD"]
    assert "RISK_HIGH" in _queue(latest).index
