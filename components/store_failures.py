"""One way of saying, on a page, that the store is not there or busy, or refused a write (see
docs/architecture.md, Failures). The engine itself is `components.loaders.store_engine`."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import streamlit as st
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from data_access.db import StoreFailure, store_failure

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
