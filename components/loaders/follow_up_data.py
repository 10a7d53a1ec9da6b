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


@st.cache_data(show_spinner="Working out the reminders due…", max_entries=4)
def _due(url: str, as_of: date, _engine: Engine) -> pd.DataFrame:
    from app.send_reminders import compute_due, not_queued

    return not_queued(_engine, compute_due(_engine, as_of))


@st.cache_data(show_spinner=False, max_entries=4)
def _waiting(url: str, _engine: Engine) -> pd.DataFrame:
    from data_access.outbox import unsent

    return unsent(_engine)


@st.cache_data(show_spinner="Comparing nudged and not nudged pairs…", max_entries=4)
def _nudge_effect(url: str, as_of: date, stall_factor: float, _engine: Engine) -> dict:
    from app.reminders import not_nudged, nudge_effect, stall_episodes
    from data_access.health_inputs import load_pairs_and_cohorts
    from data_access.outbox import meeting_days, nudged_pairs

    nudges = nudged_pairs(_engine)
    if nudges.empty:  # nothing sent yet: no meeting needs reading
        return {"nudged": 0, "nudged_share": None, "not_nudged": 0, "not_nudged_share": None}
    pairs, cohorts = load_pairs_and_cohorts(_engine, as_of=as_of)
    meetings = meeting_days(_engine, as_of)
    episodes = stall_episodes(pairs, meetings, cohorts, as_of=as_of, stall_factor=stall_factor)
    return nudge_effect(nudges, meetings, not_nudged(episodes, nudges), as_of=as_of)


def due_messages(as_of: date) -> pd.DataFrame:
    """The messages the next reminders run would newly queue on `as_of` (`app.reminders`)."""
    return _due(loaders.follow_up_key(), as_of, store_engine())


def waiting_messages() -> pd.DataFrame:
    """Messages queued but not sent yet (no mail server, or a failed attempt)."""
    return _waiting(loaders.follow_up_key(), store_engine())


def nudge_effect(as_of: date, stall_factor: float) -> dict:
    """ "Did the nudge work?" (`app.reminders.nudge_effect`) on `as_of`."""
    return _nudge_effect(loaders.follow_up_key(), as_of, stall_factor, store_engine())


def outbox_changed() -> None:
    """After a reminders run in this process: forget what was due and what waits."""
    loaders.forget_revisions()
    _due.clear()
    _waiting.clear()
    _nudge_effect.clear()
    _history.clear()
