"""The store as the Streamlit pages meet it: one engine per process, ready before any page runs,
and one way of saying that the store is not there or busy (see docs/architecture.md, Failures)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn, ParamSpec, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.store import fill_empty_store_with_demo, open_store
from data_access.db import (
    StoreFailure,
    StoreLocationError,
    database_url,
    normalise_url,
    store_failure,
)

UNREACHABLE_MESSAGE = "PairPulse cannot reach its store right now."
BUSY_MESSAGE = "The store is busy (locked by another writer)."
_ADVICE: dict[StoreFailure, tuple[str, str, str]] = {
    "unreachable": (
        UNREACHABLE_MESSAGE,
        "Check `DATABASE_URL` and that the database is running, then retry.",
        ":material/cloud_off:",
    ),
    "busy": (
        BUSY_MESSAGE,
        "Another program is writing to it; wait a moment, then retry.",
        ":material/hourglass_top:",
    ),
}
NOT_SAVED = (
    "Your change was not saved: nothing of it reached the store. Save it again once the page "
    "is back."
)
MAYBE_NOT_SAVED = (
    "If you were saving a change, it was not saved: a change reaches the store whole or not at "
    "all. Save it again once the page is back."
)
_WRITES = ("insert", "update", "delete")
P = ParamSpec("P")
R = TypeVar("R")


@st.cache_resource(show_spinner="Opening the store…")
def _ready_engine(url: str) -> Engine:
    engine = open_store(url)
    fill_empty_store_with_demo(engine)
    return engine


def show_store_failure(
    kind: StoreFailure, error: BaseException, *, during_page: bool = True
) -> NoReturn:
    """Say that the store is unreachable or busy, the database's own words folded away, offer a
    Retry, and end the run: nothing else on the page runs against a store that is not there.

    A failed INSERT/UPDATE/DELETE is said to be not saved (every write is one transaction, so
    nothing of it remains); other failures `during_page` may have come before a write began.
    """
    headline, advice, icon = _ADVICE[kind]
    statement = (getattr(error, "statement", None) or "").lstrip().lower()
    if statement.startswith(_WRITES):
        advice += f"\n\n{NOT_SAVED}"
    elif during_page:
        advice += f"\n\n{MAYBE_NOT_SAVED}"
    st.error(f"**{headline}** {advice}", icon=icon)
    with st.expander("Details from the database"):
        detail = error.orig if isinstance(error, DBAPIError) else error
        st.text(f"{type(detail).__name__}: {detail}".strip())
    if st.button("Retry", key="store_failure_retry", icon=":material/refresh:", type="primary"):
        st.rerun()
    st.stop()
    raise AssertionError("unreachable: st.stop() ends the run")  # for type checkers


@contextmanager
def store_guard(*, during_page: bool = True) -> Iterator[None]:
    """Run a block (the router runs the whole page in it); a store that is unreachable or busy
    ends the run with `show_store_failure` instead of a traceback. Other errors, and Streamlit's
    own rerun/stop signals (not database errors), pass through untouched."""
    try:
        yield
    except SQLAlchemyError as error:
        kind = store_failure(error)
        if kind is None:
            raise
        show_store_failure(kind, error, during_page=during_page)


def refusal_message(error: SQLAlchemyError) -> str:
    """What the database said when it refused a write for a reason other than an outage: its
    first line, without the SQL statement and parameters SQLAlchemy appends. A store that is
    unreachable or busy is re-raised for `store_guard` to report with a Retry."""
    if store_failure(error) is not None:
        raise error
    said = str(getattr(error, "orig", None) or error).strip().splitlines()
    return said[0] if said else type(error).__name__


def store_engine() -> Engine:
    """The migrated store (filled with the demo program on first start).

    When the store cannot be reached or is locked, the page says so with a retry button, then
    stops. A failed open is not cached: the next run (Retry) tries again.
    """
    with store_guard(during_page=False):
        try:
            return _ready_engine(normalise_url(database_url()))
        except StoreLocationError as error:
            st.error(f"**PairPulse cannot open its store.** {error}", icon=":material/error:")
            st.stop()
    raise AssertionError("unreachable: the guard stops the run")  # for type checkers


#: The functions `shared_frames` cached, cleared with every other cached result on a write.
_SHARED: list = []


def shared_frames(**options: object) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """`st.cache_resource` (with `options`) for the large frames of program data the pages read
    (the program, health, the pair directory): one copy shared by the sessions of the process,
    where `st.cache_data` pickles a copy on every store and unpickles one on every read — a
    second of a cold executive summary at the `enterprise` scale. Keyed like the other loaders
    on `store_key` (so a write anywhere makes them stale) and cleared by `store_data_changed`.
    What they return is read, never changed in place: `tests/screens/test_shared_frames.py`
    renders every page and compares the shared frames with a fresh read."""

    def wrap(function: Callable[P, R]) -> Callable[P, R]:
        cached = st.cache_resource(**options)(function)
        _SHARED.append(cached)
        return cached

    return wrap


def store_data_changed() -> None:
    """Call after any write to the program data: every cached query result is stale."""
    st.cache_data.clear()
    for cached in _SHARED:
        cached.clear()
