"""The stores the benchmarks time: seeded once, outside the timed figures, and reused."""

import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.bench.targets import BENCH_FOLDER, DEFAULT_POSTGRES_URL, PAGE_ANCHOR, POSTGRES_URL_ENV
from data_access.db import make_engine, normalise_url, store_is_empty, table_counts, upgrade_store
from sample_data.seed import seed_store


def _fresh_engine(folder: Path, name: str):
    path = folder / f"{name}.db"
    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    upgrade_store(engine)
    return engine


def sqlite_page_store(scale: str, folder: Path = BENCH_FOLDER) -> str:
    """The URL of the SQLite store `folder/pages-SCALE.db` holding the `scale` program anchored on
    `PAGE_ANCHOR`, seeded the first time and reused after."""
    path = folder / f"pages-{scale}.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_store(engine)
    if store_is_empty(engine):
        print(f"Seeding {scale} into {path} (once; reused by later runs)…", flush=True)
        seed_store(engine, scale=scale, anchor=PAGE_ANCHOR)
    engine.dispose()
    return f"sqlite:///{path}"


def default_postgres_url() -> str:
    """`PAIRPULSE_BENCH_POSTGRES_URL`, else a local server's `pairpulse_bench` database."""
    return os.environ.get(POSTGRES_URL_ENV) or DEFAULT_POSTGRES_URL


def hide_password(url: str) -> str:
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def postgres_page_store(url: str, scale: str, same_as: str) -> str:
    """`url` holding the same `scale` program as the store at `same_as`: the database is created
    when missing (through the server's `postgres` database) and seeded when it is empty or holds
    other row counts; reused otherwise. Raises when the server cannot be reached."""
    url = normalise_url(url)
    parsed = make_url(url)
    admin = create_engine(
        parsed.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 5},
    )
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            ).first()
            if not exists:
                print(f"Creating the database {parsed.database}…", flush=True)
                # A name cannot be a bound parameter: the dialect quotes it as an identifier.
                name = connection.dialect.identifier_preparer.quote_identifier(parsed.database)
                connection.execute(text(f"CREATE DATABASE {name}"))
    finally:
        admin.dispose()
    reference = make_engine(same_as)
    expected = table_counts(reference)
    reference.dispose()
    engine = make_engine(url)
    try:
        upgrade_store(engine)
        if table_counts(engine) != expected:
            print(f"Seeding {scale} into {hide_password(url)} (once; reused later)…", flush=True)
            seed_store(engine, scale=scale, anchor=PAGE_ANCHOR, replace=not store_is_empty(engine))
    finally:
        engine.dispose()
    return url


def _reason(error: BaseException) -> str:
    """The first line of what went wrong, without SQLAlchemy's wrapping."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return (lines[0] if lines else type(cause).__name__)[:160]
