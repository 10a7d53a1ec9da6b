"""Revision counters: one per kind of data, raised by every write of that kind.

A write calls `bump(connection, domain)` inside its own transaction, so the counter moves exactly
when the data does (a rolled-back write leaves it as it was). Readers key their caches on
`revisions(engine)`: an app process then notices a change made by another process, or by the
command line, the next time it reads the counters — one small query.

Domains: `PROGRAM` — cohorts, participants, pairs, meetings, goals, survey responses and the
program settings (imports, the demo program, applied scenarios, settings); `FOLLOW_UPS` — the
follow-up log.
"""

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from data_access.models import StoreRevision

PROGRAM = "program"
FOLLOW_UPS = "follow_ups"
DOMAINS = (PROGRAM, FOLLOW_UPS)


def bump(connection: Connection, domain: str) -> None:
    """Raise `domain`'s counter by one, in the caller's transaction."""
    if domain not in DOMAINS:
        raise ValueError(f"unknown revision domain {domain!r}")
    table = StoreRevision.__table__  # type: ignore[attr-defined]
    raised = connection.execute(
        update(table).where(table.c.domain == domain).values(revision=table.c.revision + 1)
    )
    if raised.rowcount == 0:  # a store whose counters were never written: start this one
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(
            dialect.insert(table)
            .values(domain=domain, revision=1)
            .on_conflict_do_update(
                index_elements=["domain"], set_={"revision": table.c.revision + 1}
            )
        )


def revisions(engine: Engine) -> dict[str, int]:
    """Every domain's counter (0 for one never raised)."""
    with engine.connect() as connection:
        rows = connection.execute(select(StoreRevision.domain, StoreRevision.revision)).all()
    found = {domain: int(revision) for domain, revision in rows}
    return {domain: found.get(domain, 0) for domain in DOMAINS}
