"""data_access.follow_ups on SQLite and PostgreSQL: one INSERT per action, the latest per pair,
and concurrent writers on one engine."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from data_access.follow_ups import (
    follow_up_count,
    latest_follow_ups,
    log_follow_up,
    resolve,
    snooze,
)
from data_access.importer import read_directory, run_import
from data_access.models import FollowUp

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
