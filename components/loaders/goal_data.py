"""The Goals screen's reads: the goals of the chosen cohorts, the tables worked out of them once
per choice, and the titles of the goals the overdue list shows (read only for those)."""

import hashlib
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from app.activity import (
    completion_by,
    days_to_complete,
    goals_figures,
    overdue_goals,
    program_goals,
)
from app.headlines import Headline
from components import loaders
from components.loaders.cache import shared_frames, store_engine
from data_access.activity import goal_titles as read_goal_titles


@st.cache_data(show_spinner=False, max_entries=16)
def _titles(url: str, digest: str, _goal_ids: tuple[str, ...], _engine: Engine) -> pd.DataFrame:
    # Keyed on a digest of the ids: Streamlit hashes a long tuple one value at a time.
    return read_goal_titles(_engine, _goal_ids)


@dataclass(frozen=True)
class GoalTables:
    """What the Goals screen shows of one set of goals (see `goal_tables`)."""

    figures: list[Headline]
    by_cohort: pd.DataFrame
    by_category: pd.DataFrame
    overdue: pd.DataFrame
    days_to_complete: pd.Series


@shared_frames(show_spinner=False, max_entries=8)
def _every_goal(url: str, as_of: date, cohort_ids: tuple[str, ...]) -> pd.DataFrame:
    pairs, goals = loaders.goals(as_of, cohort_ids)
    return program_goals(goals, pairs, as_of=as_of)


@st.cache_data(show_spinner=False, max_entries=16)
def _goal_tables(
    url: str, as_of: date, cohort_ids: tuple[str, ...], categories: tuple[str, ...]
) -> GoalTables:
    every = _every_goal(url, as_of, cohort_ids)
    goals = every[every["category"].isin(categories)] if categories else every
    return GoalTables(
        figures=goals_figures(goals, as_of=as_of),
        by_cohort=completion_by(goals, "cohort_id"),
        by_category=completion_by(goals, "category"),
        overdue=overdue_goals(goals, as_of=as_of),
        days_to_complete=days_to_complete(goals),
    )


def every_goal(as_of: date, cohort_ids: tuple[str, ...]) -> pd.DataFrame:
    """`app.activity.program_goals` of the pairs of `cohort_ids` (all when empty) on `as_of`."""
    return _every_goal(loaders.store_key(), as_of, tuple(sorted(cohort_ids)))


def goal_tables(as_of: date, cohort_ids: tuple[str, ...], categories: list[str]) -> GoalTables:
    """The figures, completion by cohort and by category, overdue goals and days to complete of
    the goals of `cohort_ids` in `categories` (all when empty), worked out once per choice."""
    return _goal_tables(
        loaders.store_key(), as_of, tuple(sorted(cohort_ids)), tuple(sorted(categories))
    )


def goal_titles(goal_ids: tuple[str, ...]) -> pd.DataFrame:
    """The titles of `goal_ids` (`data_access.activity.goal_titles`), read only for those."""
    digest = hashlib.sha256("\n".join(goal_ids).encode()).hexdigest()
    return _titles(loaders.store_key(), digest, goal_ids, store_engine())
