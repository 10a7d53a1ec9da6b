"""The one path by which program rows reach the store: batched upserts keyed by primary key.

The importer, the demo-data generator and an applied what-if scenario all write through
`upsert_rows`, so re-importing the same ids updates rows instead of duplicating them, on SQLite
and PostgreSQL alike. `update_rows` changes some columns of rows already there (the pairs an
applied scenario ends).
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel

DEFAULT_CHUNK_ROWS = 20_000


def upsert_statement(connection: Connection, table: Table, *, where: Any = None):
    """INSERT … ON CONFLICT (primary key) DO UPDATE for the connection's dialect; with `where`,
    an existing row is updated only when it holds."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        statement = sqlite.insert(table)
    elif dialect == "postgresql":
        statement = postgresql.insert(table)
    else:
        raise ValueError(f"PairPulse supports SQLite and PostgreSQL stores, not {dialect}")
    keys = [column.name for column in table.primary_key.columns]
    updates = {
        column.name: statement.excluded[column.name]
        for column in table.columns
        if column.name not in keys
    }
    return statement.on_conflict_do_update(index_elements=keys, set_=updates, where=where)


def upsert_rows(
    connection: Connection,
    model: type[SQLModel],
    rows: Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]],
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    on_chunk: Callable[[int], None] | None = None,
    columns: Sequence[str] | None = None,
) -> int:
    """Insert `rows` into `model`'s table, updating rows whose primary key already exists.

    Every row must carry every column of the table: a mapping by column name, or, with
    `columns`, a tuple of values in that order (the importer's, a third of a dict's memory).
    Runs inside the caller's transaction (the caller commits or rolls back); `on_chunk(n)` is
    called after each batch of `n` rows is sent, so a caller can show progress. Returns the
    number of rows written.
    """
    table: Table = model.__table__  # type: ignore[attr-defined]
    statement = upsert_statement(connection, table)
    send = _sender(connection, table, statement, columns)
    for start in range(0, len(rows), chunk_rows):
        chunk = rows[start : start + chunk_rows]
        send(chunk)
        if on_chunk is not None:
            on_chunk(len(chunk))
    return len(rows)


def _sender(
    connection: Connection, table: Table, statement: Any, columns: Sequence[str] | None
) -> Callable[[Sequence[Any]], None]:
    """How one chunk of rows is sent. Mappings go through SQLAlchemy. Tuples on SQLite go to
    the driver's `executemany` as they are, each column through its type's bind processor (what
    SQLAlchemy would do per row, done per column here): building SQLAlchemy's parameters for a
    million rows cost more than SQLite's own writing. Tuples elsewhere become mappings."""
    if columns is None:
        return lambda chunk: connection.execute(statement, list(chunk))
    if connection.dialect.name != "sqlite":
        names = list(columns)
        return lambda chunk: connection.execute(
            statement, [dict(zip(names, row, strict=True)) for row in chunk]
        )
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, column_keys=[c.name for c in table.columns])
    order = [list(columns).index(name) for name in compiled.positiontup]
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        for name in compiled.positiontup
    ]
    sql = str(compiled)

    def send(chunk: Sequence[Any]) -> None:
        by_column = list(zip(*chunk, strict=True))
        values = [
            list(map(process, by_column[index])) if process else by_column[index]
            for index, process in zip(order, processors, strict=True)
        ]
        connection.exec_driver_sql(sql, list(zip(*values, strict=True)))

    return send


def update_rows(
    connection: Connection,
    model: type[SQLModel],
    keys: Collection[Any],
    values: Mapping[str, Any],
) -> int:
    """Set `values` (column → value) on the rows of `model` whose primary key (one column) is
    in `keys`, in one UPDATE inside the caller's transaction. Returns the number of rows
    changed; nothing is sent when `keys` is empty."""
    if not keys:
        return 0
    table: Table = model.__table__  # type: ignore[attr-defined]
    (key,) = table.primary_key.columns
    result = connection.execute(table.update().where(key.in_(keys)).values(**values))
    return result.rowcount
