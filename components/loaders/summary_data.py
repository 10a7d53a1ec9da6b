"""The executive summary's figures, built once per store revision, as-of date and set of cohorts:
kept in the store (`data_access.summary_snapshots`) for every app process and restart, and in
this process's cache."""

import logging
from datetime import date
from functools import partial

import streamlit as st

from app.summary import ExecutiveSummary
from app.summary.from_store import summary_of_store
from app.summary.stored import CODE_VERSION, summary_from_json, summary_json
from components import loaders
from components.loaders.cache import store_engine
from data_access.summary_snapshots import keep_summary, kept_summary

log = logging.getLogger(__name__)


def worked_out(as_of: date, cohort_ids: tuple[str, ...]) -> ExecutiveSummary:
    """The summary worked out from the program (seconds on a large one), not kept: from the
    program frames the other screens share."""
    # Imported here: outcome_data imports this package's loaders.
    from components.loaders.outcome_data import outcomes

    return summary_of_store(
        store_engine(),
        as_of,
        cohort_ids,
        loaders.program_settings(),
        program=loaders.program,
        outcomes=partial(outcomes, as_of, cohort_ids),
    )


@st.cache_data(show_spinner="Summarising the program…", max_entries=16)
def _summary(
    url: str, as_of: date, cohort_ids: tuple[str, ...], program_revision: int
) -> ExecutiveSummary:
    engine = store_engine()
    if kept := kept_summary(engine, as_of, cohort_ids, program_revision, CODE_VERSION):
        try:
            return summary_from_json(kept)
        except ValueError as error:  # not written by this code: work it out again
            log.warning("a kept executive summary was refused: %s", error)
    found = worked_out(as_of, cohort_ids)
    keep_summary(engine, as_of, cohort_ids, program_revision, CODE_VERSION, summary_json(found))
    return found


def summary(as_of: date, cohort_ids: tuple[str, ...] = ()) -> ExecutiveSummary:
    """`app.summary.executive_summary` of the program on `as_of`, narrowed to `cohort_ids`: the
    one kept in the store for the current program revision, else worked out and kept."""
    # The revision first: the data read under the key after it is of this revision or newer,
    # so a kept summary is never labelled newer than its data.
    revision = loaders.program_revision()
    return _summary(loaders.store_key(), as_of, tuple(sorted(cohort_ids)), revision)
