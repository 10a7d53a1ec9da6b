"""Shared fixtures: a migrated store on SQLite and on PostgreSQL, and clean Streamlit caches.

Every test that takes `engine` (or `store_url`) runs twice: on a fresh SQLite file and on a real
PostgreSQL database. The PostgreSQL run needs `PAIRPULSE_TEST_POSTGRES_URL` (`.ci/run` sets it);
without it those runs are skipped with that reason, and with it set but the server unreachable
they fail rather than skip.
"""

import email
import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from components.loaders import clear_caches
from data_access.db import forget_engines, make_engine, normalise_url, upgrade_store

POSTGRES_ENV = "PAIRPULSE_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    """AppTest shares st.cache_data / st.cache_resource across tests: start each test clean."""
    clear_caches(engines=True)
    yield
    clear_caches(engines=True)


# --- Stores --------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite store, built once and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_store(engine)
    engine.dispose()
    return path


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server `PAIRPULSE_TEST_POSTGRES_URL` names (the
    test is skipped when it is unset, failed when the server is unreachable), dropped on leaving:
    its URL."""
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"PostgreSQL run skipped: set {POSTGRES_ENV} (e.g. by .ci/run)")
    admin_url = normalise_url(admin_url)
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # the server is configured but not there: that is a failure
        pytest.fail(f"{POSTGRES_ENV} is set but PostgreSQL is unreachable: {error}")
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _postgres_database_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session, dropped at the end."""
    with fresh_postgres_database("pairpulse_test") as url:
        engine = make_engine(url)
        upgrade_store(engine)
        engine.dispose()
        yield url


def _empty_postgres_tables(url: str) -> None:
    engine = make_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated store: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "pairpulse.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("_postgres_database_url")
    _empty_postgres_tables(url)
    return url


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """An engine on an empty, migrated store (SQLite and PostgreSQL, see `store_url`)."""
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path, _sqlite_template: Path) -> str:
    """An empty, migrated SQLite store, for tests about the embedded default only."""
    path = tmp_path / "pairpulse.db"
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def cli_store(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`DATABASE_URL` set to the test store, for code that opens the default store itself (the
    CLI run in-process); the process's engines are disposed of afterwards."""
    monkeypatch.setenv("DATABASE_URL", store_url)
    yield store_url
    forget_engines()


#: The public address the `inbox` fixture sets for the links in e-mails.
SMTP_TEST_PUBLIC_URL = "https://pairpulse.example.org"


class Inbox:
    """An SMTP handler that keeps every message, or refuses them all with `refuse`."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse: str | None = None

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
        if self.refuse:
            return self.refuse
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    handler = Inbox()
    with socket.socket() as probe:  # a free port (the controller's own ready check needs one)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("PAIRPULSE_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("PAIRPULSE_MAIL_FROM", "PairPulse <pairpulse@example.org>")
        monkeypatch.setenv("PAIRPULSE_PUBLIC_URL", SMTP_TEST_PUBLIC_URL)
        yield handler
    finally:
        controller.stop()
