"""The executive summary's figures, built once per store, as-of date and set of cohorts."""

from dataclasses import replace
from datetime import date
from functools import partial

import streamlit as st

from app.summary import ExecutiveSummary, Snapshot, executive_summary, previous_as_of
from components import loaders
from components.loaders.cache import store_engine
from data_access.concurrency import reads_beside


def _programs(days: tuple[date, date], cohort_ids: tuple[str, ...]) -> list[tuple]:
    """For each of `days`: the program narrowed to `cohort_ids`, and the whole program, the
    earlier day's cut from the later one's."""
    return [
        (loaders.program(day, cohort_ids, cut_from=days[0]), loaders.program(day, cut_from=days[0]))
        for day in days
    ]


@st.cache_data(show_spinner="Summarising the program…", max_entries=16)
def _summary(url: str, as_of: date, cohort_ids: tuple[str, ...]) -> ExecutiveSummary:
    days = (as_of, previous_as_of(as_of))
    settings = loaders.program_settings()
    engine = store_engine()
    # Pair health now; a quarter earlier only what the KPI row compares (active and stalled
    # pairs, cadence adherence): `read_activity`, without the goals and answers. The database
    # may aggregate them while this thread reads the programs (`reads_beside` decides).
    reads = (loaders.read_health, loaders.read_activity)
    programs, health = reads_beside(
        engine,
        [
            partial(read, engine, day, cohort_ids, settings)
            for read, day in zip(reads, days, strict=True)
        ],
        lambda: _programs(days, cohort_ids),
    )
    now, then = (
        Snapshot(program=program, health=pairs, whole=whole)
        for (program, whole), pairs in zip(programs, health, strict=True)
    )
    # Imported here: outcome_data imports this package's loaders.
    from components.loaders.outcome_data import outcomes

    return replace(
        executive_summary(now, then, settings, cohort_ids),
        outcomes=tuple(outcomes(as_of, cohort_ids)),
    )


def summary(as_of: date, cohort_ids: tuple[str, ...] = ()) -> ExecutiveSummary:
    """`app.summary.executive_summary` of the program on `as_of`, narrowed to `cohort_ids`."""
    return _summary(loaders.store_key(), as_of, tuple(sorted(cohort_ids)))
