"""Participants' outcomes against comparable colleagues (`app.outcomes`), once per store,
as-of date, set of cohorts and breakdown."""

from datetime import date

import streamlit as st

from app.outcomes import OutcomeComparison, compare_outcomes, participant_starts
from components import loaders
from components.loaders.cache import store_engine
from data_access.workforce import outcome_inputs


@st.cache_data(show_spinner="Comparing participants with their colleagues…", max_entries=16)
def _outcomes(
    key: str, as_of: date, cohort_ids: tuple[str, ...], by: str | None, minimum: int
) -> list[OutcomeComparison] | dict[str, list[OutcomeComparison]]:
    inputs = outcome_inputs(store_engine(), as_of)
    if inputs["employees"].empty:  # no workforce imported: nothing to compare with
        return [] if by is None else {}
    starts = participant_starts(inputs["participants"], inputs["pairs"])
    return compare_outcomes(
        inputs["employees"],
        inputs["promotions"],
        starts,
        as_of=as_of,
        minimum=minimum,
        by=by,
        cohort_ids=cohort_ids,
    )


def outcomes(as_of: date, cohort_ids: tuple[str, ...] = ()) -> list[OutcomeComparison]:
    """Mentors' and mentees' retention and promotion against comparable colleagues; empty when
    the store holds no workforce."""
    minimum = loaders.program_settings().min_respondents
    result = _outcomes(loaders.store_key(), as_of, tuple(sorted(cohort_ids)), None, minimum)
    assert isinstance(result, list)
    return result


def outcomes_by(as_of: date, by: str) -> dict[str, list[OutcomeComparison]]:
    """`outcomes` per value of `by` (`cohort_id` or `department`)."""
    minimum = loaders.program_settings().min_respondents
    result = _outcomes(loaders.store_key(), as_of, (), by, minimum)
    assert isinstance(result, dict)
    return result
