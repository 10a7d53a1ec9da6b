"""What shows follow-ups, cached on `components.loaders.follow_up_key()`: the latest follow-up
of each pair and one pair's history. A follow-up written in this process clears just these
(`follow_ups_changed`); health, meetings and surveys stay cached."""

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components import loaders
from components.loaders.cache import store_engine
from data_access import follow_ups as follow_up_store
from data_access.pair_history import PairHistory
from data_access.pair_history import pair_history as read_pair_history


@st.cache_data(show_spinner=False, max_entries=8)
def _latest(url: str, as_of: date, _engine: Engine) -> pd.DataFrame:
    return follow_up_store.latest_follow_ups(_engine, as_of)


@st.cache_data(show_spinner=False, max_entries=32)
def _history(url: str, pair_id: str, as_of: date, _engine: Engine) -> PairHistory:
    return read_pair_history(_engine, pair_id=pair_id, as_of=as_of)


def latest_follow_ups(as_of: date) -> pd.DataFrame:
    """Each pair's latest follow-up on `as_of` (`data_access.follow_ups.latest_follow_ups`)."""
    return _latest(loaders.follow_up_key(), as_of, store_engine())


def pair_history(pair_id: str, as_of: date) -> PairHistory:
    """One pair's meetings, goals, survey answers and follow-ups up to `as_of`
    (`data_access.pair_history.pair_history`)."""
    return _history(loaders.follow_up_key(), pair_id, as_of, store_engine())


def follow_ups_changed() -> None:
    """After a follow-up is written in this process: read the revision counters afresh and
    forget the latest follow-ups and the pair histories (nothing else is stale)."""
    loaders.forget_revisions()
    _latest.clear()
    _history.clear()
