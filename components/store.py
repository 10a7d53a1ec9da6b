"""The store as the Streamlit pages meet it: one engine per process, ready before any page runs."""

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from app.store import fill_empty_store_with_demo, open_store
from data_access.db import database_url, normalise_url


@st.cache_resource(show_spinner="Opening the store…")
def _ready_engine(url: str) -> Engine:
    engine = open_store(url)
    fill_empty_store_with_demo(engine)
    return engine


def store_engine() -> Engine:
    """The migrated store (filled with the demo program on first start).

    When the store cannot be reached the page shows what happened and a retry button, then stops:
    nothing else on the page runs against a store that is not there.
    """
    try:
        return _ready_engine(normalise_url(database_url()))
    except OperationalError as error:
        st.error(
            "PairPulse cannot reach its store right now. Check `DATABASE_URL` and that the "
            f"database is running, then retry.\n\nDetails: {error.orig}",
            icon=":material/cloud_off:",
        )
        if st.button("Retry", icon=":material/refresh:"):
            st.rerun()
        st.stop()
        raise  # st.stop() ends the script run; this line only satisfies type checkers


def store_data_changed() -> None:
    """Call after any write to the program data: every cached query result is stale."""
    st.cache_data.clear()
