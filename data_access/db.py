"""The one engine per process, and the schema kept up to date by Alembic.

`DATABASE_URL` (any SQLAlchemy URL) chooses the store; without it PairPulse uses an embedded
SQLite file under `data/`. SQLite runs in WAL mode with foreign keys enforced; PostgreSQL is
reached through psycopg 3 (`postgresql+psycopg://…`), each pooled connection checked before use so
that the engine reconnects by itself when the server comes back, with JIT compilation off. On
both, a statement waits up to `PAIRPULSE_LOCK_TIMEOUT` seconds (default 30) for another writer's
lock, then fails as "busy". A URL with its own `options` sets PostgreSQL's instead of these.
"""

import logging
import os
from pathlib import Path
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from data_access.models import PROGRAM_TABLES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "pairpulse.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Seconds a statement waits for another connection's lock before it fails as busy.
LOCK_TIMEOUT_ENV = "PAIRPULSE_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT_S = 30.0


def database_url() -> str:
    """The store's URL: `DATABASE_URL`, else the embedded SQLite file under `data/`."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def normalise_url(url: str) -> str:
    """Route plain `postgresql://` URLs through psycopg 3, the driver PairPulse ships with."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


class StoreLocationError(Exception):
    """The SQLite store's path cannot hold a store (a missing folder that cannot be made, a
    folder, a file that is not SQLite): one plain sentence naming the path."""


#: The first bytes of every SQLite database file.
_SQLITE_HEADER = b"SQLite format 3\x00"


def _check_sqlite_path(path: Path) -> None:
    """Make the store's folder if it is missing; refuse a path that cannot be a SQLite store."""
    where = f"The store {path} (DATABASE_URL)"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreLocationError(
            f"{where} cannot be created: its folder {path.parent} cannot be made "
            f"({error.strerror}). Check the path."
        ) from error
    if path.is_dir():
        raise StoreLocationError(f"{where} is a folder, not a SQLite file. Check the path.")
    try:
        with path.open("rb") as handle:
            start = handle.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return  # a new store: SQLite creates the file
    except OSError as error:
        raise StoreLocationError(f"{where} cannot be read ({error.strerror}).") from error
    if start and start != _SQLITE_HEADER:
        raise StoreLocationError(
            f"{where} is not a SQLite database file. Check the path; PairPulse does not "
            "overwrite it."
        )


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _watch_replaced_file(engine: Engine, path: str) -> None:
    """Reopen the store when its file is replaced under a running process (a backup restored by
    copying it over the old one): every pooled connection remembers the file it opened, and one
    whose file is no longer the one at `path` is closed with every idle one, and a new one is
    opened, before it is used. Otherwise writes would go on landing in the old file."""

    @event.listens_for(engine, "connect")
    def remember_file(_dbapi_connection, record) -> None:
        record.info["file"] = _file_identity(path)

    @event.listens_for(engine, "checkout")
    def check_file(dbapi_connection, record, _proxy) -> None:
        opened = record.info.get("file")
        now = _file_identity(path)
        if opened is not None and now is not None and opened != now:
            _REPLACED[str(engine.url)] = _REPLACED.get(str(engine.url), 0) + 1
            # The write-ahead log beside the path holds changes to the old file: move them into
            # the old file and empty the log, or SQLite would apply them to the new one.
            try:
                dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except Exception as error:  # the old file's log stays: say so, then reopen anyway
                logging.getLogger(__name__).warning(
                    "The store file %s was replaced, and its old log could not be emptied: %s",
                    path,
                    error,
                )
            engine.pool.dispose()  # the idle connections to the old file
            raise DisconnectionError(f"the store file {path} was replaced; reopening it")


#: How many times each SQLite store's file was found replaced, by URL (`store_generation`).
_REPLACED: dict[str, int] = {}


def store_generation(engine: Engine) -> int:
    """How many times this process found `engine`'s SQLite file replaced and reopened it; a
    cache key part, so that nothing cached from the old file is shown as the new one's."""
    return _REPLACED.get(str(engine.url), 0)


def _enable_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Sorts, GROUP BYs, materialised CTEs and the upserts' temporary indexes in memory rather
    # than in temporary files, which speeds up imports (docs/architecture.md, "Benchmark log").
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def make_engine(url: str) -> Engine:
    """A new engine for `url`, configured for PairPulse (pragmas on SQLite, pre-ping on others,
    the lock timeout on both)."""
    url = normalise_url(url)
    parsed = make_url(url)
    lock_timeout = float(os.environ.get(LOCK_TIMEOUT_ENV) or DEFAULT_LOCK_TIMEOUT_S)
    if parsed.get_backend_name() == "sqlite":
        file_based = bool(parsed.database) and parsed.database != ":memory:"
        if file_based:
            _check_sqlite_path(Path(parsed.database))
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": lock_timeout}
        )
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        if file_based:
            _watch_replaced_file(engine, str(Path(parsed.database).resolve()))
        return engine
    connect_args = {}
    if parsed.get_backend_name() == "postgresql" and "options" not in parsed.query:
        # JIT compilation off: the app's queries run in tenths of a second, and PostgreSQL
        # spent about half of the pair-health aggregate's time compiling it at the enterprise
        # scale (its cost estimate crosses `jit_above_cost`; docs/architecture.md).
        connect_args["options"] = f"-c lock_timeout={round(lock_timeout * 1000)} -c jit=off"
    return create_engine(
        url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=connect_args
    )


_ENGINES: dict[str, Engine] = {}

StoreFailure = Literal["unreachable", "busy"]
#: SQLSTATEs of PostgreSQL errors that mean "locked by someone else", not "gone".
_PG_BUSY_STATES = {"55P03", "40P01", "40001"}  # lock not available, deadlock, serialization
_SQLITE_GONE = ("unable to open database file", "disk i/o error", "database disk image")


def store_failure(error: BaseException) -> StoreFailure | None:
    """What a database error says about the store: `"unreachable"` (the server or file cannot
    be reached, or the connection dropped), `"busy"` (locked by another writer), or None for
    any other error (a bug or bad data, which callers should not dress up as an outage)."""
    if isinstance(error, PoolTimeoutError):
        return "busy"  # every pooled connection is in use
    if not isinstance(error, DBAPIError):
        return None
    message = str(error.orig).lower()
    if "database is locked" in message or "database table is locked" in message:
        return "busy"
    state = getattr(error.orig, "sqlstate", None)
    if state in _PG_BUSY_STATES:
        return "busy"
    if error.connection_invalidated or isinstance(error, InterfaceError):
        return "unreachable"
    if not isinstance(error, OperationalError):
        return None
    if "sqlite" in type(error.orig).__module__:
        return "unreachable" if any(text in message for text in _SQLITE_GONE) else None
    # PostgreSQL: no SQLSTATE (connection refused, server closed the connection), connection
    # exceptions (08…) and shutdowns (57P01-57P03).
    if state is None or state.startswith("08") or state in {"57P01", "57P02", "57P03"}:
        return "unreachable"
    return None


def get_engine(url: str | None = None) -> Engine:
    """The process's engine for `url` (default: `database_url()` as it is now); one per URL."""
    url = url or database_url()
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


def forget_engines() -> None:
    """Dispose of every engine `get_engine` made (tests switch stores between runs)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade_store(engine: Engine, revision: str = "head") -> None:
    """Bring the store's schema up to `revision` (default: the newest) with Alembic."""
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), revision)


def head_revision() -> str:
    """The newest migration shipped with this code."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the store is at, or None for a store Alembic has never touched."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def table_counts(engine: Engine) -> dict[str, int]:
    """Row count of every import-format table, keyed by its file name (`cohorts`, `pairs`…),
    counted now (`data_access.revision.table_counts_as_written` gives them without counting)."""
    with engine.connect() as connection:
        return count_rows(connection)


def count_rows(connection: Connection) -> dict[str, int]:
    """`table_counts` in `connection`'s transaction."""
    return {
        name: connection.execute(select(func.count()).select_from(model)).scalar_one()
        for name, model in PROGRAM_TABLES.items()
    }


def store_is_empty(engine: Engine) -> bool:
    """True when the store holds no program data at all (no cohorts and no participants)."""
    counts = table_counts(engine)
    return counts["cohorts"] == 0 and counts["participants"] == 0


def refresh_statistics(engine: Engine) -> None:
    """After a bulk write (an import, the demo or sample program): on PostgreSQL, `VACUUM
    (ANALYZE)` the program's tables, as PostgreSQL advises after loading data. The planner then
    has row counts, and the meetings index answers the health aggregate's look-ups alone,
    without visiting the table, which makes them faster. Autovacuum would do this in its
    own time, where it is on. SQLite needs nothing. The data is already committed: a failure
    here (the server gone at that moment) is logged, not raised; a role that does not own the
    tables gets PostgreSQL's warning and skips them."""
    if engine.dialect.name != "postgresql":
        return
    tables = ", ".join(
        engine.dialect.identifier_preparer.quote_identifier(model.__tablename__)
        for model in PROGRAM_TABLES.values()
    )
    try:
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                f"VACUUM (ANALYZE) {tables}"
            )
    except DBAPIError as error:
        logging.getLogger(__name__).warning("VACUUM (ANALYZE) after a bulk write failed: %s", error)
