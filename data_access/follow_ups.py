"""Coordinators' follow-ups on pairs (docs/screens.md, Follow-ups): write one, read the latest.

Every write is a single INSERT into `follow_up` in its own short transaction, with the actor
(`created_by`) and an aware-UTC `created_at`; nothing is ever updated or deleted, so the table is
the pair's history. Three actions:

- `logged`: a note, a next step, an owner and a due date;
- `snoozed`: the pair leaves the queue until `snoozed_until` (see `app.follow_ups`);
- `resolved`: the pair leaves the queue until it gets worse;
- `reopened`: the undo of a snooze or resolution, the pair back in the queue (also one row of
  the audit log, in the same transaction).

A logged follow-up needs a note or a next step (`EmptyFollowUp` otherwise). A pair's *open next
step* is the latest next step logged that is not done: a later resolution marks it done, and a
later next step replaces it; a logged entry without a next step leaves it open.

Snoozes and resolutions carry the owner of the pair's latest follow-up, so the owner stays put.
"""

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Engine, func, insert, select

from data_access import revision
from data_access.models import AuditLog, FollowUp

LOGGED = "logged"
SNOOZED = "snoozed"
RESOLVED = "resolved"
REOPENED = "reopened"
ACTIONS = (LOGGED, SNOOZED, RESOLVED, REOPENED)

LATEST_COLUMNS = (
    "action",
    "note",
    "next_step",
    "owner",
    "due_on",
    "snoozed_until",
    "created_at",
    "created_by",
)


class EmptyFollowUp(ValueError):
    """A follow-up with neither a note nor a next step: nothing to record."""


def _text(value: str | None) -> str | None:
    """Trimmed text, or None for blank."""
    value = (value or "").strip()
    return value or None


def _insert(engine: Engine, row: dict, *, audit: str | None = None) -> int:
    """One INSERT in its own transaction (with an audit-log row saying `audit`, if given); the
    new row's id."""
    row = {**row, "created_at": datetime.now(UTC)}
    with engine.begin() as connection:
        inserted = connection.execute(insert(FollowUp).values(**row).returning(FollowUp.id))
        new_id = int(inserted.scalar_one())
        if audit:
            connection.execute(
                insert(AuditLog).values(
                    at=row["created_at"],
                    actor=row["created_by"],
                    action=row["action"],
                    detail=audit,
                )
            )
        revision.bump(connection, revision.FOLLOW_UPS)
        return new_id


def _current_owner(engine: Engine, pair_id: str) -> str | None:
    statement = (
        select(FollowUp.owner)
        .where(FollowUp.pair_id == pair_id)
        .order_by(FollowUp.created_at.desc(), FollowUp.id.desc())
        .limit(1)
    )
    with engine.connect() as connection:
        return connection.execute(statement).scalar_one_or_none()


def log_follow_up(
    engine: Engine,
    *,
    pair_id: str,
    actor: str,
    note: str | None = None,
    next_step: str | None = None,
    owner: str | None = None,
    due_on: date | None = None,
) -> int:
    """Record a follow-up on `pair_id` by `actor`; returns its id. Blank texts are stored as
    NULL; `owner` defaults to the actor. Neither a note nor a next step: `EmptyFollowUp`."""
    if _text(note) is None and _text(next_step) is None:
        raise EmptyFollowUp("A follow-up needs a note or a next step.")
    return _insert(
        engine,
        {
            "pair_id": pair_id,
            "action": LOGGED,
            "note": _text(note),
            "next_step": _text(next_step),
            "owner": _text(owner) or actor,
            "due_on": due_on,
            "snoozed_until": None,
            "created_by": actor,
        },
    )


def snooze(
    engine: Engine, *, pair_id: str, actor: str, until: date, note: str | None = None
) -> int:
    """Take `pair_id` off the queue until `until` (unless it gets worse); returns the row id."""
    return _insert(
        engine,
        {
            "pair_id": pair_id,
            "action": SNOOZED,
            "note": _text(note),
            "next_step": None,
            "owner": _current_owner(engine, pair_id) or actor,
            "due_on": None,
            "snoozed_until": until,
            "created_by": actor,
        },
    )


def resolve(engine: Engine, *, pair_id: str, actor: str, note: str | None = None) -> int:
    """Take `pair_id` off the queue until it gets worse; returns the row id."""
    return _insert(
        engine,
        {
            "pair_id": pair_id,
            "action": RESOLVED,
            "note": _text(note),
            "next_step": None,
            "owner": _current_owner(engine, pair_id) or actor,
            "due_on": None,
            "snoozed_until": None,
            "created_by": actor,
        },
    )


def reopen(engine: Engine, *, pair_id: str, actor: str, undone: str) -> int:
    """Undo the pair's snooze or resolution (`undone`, said in the audit log): it is back in the
    queue; returns the row id."""
    return _insert(
        engine,
        {
            "pair_id": pair_id,
            "action": REOPENED,
            "note": None,
            "next_step": None,
            "owner": _current_owner(engine, pair_id) or actor,
            "due_on": None,
            "snoozed_until": None,
            "created_by": actor,
        },
        audit=f"pair {pair_id}: {undone} undone",
    )


def latest_follow_ups(engine: Engine, as_of: date) -> pd.DataFrame:
    """Each pair's latest follow-up recorded by the end of `as_of` (UTC day of `created_at`),
    indexed by pair_id, with `LATEST_COLUMNS`, `count` (the pair's follow-ups up to then) and
    `open_next_step`, `open_due_on` (the open next step, see the module docstring, and its due
    date). Dates are timestamps; `created_at` is UTC."""
    day_after = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=UTC)
    recorded = FollowUp.created_at < day_after
    ranked = (
        select(
            FollowUp.pair_id,
            *(getattr(FollowUp, column) for column in LATEST_COLUMNS),
            func.row_number()
            .over(
                partition_by=FollowUp.pair_id,
                order_by=(FollowUp.created_at.desc(), FollowUp.id.desc()),
            )
            .label("rank"),
            func.count().over(partition_by=FollowUp.pair_id).label("count"),
        )
        .where(recorded)
        .subquery()
    )
    statement = select(
        ranked.c.pair_id, *(ranked.c[column] for column in LATEST_COLUMNS), ranked.c["count"]
    ).where(ranked.c.rank == 1)
    with engine.connect() as connection:
        frame = pd.read_sql(statement, connection)
    for column in ("due_on", "snoozed_until"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True).astype(
        "datetime64[ns, UTC]"
    )
    frame["count"] = frame["count"].astype(int)
    frame = frame.set_index("pair_id")
    steps = _open_next_steps(engine, recorded)
    frame["open_next_step"] = steps["next_step"].reindex(frame.index).astype(object)
    frame["open_due_on"] = steps["due_on"].reindex(frame.index)
    return frame


def _open_next_steps(engine: Engine, recorded) -> pd.DataFrame:
    """Each pair's open next step and its due date (pairs without one left out)."""
    marks = (FollowUp.action == RESOLVED) | (
        (FollowUp.action == LOGGED) & FollowUp.next_step.is_not(None)
    )
    ranked = (
        select(
            FollowUp.pair_id,
            FollowUp.action,
            FollowUp.next_step,
            FollowUp.due_on,
            func.row_number()
            .over(
                partition_by=FollowUp.pair_id,
                order_by=(FollowUp.created_at.desc(), FollowUp.id.desc()),
            )
            .label("rank"),
        )
        .where(recorded & marks)
        .subquery()
    )
    statement = select(ranked.c.pair_id, ranked.c.next_step, ranked.c.due_on).where(
        (ranked.c.rank == 1) & (ranked.c.action == LOGGED)
    )
    with engine.connect() as connection:
        frame = pd.read_sql(statement, connection)
    frame["due_on"] = pd.to_datetime(frame["due_on"]).astype("datetime64[ns]")
    return frame.set_index("pair_id")


def follow_up_count(engine: Engine) -> int:
    """Rows in the follow-up table (every action ever recorded)."""
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(FollowUp)).scalar_one())
