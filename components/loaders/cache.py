"""The one place Streamlit caches are made and cleared: the store's engine (one per process,
ready before any page runs), the shared frames, and `clear_caches`.

Every other cached read of `components.loaders` is an `st.cache_data` function keyed on
`components.loaders.store_key()` (or `follow_up_key()`); `clear_caches` forgets them all.
"""

from collections.abc import Callable
from typing import ParamSpec, TypeVar

import streamlit as st
from sqlalchemy import Engine

from app.startup import fill_empty_store_with_demo, open_store
from components.store_failures import store_guard
from data_access.db import StoreLocationError, database_url, normalise_url

P = ParamSpec("P")
R = TypeVar("R")


@st.cache_resource(show_spinner="Opening the store…")
def _ready_engine(url: str) -> Engine:
    engine = open_store(url)
    fill_empty_store_with_demo(engine)
    return engine


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
    on `store_key` (so a write anywhere makes them stale) and cleared by `clear_caches`.
    What they return is read, never changed in place: `tests/screens/test_shared_frames.py`
    renders every page and compares the shared frames with a fresh read."""

    def wrap(function: Callable[P, R]) -> Callable[P, R]:
        cached = st.cache_resource(**options)(function)
        _SHARED.append(cached)
        return cached

    return wrap


def clear_caches(*, engines: bool = False) -> None:
    """Forget every cached result: call after any write to the program data (an import, the
    demo program, the settings, an applied scenario). With `engines`, forget every cached
    resource too — the store's engine among them — so that the next run starts cold (the
    tests between two tests, the page timings between two runs)."""
    st.cache_data.clear()
    if engines:
        st.cache_resource.clear()  # the shared frames with the rest
        return
    for cached in _SHARED:
        cached.clear()
