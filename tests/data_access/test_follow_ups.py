"""data_access.follow_ups on SQLite and PostgreSQL: one INSERT per action, the latest per pair,
and concurrent writers on one engine."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from data_access.follow_ups import (
    EmptyFollowUp,
    follow_up_count,
    latest_follow_ups,
    log_follow_up,
    reopen,
    resolve,
    snooze,
)
from data_access.importer import read_directory, run_import
from data_access.models import AuditLog, FollowUp

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
TODAY = datetime.now(UTC).date()


def _program(engine: Engine) -> Engine:
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    return engine


def test_each_action_is_one_row_with_actor_and_utc_time(engine: Engine) -> None:
    _program(engine)
    before = datetime.now(UTC)
    log_follow_up(
        engine,
        pair_id="P03",
        actor="Coordinator (demo mode)",
        note="  Called <b>Ana</b> ",
        next_step="Book a meeting",
        owner="Sam",
        due_on=date(2025, 4, 7),
    )
    snooze(engine, pair_id="P03", actor="Kim", until=date(2025, 4, 14))
    resolve(engine, pair_id="P04", actor="Kim")
    assert follow_up_count(engine) == 3
    with engine.connect() as connection:
        logged, snoozed, resolved = connection.execute(
            select(FollowUp.__table__).order_by(FollowUp.id)
        ).all()
    assert (logged.action, logged.note, logged.owner, logged.created_by) == (
        "logged",
        "Called <b>Ana</b>",
        "Sam",
        "Coordinator (demo mode)",
    )
    assert (snoozed.action, snoozed.snoozed_until, snoozed.owner) == (
        "snoozed",
        date(2025, 4, 14),
        "Sam",  # the pair's owner stays
    )
    assert (resolved.action, resolved.owner) == ("resolved", "Kim")
    created = logged.created_at
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    assert abs((created - before).total_seconds()) < 60


def test_latest_follow_up_per_pair_up_to_the_as_of_day(engine: Engine) -> None:
    _program(engine)
    log_follow_up(engine, pair_id="P03", actor="Kim", note="first")
    log_follow_up(engine, pair_id="P03", actor="Kim", note="second", owner="Sam")
    snooze(engine, pair_id="P04", actor="Kim", until=date(2030, 1, 1))
    latest = latest_follow_ups(engine, TODAY)
    assert sorted(latest.index) == ["P03", "P04"]
    assert latest.at["P03", "note"] == "second" and latest.at["P03", "owner"] == "Sam"
    assert latest.at["P03", "count"] == 2
    assert latest.at["P04", "action"] == "snoozed"
    assert latest.at["P04", "snoozed_until"] == datetime(2030, 1, 1)
    assert str(latest["created_at"].dt.tz) == "UTC"
    assert latest_follow_ups(engine, date(2000, 1, 1)).empty


def test_eight_threads_logging_at_once_lose_nothing(engine: Engine) -> None:
    _program(engine)

    def write(thread: int) -> None:
        for number in range(50):
            log_follow_up(engine, pair_id="P03", actor=f"thread {thread}", note=str(number))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(8)))
    assert follow_up_count(engine) == 400
    with engine.connect() as connection:
        notes = connection.execute(select(FollowUp.created_by, FollowUp.note)).all()
    assert len(set(notes)) == 400


def test_an_empty_follow_up_is_refused_and_nothing_is_written(engine: Engine) -> None:
    _program(engine)
    with pytest.raises(EmptyFollowUp, match="needs a note or a next step"):
        log_follow_up(engine, pair_id="P03", actor="Kim", note="  \n ", next_step=" ", owner="Sam")
    assert follow_up_count(engine) == 0
    log_follow_up(engine, pair_id="P03", actor="Kim", next_step="Book a meeting")  # enough
    assert follow_up_count(engine) == 1


def test_the_open_next_step_stays_until_resolved_or_replaced(engine: Engine) -> None:
    _program(engine)
    log_follow_up(engine, pair_id="P03", actor="Kim", next_step="Book a meeting",
                  due_on=date(2030, 4, 7))  # fmt: skip
    log_follow_up(engine, pair_id="P03", actor="Kim", note="Left a voicemail")  # no next step
    snooze(engine, pair_id="P03", actor="Kim", until=date(2030, 1, 1))
    latest = latest_follow_ups(engine, TODAY)
    assert latest.at["P03", "action"] == "snoozed" and pd.isna(latest.at["P03", "next_step"])
    assert latest.at["P03", "open_next_step"] == "Book a meeting"
    assert latest.at["P03", "open_due_on"] == datetime(2030, 4, 7)

    log_follow_up(engine, pair_id="P03", actor="Kim", next_step="Call the mentee")
    latest = latest_follow_ups(engine, TODAY)
    assert latest.at["P03", "open_next_step"] == "Call the mentee"
    assert pd.isna(latest.at["P03", "open_due_on"])

    resolve(engine, pair_id="P03", actor="Kim")  # done
    assert pd.isna(latest_follow_ups(engine, TODAY).at["P03", "open_next_step"])


def test_undoing_a_snooze_is_a_row_and_an_audit_entry(engine: Engine) -> None:
    _program(engine)
    snooze(engine, pair_id="P03", actor="Kim", until=date(2030, 1, 1))
    reopen(engine, pair_id="P03", actor="Sam", undone="snooze")
    latest = latest_follow_ups(engine, TODAY)
    assert (latest.at["P03", "action"], latest.at["P03", "created_by"]) == ("reopened", "Sam")
    with engine.connect() as connection:
        audit = connection.execute(
            select(AuditLog.actor, AuditLog.action, AuditLog.detail).where(
                AuditLog.action != "import"
            )
        ).all()
    assert [tuple(row) for row in audit] == [("Sam", "reopened", "pair P03: snooze undone")]
