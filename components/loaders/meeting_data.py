"""The Meetings screen's reads: its SQL aggregates (`data_access.activity`), cached per store,
as-of date and cohorts. Charts get these aggregated counts, never meeting rows."""

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from app.activity import RECENT_MEETING_DAYS
from components import loaders
from components.loaders.cache import store_engine
from data_access import activity

LONGEST_GAPS_SHOWN = 15


@dataclass(frozen=True)
class MeetingActivity:
    """The meeting aggregates of one as-of date and set of cohorts (see data_access.activity)."""

    per_month: pd.DataFrame
    formats: pd.DataFrame
    per_week: pd.DataFrame
    longest_gaps: pd.DataFrame
    recent_meetings: int


@st.cache_data(show_spinner="Counting meetings…", max_entries=16)
def _meeting_activity(
    url: str, as_of: date, cohort_ids: tuple[str, ...], _engine: Engine
) -> MeetingActivity:
    scope = {"as_of": as_of, "cohort_ids": cohort_ids}
    counts = activity.meeting_counts(_engine, **scope)  # one pass for months and formats
    return MeetingActivity(
        per_month=activity.months_of(counts),
        formats=activity.formats_of(counts),
        per_week=activity.meetings_per_week(_engine, **scope),
        longest_gaps=activity.longest_gaps(_engine, **scope, limit=LONGEST_GAPS_SHOWN),
        recent_meetings=activity.meetings_held(
            _engine, since=as_of - timedelta(days=RECENT_MEETING_DAYS - 1), **scope
        ),
    )


def meeting_activity(as_of: date, cohort_ids: tuple[str, ...]) -> MeetingActivity:
    """The meeting aggregates on `as_of` for `cohort_ids` (every cohort when empty)."""
    return _meeting_activity(loaders.store_key(), as_of, tuple(sorted(cohort_ids)), store_engine())
