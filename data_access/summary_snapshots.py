"""The executive summary, kept in the store once worked out (`summary_snapshot`).

Working the summary out takes seconds on a large program (two dates, the anonymity rule over
months, the workforce comparison); reading it back takes milliseconds. So the first person to
open the Executive summary for an as-of date and set of cohorts works it out and keeps it here,
and everyone after — in any app process, after any restart — reads it, until a program write
raises the program revision (`data_access.revision`) or a new version of the code is
installed. `python -m app summarise` works out the day's summary ahead of the first visit (the
morning run, docs/deployment.md).

A kept summary carries the program revision read *before* its data was, so data newer than its
label can only make it stale early, never shown late. Keeping one is best effort: a store that
cannot be written (a read-only replica, a full disk) costs the next person the work, nothing
else. Rows of another revision or version are deleted when a new one is kept.
"""

import logging
from datetime import UTC, date, datetime

from sqlalchemy import Engine, delete, or_, select
from sqlalchemy.exc import SQLAlchemyError

from data_access.models import SummarySnapshot
from data_access.writes import upsert_statement

log = logging.getLogger(__name__)
_TABLE = SummarySnapshot.__table__  # type: ignore[attr-defined]
#: At most this many summaries of the current revision are kept (other cohort choices, dates).
MAX_KEPT = 64


def cohorts_key(cohort_ids: tuple[str, ...]) -> str:
    """The `cohorts` column of a set of cohorts: their ids, sorted, joined by commas."""
    return ",".join(sorted(cohort_ids))


def kept_summary(
    engine: Engine, as_of: date, cohort_ids: tuple[str, ...], program_revision: int, code: str
) -> str | None:
    """The summary kept for `as_of` and `cohort_ids` when it was worked out from
    `program_revision` by `code`; None otherwise (or when the store cannot be read)."""
    query = select(_TABLE.c.payload).where(
        _TABLE.c.as_of == as_of,
        _TABLE.c.cohorts == cohorts_key(cohort_ids),
        _TABLE.c.program_revision == program_revision,
        _TABLE.c.code == code,
    )
    try:
        with engine.connect() as connection:
            return connection.execute(query).scalar_one_or_none()
    except SQLAlchemyError as error:
        log.warning("could not read a kept executive summary: %s", error)
        return None


def keep_summary(
    engine: Engine,
    as_of: date,
    cohort_ids: tuple[str, ...],
    program_revision: int,
    code: str,
    payload: str,
) -> bool:
    """Keep `payload` as the summary of `as_of` and `cohort_ids` worked out from
    `program_revision` by `code`, replacing any kept before; delete the summaries of other
    revisions and versions, and the oldest beyond `MAX_KEPT`. True when it was kept."""
    row = {
        "as_of": as_of,
        "cohorts": cohorts_key(cohort_ids),
        "program_revision": program_revision,
        "code": code,
        "payload": payload,
        "computed_at": datetime.now(UTC),
    }
    try:
        with engine.begin() as connection:
            # Never replace a summary of a newer revision with one of an older.
            not_newer = _TABLE.c.program_revision <= program_revision
            connection.execute(upsert_statement(connection, _TABLE, where=not_newer), row)
            connection.execute(
                delete(_TABLE).where(
                    or_(_TABLE.c.program_revision < program_revision, _TABLE.c.code != code)
                )
            )
            newest_first = connection.execute(
                select(_TABLE.c.as_of, _TABLE.c.cohorts).order_by(_TABLE.c.computed_at.desc())
            ).all()
            for old_as_of, old_cohorts in newest_first[MAX_KEPT:]:
                connection.execute(
                    delete(_TABLE).where(
                        _TABLE.c.as_of == old_as_of, _TABLE.c.cohorts == old_cohorts
                    )
                )
        return True
    except SQLAlchemyError as error:
        log.warning("could not keep the executive summary: %s", error)
        return False


def forget_summaries(engine: Engine) -> int:
    """Delete every kept summary; the number deleted."""
    with engine.begin() as connection:
        return connection.execute(delete(_TABLE)).rowcount
