"""One pair's history for its detail view, as of a date, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.importer import read_directory, run_import
from data_access.models import FollowUp
from data_access.pair_history import pair_history

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"

#: Two follow-ups on P03 either side of the end of 2025-03-31 (UTC), one on P04.
FOLLOW_UPS = [
    {
        "pair_id": "P03",
        "action": "logged",
        "note": "Called the mentor",
        "next_step": "Book the next meeting",
        "owner": "sam@example.com",
        "due_on": date(2025, 4, 7),
        "created_at": datetime(2025, 3, 31, 23, 30, tzinfo=UTC),
        "created_by": "sam@example.com",
    },
    {
        "pair_id": "P03",
        "action": "resolved",
        "created_at": datetime(2025, 4, 1, 0, 5, tzinfo=UTC),
        "created_by": "sam@example.com",
    },
    {
        "pair_id": "P04",
        "action": "snoozed",
        "snoozed_until": date(2025, 4, 14),
        "created_at": datetime(2025, 3, 20, 9, tzinfo=UTC),
        "created_by": "sam@example.com",
    },
]


@pytest.fixture
def fixture_engine(engine: Engine) -> Engine:
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    with engine.begin() as connection:
        for row in FOLLOW_UPS:
            connection.execute(FollowUp.__table__.insert().values(**row))
    return engine


def test_meetings_after_the_as_of_date_are_left_out(fixture_engine: Engine) -> None:
    history = pair_history(fixture_engine, pair_id="P01", as_of=date(2024, 2, 20))
    assert history.meetings["meeting_id"].tolist() == ["M001", "M002"]  # M003 is on 2024-02-26
    assert history.meetings["format"].tolist() == ["video", "in_person"]
    assert history.meetings["duration_minutes"].tolist() == [45, 60]
    later = pair_history(fixture_engine, pair_id="P01", as_of=date(2025, 3, 31))
    assert later.meetings["meeting_id"].tolist() == ["M001", "M002", "M003"]
    assert later.meetings["held_on"].iloc[-1] == datetime(2024, 2, 26)


def test_goals_appear_once_created_with_their_stored_status(fixture_engine: Engine) -> None:
    assert pair_history(fixture_engine, pair_id="P03", as_of=date(2025, 2, 16)).goals.empty
    goals = pair_history(fixture_engine, pair_id="P01", as_of=date(2025, 3, 31)).goals
    assert goals["goal_id"].tolist() == ["G01", "G02"]
    assert goals["title"].tolist() == [
        "Write prompts for weekly reports",
        "Set up a personal news feed",
    ]
    assert goals["status"].tolist() == ["done", "dropped"]
    assert goals["due_on"].tolist() == [datetime(2024, 4, 30), datetime(2024, 6, 30)]


def test_survey_answers_of_both_people_with_their_role(fixture_engine: Engine) -> None:
    surveys = pair_history(fixture_engine, pair_id="P01", as_of=date(2025, 3, 31)).surveys
    assert surveys["response_id"].tolist() == ["S01", "S02", "S03"]
    assert surveys["role"].tolist() == ["mentee", "mentee", "mentor"]
    assert surveys["kind"].tolist() == ["baseline", "exit", "exit"]
    assert surveys["satisfaction"].tolist()[1:] == [5, 4]
    assert "comment" not in surveys
    before_exit = pair_history(fixture_engine, pair_id="P01", as_of=date(2024, 7, 10)).surveys
    assert before_exit["response_id"].tolist() == ["S01"]


def test_follow_ups_recorded_by_the_end_of_the_as_of_day(fixture_engine: Engine) -> None:
    follow_ups = pair_history(fixture_engine, pair_id="P03", as_of=date(2025, 3, 31)).follow_ups
    assert follow_ups["action"].tolist() == ["logged"]
    row = follow_ups.iloc[0]
    assert (row["note"], row["next_step"], row["owner"]) == (
        "Called the mentor",
        "Book the next meeting",
        "sam@example.com",
    )
    assert row["due_on"] == datetime(2025, 4, 7)
    assert row["created_at"] == datetime(2025, 3, 31, 23, 30, tzinfo=UTC)
    next_day = pair_history(fixture_engine, pair_id="P03", as_of=date(2025, 4, 1)).follow_ups
    assert next_day["action"].tolist() == ["logged", "resolved"]


def test_a_pair_the_store_does_not_hold_has_an_empty_history(fixture_engine: Engine) -> None:
    history = pair_history(fixture_engine, pair_id="NOPE", as_of=date(2025, 3, 31))
    assert history.meetings.empty and history.goals.empty
    assert history.surveys.empty and history.follow_ups.empty
