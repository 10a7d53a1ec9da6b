"""A store that is unreachable, goes away, or is locked: every screen says so with a Retry (no
traceback), recovers by itself when the store is back, and a failed write says it was not saved
and leaves nothing half-written."""

import socket
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from components.access import ROLES, SCREENS, screens_for
from components.follow_ups import TABLE_KEY
from components.loaders import clear_caches
from components.store_failures import BUSY_MESSAGE, NOT_SAVED, UNREACHABLE_MESSAGE
from data_access.app_users import grant_role
from data_access.db import LOCK_TIMEOUT_ENV, get_engine, make_engine, normalise_url
from sample_data.seed import seed_store
from tests.conftest import _empty_postgres_tables
from tests.data_access.test_write_failures import failing, snapshot
from tests.screens.conftest import DEMO_AS_OF, FIXTURE_PROGRAM
from tests.screens.test_follow_ups import _rows
from tests.screens.test_sign_in import _signed_in as signed_in

RETRY = "store_failure_retry"
#: Nothing listens on port 1: connecting is refused at once.
CLOSED_PORT_URL = "postgresql+psycopg://pairpulse@127.0.0.1:1/pairpulse"


def failure_shown(at: AppTest, message: str) -> bool:
    """The page shows `message` once, a Retry button, the database's words folded in an
    expander — and no exception element (a traceback)."""
    assert not at.exception
    errors = [error.value for error in at.error if message in error.value]
    assert len(errors) == 1, [error.value for error in at.error]
    assert at.button(key=RETRY).label == "Retry"
    details = next(expander for expander in at.expander if expander.label.startswith("Details"))
    assert details.text and "Traceback" not in details.text[0].value
    return True


def renders_normally(at: AppTest, screen) -> bool:
    assert not at.exception
    assert [title.value for title in at.title] == [screen.title]
    assert not any(
        message in error.value
        for error in at.error
        for message in (BUSY_MESSAGE, UNREACHABLE_MESSAGE)
    )
    assert not [button for button in at.button if button.key == RETRY]
    return True


# --- An unreachable PostgreSQL ----------------------------------------------------------------
@pytest.mark.parametrize("role", list(ROLES))
def test_an_unreachable_store_shows_the_message_and_retry_on_every_screen(app_on, role) -> None:
    for screen in screens_for(role):
        at = app_on(CLOSED_PORT_URL, role=role, page=screen.file, as_of=DEMO_AS_OF).run()
        assert failure_shown(at, UNREACHABLE_MESSAGE)
        assert "Connection refused" in at.expander[0].text[0].value
        assert not at.metric and not at.dataframe and not at.tabs  # nothing of the screen
        at = at.button(key=RETRY).click().run()  # still down: the same message, no traceback
        assert failure_shown(at, UNREACHABLE_MESSAGE)


class Relay:
    """A TCP relay in front of PostgreSQL that a test can cut (the server "goes away": open
    connections drop, new ones are refused) and restore on the same port."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self.connections: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        assert self.listener is not None
        with suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self.listener.close()
        for connection in self.connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self.connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # cut
                return
            server = socket.create_connection(self.target)
            self.connections += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@pytest.fixture
def demo_postgres(_postgres_database_url: str) -> str:
    """The session's PostgreSQL database holding the demo program (see `DEMO_AS_OF`)."""
    _empty_postgres_tables(_postgres_database_url)
    engine = make_engine(_postgres_database_url)
    seed_store(engine, scale="demo", anchor=DEMO_AS_OF)
    engine.dispose()
    return _postgres_database_url


@pytest.fixture
def relayed_postgres(demo_postgres: str) -> Iterator[tuple[str, Relay]]:
    """The demo program in PostgreSQL, reached through a `Relay`."""
    url = make_url(demo_postgres)
    relay = Relay(url.host or "127.0.0.1", url.port or 5432)
    yield url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False), relay
    relay.cut()


def test_postgres_going_away_and_coming_back_on_every_screen(app_on, relayed_postgres) -> None:
    url, relay = relayed_postgres
    at = app_on(url, role="program_manager", as_of=DEMO_AS_OF)
    for screen in SCREENS:
        at.switch_page(screen.file)
        assert renders_normally(at.run(), screen)
        relay.cut()  # the server goes away while the engine and its pooled connections exist
        clear_caches()  # a page whose figures are not cached yet must ask the store
        at.run()
        assert failure_shown(at, UNREACHABLE_MESSAGE)
        relay.restore()  # the server is back: Retry works, same process, no restart
        assert renders_normally(at.button(key=RETRY).click().run(), screen)


def test_the_role_look_up_of_a_signed_in_person_fails_politely(app_on, relayed_postgres) -> None:
    url, relay = relayed_postgres
    engine = make_engine(url)
    grant_role(engine, "pm@example.org", "program_manager", actor="test setup")
    engine.dispose()
    at = signed_in(app_on(url, as_of=DEMO_AS_OF), "pm@example.org")
    first = SCREENS[0]
    assert renders_normally(at.run(), first)
    relay.cut()
    clear_caches()
    at.run()
    assert failure_shown(at, UNREACHABLE_MESSAGE)
    # Who this is could not be checked: nothing of the program, no role or date pickers.
    assert not at.metric and not at.dataframe and not at.sidebar.selectbox
    assert not any("Signed in as" in caption.value for caption in at.sidebar.caption)
    relay.restore()
    assert renders_normally(at.button(key=RETRY).click().run(), first)


# --- A locked store ---------------------------------------------------------------------------
@pytest.fixture
def short_lock_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app waits 0.2 s for another writer's lock instead of its default 30 s."""
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "0.2")


def _path(url: str) -> str:
    database = make_url(url).database
    assert database
    return database


@contextmanager
def locked(url: str, *, readers_too: bool) -> Iterator[sqlite3.Connection]:
    """Another program holds the write lock of the SQLite file (`readers_too`: it opened the
    file in exclusive locking mode, so nobody else may even read) until the block ends."""
    other = sqlite3.connect(_path(url), isolation_level=None, timeout=1)
    if readers_too:
        other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield other
    finally:
        other.execute("ROLLBACK")
        other.close()


COHORT_HEALTH = next(screen for screen in SCREENS if screen.key == "cohort_health")
FOLLOW_UPS = next(screen for screen in SCREENS if screen.key == "follow_ups")


def test_a_store_locked_at_first_open_says_busy_then_recovers_on_retry(
    app_on, demo_url, short_lock_timeout
) -> None:
    at = app_on(demo_url, page=COHORT_HEALTH.file, as_of=DEMO_AS_OF)
    with locked(demo_url, readers_too=True):
        at.run()
        assert failure_shown(at, BUSY_MESSAGE)
        assert "database is locked" in at.expander[0].text[0].value
    assert renders_normally(at.button(key=RETRY).click().run(), COHORT_HEALTH)


@contextmanager
def follow_ups_locked(url: str) -> Iterator[None]:
    """Another session holds the write lock on follow-ups (SQLite: on the whole file) until the
    block ends; reading stays possible."""
    if make_url(url).get_backend_name() == "sqlite":
        with locked(url, readers_too=False):
            yield
        return
    other = make_engine(url)
    try:
        with other.begin() as connection:
            connection.exec_driver_sql("LOCK TABLE follow_up IN EXCLUSIVE MODE")
            yield
    finally:
        other.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_store(request: pytest.FixtureRequest) -> str:
    """A store of its own holding the demo program: SQLite, then PostgreSQL."""
    return request.getfixturevalue("demo_url" if request.param == "sqlite" else "demo_postgres")


def test_a_follow_up_logged_while_another_writer_holds_the_lock_is_not_saved(
    app_on, demo_store, short_lock_timeout
) -> None:
    demo_url = demo_store
    at = app_on(demo_url, role="coordinator", page=FOLLOW_UPS.file, as_of=DEMO_AS_OF).run()
    at.session_state[TABLE_KEY] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    before = _rows(demo_url)
    with follow_ups_locked(demo_url):
        at.text_area(key="follow_up_note").input("Called both")
        at.button(key="FormSubmitter:log_follow_up-Log follow-up").click().run()
        assert failure_shown(at, BUSY_MESSAGE)
        assert NOT_SAVED in at.error[0].value
    assert _rows(demo_url) == before
    assert renders_normally(at.button(key=RETRY).click().run(), FOLLOW_UPS)
    at.text_area(key="follow_up_note").input("Called both")  # saved once the lock is gone
    at.button(key="FormSubmitter:log_follow_up-Log follow-up").click().run()
    assert not at.exception
    assert _rows(demo_url) == before + 1


# --- Writes that fail part-way ----------------------------------------------------------------
DATA = next(screen for screen in SCREENS if screen.key == "data")


def _app_engine(url: str) -> Engine:
    """The engine the app (run in this process by AppTest) writes through."""
    return get_engine(normalise_url(url))


def _store_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_an_import_that_fails_part_way_says_so_and_writes_nothing(app_on, engine: Engine) -> None:
    url = _store_url(engine)
    at = app_on(url, page=DATA.file).run()
    at.file_uploader[0].set_value(
        [(path.name, path.read_bytes(), "text/csv") for path in FIXTURE_PROGRAM.glob("*.csv")]
    )
    at.run()
    before = snapshot(engine)
    confirm = next(button for button in at.button if button.label.startswith("Import "))
    with failing(_app_engine(url), r'INSERT INTO "?meeting"?\b') as ran:
        confirm.click().run()
    assert len(ran) > 3  # cohorts, participants and pairs had been sent
    assert not at.exception
    # The outage goes to the store guard: its message, that the change was not saved, Retry.
    assert any("Your change was not saved" in error.value for error in at.error)
    assert any(button.label == "Retry" for button in at.button)
    assert snapshot(engine) == before
    at = at.run()  # Retry: the page is back, the files still chosen
    next(button for button in at.button if button.label.startswith("Import ")).click().run()
    assert any("Imported" in message.value for message in at.success)


def test_settings_that_fail_part_way_say_they_were_not_saved(app_on, engine: Engine) -> None:
    url = _store_url(engine)
    at = app_on(url, page=DATA.file).run()
    next(field for field in at.number_input if field.label == "Watch from (score)").set_value(30)
    before = snapshot(engine)
    with failing(_app_engine(url), r'INSERT INTO "?audit_log"?'):
        next(button for button in at.button if button.label == "Save settings").click().run()
    assert failure_shown(at, UNREACHABLE_MESSAGE)
    assert NOT_SAVED in at.error[0].value
    assert snapshot(engine) == before
    assert renders_normally(at.button(key=RETRY).click().run(), DATA)


# --- A note typed before an outage (docs/screens.md, Follow-ups) ------------------------------
LOG = "FormSubmitter:log_follow_up-Log follow-up"
NOTE = "Called both; the mentee changed teams, meeting moved to Friday"


def _type_a_note(at: AppTest) -> AppTest:
    at.run()
    at.session_state[TABLE_KEY] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    at.text_area(key="follow_up_note").input(NOTE)
    at.text_input(key="follow_up_next_step").input("Check on Friday")
    return at


def _the_note_survives(at: AppTest, url: str, before: int) -> None:
    assert renders_normally(at, FOLLOW_UPS)
    assert at.text_area(key="follow_up_note").value == NOTE  # still typed, nothing lost
    assert at.text_input(key="follow_up_next_step").value == "Check on Friday"
    assert _rows(url) == before
    at.button(key=LOG).click().run()
    assert not at.exception and _rows(url) == before + 1
    assert at.text_area(key="follow_up_note").value == ""


def test_a_note_typed_before_postgres_went_away_is_kept_through_retry(
    app_on, relayed_postgres
) -> None:
    url, relay = relayed_postgres
    at = _type_a_note(app_on(url, role="coordinator", page=FOLLOW_UPS.file, as_of=DEMO_AS_OF))
    before = _rows(url)
    relay.cut()
    clear_caches()  # the page must ask the store before it reaches the form
    at.button(key=LOG).click().run()
    assert failure_shown(at, UNREACHABLE_MESSAGE)
    assert failure_shown(at.button(key=RETRY).click().run(), UNREACHABLE_MESSAGE)  # still gone
    relay.restore()
    at.button(key=RETRY).click().run()
    _the_note_survives(at, url, before)
