"""Revision counters: one per kind of data, raised by every write of that kind.

A write calls `bump(connection, domain)` inside its own transaction, so the counter moves exactly
when the data does (a rolled-back write leaves it as it was). Readers key their caches on
`revisions(engine)`: an app process then notices a change made by another process, or by the
command line, the next time it reads the counters — one small query.

Domains: `PROGRAM` — cohorts, participants, pairs, meetings, goals, survey responses and the
program settings (imports, the demo program, applied scenarios, settings); `FOLLOW_UPS` — the
follow-up log.

A program write also records the row count of each import-format table, in the same
transaction and after its own rows (`store_count`): `table_counts_as_written` gives them to the
Data screen without counting a million meetings, and counts afresh when the recorded ones are
not of the current revision (a store just upgraded, or a write by a version that did not keep
them).
"""

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from data_access.db import count_rows
from data_access.models import PROGRAM_TABLES, StoreCount, StoreRevision

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
    if domain == PROGRAM:
        _record_counts(connection)


def _record_counts(connection: Connection) -> None:
    """Record every import-format table's row count with the program revision just raised."""
    revision = connection.execute(
        select(StoreRevision.revision).where(StoreRevision.domain == PROGRAM)
    ).scalar_one()
    table = StoreCount.__table__  # type: ignore[attr-defined]
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(table)
    connection.execute(
        upsert.on_conflict_do_update(
            index_elements=["name"],
            set_={"rows": upsert.excluded.rows, "revision": upsert.excluded.revision},
        ),
        [
            {"name": name, "rows": rows, "revision": revision}
            for name, rows in count_rows(connection).items()
        ],
    )


def table_counts_as_written(engine: Engine) -> dict[str, int]:
    """`data_access.db.table_counts`, as the last program write recorded them: one small
    query. Counted afresh when no write of the current program revision recorded them."""
    with engine.connect() as connection, connection.begin():
        recorded = dict(
            connection.execute(
                select(StoreCount.name, StoreCount.rows)
                .join(StoreRevision, StoreRevision.revision == StoreCount.revision)
                .where(StoreRevision.domain == PROGRAM)
            ).all()
        )
        if set(recorded) == set(PROGRAM_TABLES):
            return {name: int(recorded[name]) for name in PROGRAM_TABLES}
        return count_rows(connection)


def revisions(engine: Engine) -> dict[str, int]:
    """Every domain's counter (0 for one never raised)."""
    with engine.connect() as connection:
        rows = connection.execute(select(StoreRevision.domain, StoreRevision.revision)).all()
    found = {domain: int(revision) for domain, revision in rows}
    return {domain: found.get(domain, 0) for domain in DOMAINS}
