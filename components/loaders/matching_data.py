"""The What-if pairing screen's read: the people to pair, cached until the next write."""

import streamlit as st
from sqlalchemy import Engine

from components import loaders
from components.loaders.cache import store_engine
from data_access.scenarios import MatchingFrames, matching_frames


@st.cache_data(show_spinner="Reading the people to pair…", max_entries=2)
def _frames(url: str, _engine: Engine) -> MatchingFrames:
    return matching_frames(_engine)


def people_to_pair() -> MatchingFrames:
    """Cohorts, participants (names and skills) and pairs of the store, cached until the next
    write (`components.loaders.clear_caches`)."""
    return _frames(loaders.store_key(), store_engine())
