"""The Surveys screen's figures, each decided once by `app.privacy` per store, as-of date,
chosen cohorts and anonymity settings, then served from Streamlit's cache (a filter changed
back costs nothing). Writes clear these with every other cached result
(`components.loaders.clear_caches`)."""

from datetime import date

import pandas as pd
import streamlit as st

from app.privacy import (
    ALL,
    MEANS,
    AnonymitySettings,
    RoleMonthTables,
    comments_by_group,
    role_and_month_tables,
    survey_breakdown,
    with_pair_cohorts,
)
from app.uplift import UpliftSummary, skill_uplift_summary
from components import loaders
from components.loaders.cache import shared_frames, store_engine
from data_access.survey_comments import people_for_comments, survey_comments


@shared_frames(show_spinner=False, max_entries=4)
def _responses(url: str, as_of: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    whole = loaders.survey_program(as_of)
    return with_pair_cohorts(whole.surveys, whole.pairs), whole.participants


@shared_frames(show_spinner=False, max_entries=4)
def _comment_texts(url: str, as_of: date) -> pd.DataFrame:
    return survey_comments(store_engine(), as_of=as_of)


@shared_frames(show_spinner=False, max_entries=2)
def _comment_people(url: str) -> pd.DataFrame:
    return people_for_comments(store_engine())


def comment_sources(as_of: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The comments submitted on or before `as_of` and the people to group and redact them by.
    Never for a page an executive can see unless the page withholds them from executives."""
    return _comment_texts(loaders.store_key(), as_of), _comment_people(loaders.store_key())


@st.cache_data(show_spinner="Applying the anonymity rule…", max_entries=64)
def _breakdown(
    url: str, as_of: date, cohort_ids: tuple[str, ...], by: str, rule: tuple[int, int]
) -> pd.DataFrame:
    surveys, people = _responses(url, as_of)
    return survey_breakdown(
        surveys,
        people,
        by=by,
        as_of=as_of,
        settings=AnonymitySettings(*rule),
        cohorts=cohort_ids,
    )


@st.cache_data(show_spinner="Applying the anonymity rule…", max_entries=16)
def _role_month(
    url: str, as_of: date, cohort_ids: tuple[str, ...], rule: tuple[int, int]
) -> RoleMonthTables:
    surveys, people = _responses(url, as_of)
    return role_and_month_tables(
        surveys, people, as_of=as_of, settings=AnonymitySettings(*rule), cohorts=cohort_ids
    )


@st.cache_data(show_spinner="Gathering comments…", max_entries=32)
def _comments(
    url: str,
    as_of: date,
    cohort_ids: tuple[str, ...],
    by: str,
    groups: tuple[str, ...],
    rule: tuple[int, int],
) -> dict[str, list[str]]:
    texts, everyone = comment_sources(as_of)
    texts = with_pair_cohorts(texts, loaders.survey_program(as_of).pairs)
    settings = AnonymitySettings(*rule)
    return comments_by_group(
        texts, everyone, as_of=as_of, by=by, groups=groups, settings=settings, cohorts=cohort_ids
    )


def _rounded(table: pd.DataFrame) -> pd.DataFrame:
    """`table` as it may reach the browser: means to one decimal, the NPS to a whole number (as
    the page writes them), so no chart's data carries more than the page shows."""
    return table.round({**dict.fromkeys(MEANS, 1), "nps": 0})


@st.cache_data(show_spinner=False, max_entries=16)
def _uplift(url: str, as_of: date, cohort_ids: tuple[str, ...]) -> UpliftSummary:
    program = loaders.survey_program(as_of, cohort_ids)
    return skill_uplift_summary(program.surveys, program.participants, as_of=as_of)


def uplift(as_of: date, cohort_ids: tuple[str, ...]) -> UpliftSummary:
    """`app.uplift.skill_uplift_summary` of the responses of `cohort_ids` on `as_of`, worked out
    once per store revision rather than on every run of the page."""
    return _uplift(loaders.store_key(), as_of, tuple(sorted(cohort_ids)))


def _key(rule: AnonymitySettings) -> tuple[int, int]:
    return (rule.min_respondents, rule.min_comment_group)


def published_breakdown(
    as_of: date, cohort_ids: tuple[str, ...], by: str, rule: AnonymitySettings
) -> pd.DataFrame:
    """`app.privacy.survey_breakdown` of the whole program's responses over `cohort_ids` (by
    role and by month taken from `app.privacy.role_and_month_tables`, decided once for both and
    the trend by role)."""
    key = (loaders.store_key(), as_of, tuple(sorted(cohort_ids)))
    if by in ("role", "month"):
        tables = _role_month(*key, _key(rule))
        return _rounded(tables.by_role if by == "role" else tables.by_month)
    return _rounded(_breakdown(*key, by, _key(rule)))


def trend(
    as_of: date, cohort_ids: tuple[str, ...], rule: AnonymitySettings, *, by_role: bool = False
) -> pd.DataFrame:
    """`app.privacy.survey_trend` of the whole program's responses over `cohort_ids`. Without
    `by_role` it is the breakdown by month without its All row (as `survey_trend` says), so the
    page's breakdown by month is reused rather than decided a second time."""
    if not by_role:
        table = published_breakdown(as_of, cohort_ids, "month", rule)
        return table[table["group"] != ALL].rename(columns={"group": "month"})
    tables = _role_month(loaders.store_key(), as_of, tuple(sorted(cohort_ids)), _key(rule))
    return _rounded(tables.by_role_and_month)


def comments(
    as_of: date,
    cohort_ids: tuple[str, ...],
    by: str,
    groups: list[str],
    rule: AnonymitySettings,
) -> dict[str, list[str]]:
    """`app.privacy.comments_by_group`: the comments of each of `groups` of the breakdown `by`.
    Program managers only: the page must not call this for an executive."""
    return _comments(
        loaders.store_key(), as_of, tuple(sorted(cohort_ids)), by, tuple(groups), _key(rule)
    )
