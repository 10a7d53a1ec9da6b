"""The outbox: every e-mail PairPulse makes, queued, then sent or failed; and who opted out.

`queue_messages` inserts only messages whose `dedupe_key` (rule, pair, recipient, period) is not
there yet, so running the reminders twice in a period queues nothing new. `unsent` is what the
next send attempt takes (never-sent messages, failed ones included, oldest first); `mark_sent`
and `mark_failed` record each attempt. A message is never deleted.
"""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select, update

from data_access import revision
from data_access.models import AuditLog, MailOptOut, OutboxMessage
from data_access.writes import upsert_rows

OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
#: Keys are queued this many at a time (a query's bound parameters stay well under limits).
_KEY_BATCH = 5_000


def opted_out(engine: Engine, participant_id: str) -> bool:
    """Whether the participant asked for no more e-mail."""
    with engine.connect() as connection:
        found = connection.execute(
            select(MailOptOut.participant_id).where(MailOptOut.participant_id == participant_id)
        ).first()
    return found is not None


def opted_out_ids(engine: Engine) -> set[str]:
    """Everyone who asked for no more e-mail."""
    with engine.connect() as connection:
        return set(connection.execute(select(MailOptOut.participant_id)).scalars())


def opt_out(engine: Engine, participant_id: str) -> None:
    """Record that the participant wants no more e-mail (an opt-out link was confirmed)."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        upsert_rows(
            connection, MailOptOut, [{"participant_id": participant_id, "opted_out_at": now}]
        )
        connection.execute(
            AuditLog.__table__.insert(),  # type: ignore[attr-defined]
            {"at": now, "actor": participant_id, "action": "mail_opt_out", "detail": None},
        )
        revision.bump(connection, revision.FOLLOW_UPS)


def queued_keys(engine: Engine, keys: Iterable[str]) -> set[str]:
    """Which of `keys` are in the outbox already."""
    keys = list(keys)
    found: set[str] = set()
    with engine.connect() as connection:
        for start in range(0, len(keys), _KEY_BATCH):
            batch = keys[start : start + _KEY_BATCH]
            found.update(
                connection.execute(
                    select(OUTBOX.c.dedupe_key).where(OUTBOX.c.dedupe_key.in_(batch))
                ).scalars()
            )
    return found


def queue_messages(engine: Engine, messages: Iterable[Mapping[str, Any]]) -> int:
    """Insert the messages not queued before (by `dedupe_key`); how many were new."""
    messages = list(messages)
    if not messages:
        return 0
    known = queued_keys(engine, (message["dedupe_key"] for message in messages))
    now = datetime.now(UTC)
    new, seen = [], set(known)
    for message in messages:
        if message["dedupe_key"] in seen:
            continue
        seen.add(message["dedupe_key"])
        new.append({**message, "created_at": now, "attempts": 0})
    if new:
        with engine.begin() as connection:
            for start in range(0, len(new), _KEY_BATCH):
                connection.execute(OUTBOX.insert(), new[start : start + _KEY_BATCH])
            revision.bump(connection, revision.FOLLOW_UPS)
    return len(new)


def unsent(engine: Engine) -> pd.DataFrame:
    """Messages not sent yet (failed ones included), oldest first."""
    with engine.connect() as connection:
        return pd.read_sql(
            select(OUTBOX).where(OUTBOX.c.sent_at.is_(None)).order_by(OUTBOX.c.id), connection
        )


def mark_sent(engine: Engine, message_id: int) -> None:
    """Record that the message went out."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == message_id, OUTBOX.c.sent_at.is_(None))
            .values(sent_at=now, error=None, attempts=OUTBOX.c.attempts + 1)
        )


def mark_failed(engine: Engine, message_id: int, error: str) -> None:
    """Record a failed attempt: the message stays queued, with the error, for the next run."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == message_id)
            .values(failed_at=now, error=error[:2000], attempts=OUTBOX.c.attempts + 1)
        )


def outbox_frame(engine: Engine, *, pair_id: str | None = None) -> pd.DataFrame:
    """The outbox (one pair's messages when `pair_id` is given), newest first."""
    statement = select(OUTBOX).order_by(OUTBOX.c.id.desc())
    if pair_id is not None:
        statement = statement.where(OUTBOX.c.pair_id == pair_id)
    with engine.connect() as connection:
        return pd.read_sql(statement, connection)


def nudged_pairs(engine: Engine) -> pd.DataFrame:
    """Pair nudges that were sent (rule, pair_id, created_on), one row per pair and rule and day."""
    with engine.connect() as connection:
        return pd.read_sql(
            select(OUTBOX.c.rule, OUTBOX.c.pair_id, OUTBOX.c.created_on)
            .where(OUTBOX.c.pair_id.is_not(None), OUTBOX.c.sent_at.is_not(None))
            .distinct(),
            connection,
        )


def meeting_days(engine: Engine, as_of) -> pd.DataFrame:
    """Every meeting's pair and day up to `as_of` (pair_id, held_on as timestamps)."""
    from data_access.models import Meeting

    with engine.connect() as connection:
        frame = pd.read_sql(
            select(Meeting.pair_id, Meeting.held_on).where(Meeting.held_on <= as_of), connection
        )
    frame["held_on"] = pd.to_datetime(frame["held_on"])
    return frame
