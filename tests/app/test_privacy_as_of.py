"""The anonymity rule across as-of dates (docs/metrics.md): two pages set side by side at two
as-of dates give nothing away that one page would not — no figure changes by fewer than the
minimum number of people, and the current, partial month is withheld until it ends."""

from datetime import date
from functools import cache

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app import metrics
from app.privacy import (
    ALL,
    BREAKDOWNS,
    NO_COHORT,
    QUESTIONS,
    UNKNOWN,
    AnonymitySettings,
    generation,
    published_through,
    survey_breakdown,
    with_pair_cohorts,
)
from sample_data.generator import generate_program

ANCHOR = date(2026, 12, 3)  # the demo program as `python -m app seed` wrote it that day
FIRST, LAST = date(2026, 1, 1), date(2026, 12, 3)
RULE = AnonymitySettings()


@cache
def _demo() -> tuple[pd.DataFrame, pd.DataFrame]:
    program = generate_program(scale="demo", anchor=ANCHOR)
    responses = metrics.as_timestamps(program["surveys"], ["submitted_on"])
    return with_pair_cohorts(responses, program["pairs"]), program["participants"]


@cache
def _published(by: str, as_of: date) -> pd.DataFrame:
    responses, participants = _demo()
    table = survey_breakdown(responses, participants, by=by, as_of=as_of, settings=RULE)
    return table.set_index("group")


def _group(responses: pd.DataFrame, participants: pd.DataFrame, by: str) -> pd.Series:
    """Each response's group of the breakdown `by`, worked out here from the raw data."""
    people = participants.set_index("participant_id")
    if by == "cohort":
        return responses["cohort_id"].fillna(NO_COHORT)
    if by == "kind":
        return responses["kind"]
    if by == "month":
        return responses["submitted_on"].dt.strftime("%Y-%m")
    column = generation(people["birth_year"]) if by == "generation" else people[by]
    return responses["participant_id"].map(column).fillna(UNKNOWN)


def test_the_current_month_is_withheld_until_it_ends() -> None:
    assert published_through(date(2026, 11, 23)) == date(2026, 10, 31)
    assert published_through(date(2026, 11, 30)) == date(2026, 11, 30)
    assert published_through(date(2026, 3, 1)) == date(2026, 2, 28)
    months = _published("month", date(2026, 11, 23)).index
    assert "2026-11" not in months and "2026-10" in months


def test_moving_the_as_of_date_by_a_day_changes_no_survey_figure() -> None:
    # docs/metrics.md's case: 9 Oct vs 10 Oct 2026 gave away one pulse answer in the Oct month.
    for by in BREAKDOWNS:
        before, after = _published(by, date(2026, 10, 9)), _published(by, date(2026, 10, 10))
        pd.testing.assert_frame_equal(before, after, obj=f"by {by}")


@settings(max_examples=40, deadline=None)
@given(
    by=st.sampled_from(BREAKDOWNS),
    first=st.dates(FIRST, LAST),
    second=st.dates(FIRST, LAST),
)
@example(by="month", first=date(2026, 10, 9), second=date(2026, 10, 10))
@example(by="department", first=date(2026, 1, 31), second=date(2026, 2, 28))
def test_no_figure_differs_between_two_as_of_dates_by_fewer_than_the_minimum(
    by: str, first: date, second: date
) -> None:
    """For any two as-of dates, a group shown at both is the same or differs by the answers of
    at least `min_respondents` people — for the row and for each question."""
    first, second = sorted((first, second))
    responses, participants = _demo()
    earlier, later = _published(by, first), _published(by, second)
    submitted = responses["submitted_on"]
    window = (submitted > pd.Timestamp(published_through(first))) & (
        submitted <= pd.Timestamp(published_through(second))
    )
    between = responses[window]
    groups = _group(between, participants, by)
    for group in later.index.intersection(earlier.index):
        old, new = earlier.loc[group], later.loc[group]
        if not (old["shown"] and new["shown"]):
            continue
        answers = between if group == ALL else between[groups == group]
        if (old["respondents"], old["responses"]) != (new["respondents"], new["responses"]):
            assert answers["participant_id"].nunique() >= RULE.min_respondents, (by, group)
        for question in QUESTIONS:
            if pd.isna(old[question]) or pd.isna(new[question]) or old[question] == new[question]:
                continue
            answered = answers.loc[answers[question].notna(), "participant_id"].nunique()
            assert answered >= RULE.min_respondents, (by, group, question)


@pytest.mark.parametrize("by", ["department", "kind"])
def test_a_group_changed_by_few_people_since_an_earlier_month_is_hidden(by: str) -> None:
    """Month ends one after another: a group shown at one and still shown at the next month's
    end is either unchanged or changed by at least the minimum; else the later one says why."""
    responses, participants = _demo()
    ends = [day.date() for day in pd.date_range(FIRST, LAST, freq="ME")]
    notes = pd.concat([_published(by, end)["note"] for end in ends])
    assert notes.str.contains("changed it since an earlier month").any()
    for earlier_end, later_end in zip(ends, ends[1:], strict=False):
        earlier, later = _published(by, earlier_end), _published(by, later_end)
        shown_both = earlier["shown"] & later["shown"].reindex(earlier.index, fill_value=False)
        changed = (
            earlier.loc[shown_both, "responses"]
            != later["responses"].reindex(earlier.index).loc[shown_both]
        )
        between = responses[
            (responses["submitted_on"] > pd.Timestamp(earlier_end))
            & (responses["submitted_on"] <= pd.Timestamp(later_end))
        ]
        groups = _group(between, participants, by)
        for group in changed[changed].index:
            answers = between if group == ALL else between[groups == group]
            assert answers["participant_id"].nunique() >= RULE.min_respondents
