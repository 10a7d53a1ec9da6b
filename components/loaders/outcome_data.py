"""Participants' outcomes against comparable colleagues (`app.outcomes`), once per store,
as-of date, set of cohorts and breakdown."""

from datetime import date

import streamlit as st

from app.outcomes import OutcomeComparison, compare_outcomes_by
from app.summary.from_store import store_outcomes, store_workforce
from components import loaders
from components.loaders.cache import store_engine


@st.cache_data(show_spinner="Comparing participants with their colleagues…", max_entries=16)
def _outcomes(
    key: str, as_of: date, cohort_ids: tuple[str, ...], minimum: int
) -> list[OutcomeComparison]:
    return store_outcomes(store_engine(), as_of, cohort_ids, minimum)


def outcomes(as_of: date, cohort_ids: tuple[str, ...] = ()) -> list[OutcomeComparison]:
    """Mentors' and mentees' retention and promotion against comparable colleagues; empty when
    the store holds no workforce."""
    minimum = loaders.program_settings().min_respondents
    return _outcomes(loaders.store_key(), as_of, tuple(sorted(cohort_ids)), minimum)


@st.cache_data(show_spinner="Comparing participants with their colleagues…", max_entries=16)
def _breakdowns(
    key: str, as_of: date, columns: tuple[str, ...], minimum: int
) -> dict[str, dict[str, list[OutcomeComparison]]]:
    workforce = store_workforce(store_engine(), as_of)
    if workforce is None:
        return {column: {} for column in columns}
    return compare_outcomes_by(*workforce, as_of=as_of, minimum=minimum, columns=columns)


def outcomes_by(
    as_of: date, columns: tuple[str, ...] = ("cohort_id", "department")
) -> dict[str, dict[str, list[OutcomeComparison]]]:
    """`outcomes` per value of each of `columns` (`cohort_id`, `department`), by column."""
    minimum = loaders.program_settings().min_respondents
    return _breakdowns(loaders.store_key(), as_of, columns, minimum)
