"""Goal and meeting activity (app.activity), worked out by hand on small programs."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from app import activity, metrics

AS_OF = date(2025, 3, 31)
GOAL_DATES = ["created_on", "due_on", "completed_on"]


def _goals(*rows: tuple) -> pd.DataFrame:
    columns = ["goal_id", "pair_id", "category", *GOAL_DATES, "status"]
    return metrics.as_timestamps(pd.DataFrame(rows, columns=columns), GOAL_DATES)


PAIRS = pd.DataFrame({"pair_id": ["P1", "P2", "P3"], "cohort_id": ["A", "A", "B"]})
GOALS = _goals(
    ("G1", "P1", "AI", "2025-01-01", "2025-02-01", "2025-01-31", "done"),  # 30 days
    ("G2", "P1", None, "2025-01-01", "2025-03-01", None, "in_progress"),  # 30 days overdue
    ("G3", "P2", "AI", "2025-01-10", "2025-03-30", None, "not_started"),  # 1 day overdue
    ("G4", "P2", "AI", "2025-01-10", "2025-01-20", None, "dropped"),  # dropped: never overdue
    ("G5", "P3", "data", "2025-02-01", "2025-06-01", "2025-04-15", "done"),  # done after as-of
    ("G6", "P3", "data", None, None, "2025-03-01", "done"),  # done, no creation date
    ("G7", "P3", "data", "2025-04-01", "2025-04-10", None, "not_started"),  # not created yet
    ("G8", "P9", "data", "2025-01-01", "2025-01-02", None, "not_started"),  # pair not started
)


@pytest.fixture
def goals() -> pd.DataFrame:
    return activity.program_goals(GOALS, PAIRS, as_of=AS_OF)


def test_program_goals_are_those_of_started_pairs_as_they_stood(goals: pd.DataFrame) -> None:
    assert list(goals["goal_id"]) == ["G1", "G2", "G3", "G4", "G5", "G6"]
    assert goals.set_index("goal_id")["status"]["G5"] == "in_progress"  # completed later
    assert list(goals["cohort_id"]) == ["A", "A", "A", "A", "B", "B"]
    assert goals.set_index("goal_id")["category"]["G2"] == activity.UNCATEGORISED


def test_completion_by_cohort_and_category(goals: pd.DataFrame) -> None:
    by_cohort = activity.completion_by(goals, "cohort_id")
    # A: G1 done, G2 and G3 open, G4 dropped → 1 / 3; B: G5 open, G6 done → 1 / 2.
    assert by_cohort.to_dict("records") == [
        {"cohort_id": "A", "goals": 3, "done": 1, "completion": pytest.approx(1 / 3)},
        {"cohort_id": "B", "goals": 2, "done": 1, "completion": 0.5},
    ]
    by_category = activity.completion_by(goals, "category").set_index("category")
    assert by_category["completion"].to_dict() == {
        "AI": 0.5,  # G1 done, G3 open, G4 dropped
        "data": 0.5,
        activity.UNCATEGORISED: 0.0,
    }
    for _, group in goals.groupby("category"):
        value = group["category"].iloc[0]
        assert by_category.loc[value, "completion"] == metrics.goal_completion(group)


def test_a_group_of_only_dropped_goals_has_no_completion() -> None:
    dropped = activity.program_goals(GOALS[GOALS["goal_id"] == "G4"], PAIRS, as_of=AS_OF)
    row = activity.completion_by(dropped, "cohort_id").iloc[0]
    assert row["goals"] == 0 and np.isnan(row["completion"])


def test_overdue_goals_most_overdue_first(goals: pd.DataFrame) -> None:
    late = activity.overdue_goals(goals, as_of=AS_OF)
    assert list(zip(late["goal_id"], late["days_overdue"], strict=True)) == [("G2", 30), ("G3", 1)]


def test_days_to_complete_counts_goals_done_by_then_with_both_dates(goals: pd.DataFrame) -> None:
    assert activity.days_to_complete(goals).to_dict() == {"G1": 30}


def test_days_to_complete_distribution_bins() -> None:
    days = pd.Series([0, 13, 14, 30, 30])
    frame = activity.days_to_complete_distribution(days, width_days=14)
    assert frame.to_dict("list") == {
        "days_from": [0, 14, 28],
        "days_to": [14, 28, 42],
        "goals": [2, 1, 2],
    }
    assert activity.days_to_complete_distribution(pd.Series([], dtype=int)).empty


HEALTH = pd.DataFrame(
    {
        "cohort_id": ["A", "A", "A", "B", "B", "B"],
        "status": ["active", "active", "active", "active", "completed", "active"],
        "cadence_adherence": [0.1, 1.0, 0.55, 0.0, 0.9, np.nan],
        "stalled": [True, False, False, True, False, False],
    },
    index=pd.Index(["P1", "P2", "P3", "P4", "P5", "P6"], name="pair_id"),
)


def test_adherence_distribution_counts_active_pairs_per_ten_percent() -> None:
    frame = activity.adherence_distribution(HEALTH)
    assert len(frame) == 10
    assert frame["band_start"].iloc[1] == pytest.approx(0.1)
    # 0.0 → 0–10 %, 0.1 → 10–20 %, 0.55 → 50–60 %, 1.0 → 90–100 %; not the completed pair,
    # not the pair whose adherence is unknown.
    assert frame["pairs"].tolist() == [1, 1, 0, 0, 0, 1, 0, 0, 0, 1]


def test_adherence_by_cohort_is_over_active_pairs() -> None:
    frame = activity.adherence_by_cohort(HEALTH)
    assert frame.to_dict("records") == [
        {
            "cohort_id": "A",
            "active_pairs": 3,
            "mean_adherence": pytest.approx(0.55),
            "stalled_pairs": 1,
        },
        {"cohort_id": "B", "active_pairs": 2, "mean_adherence": 0.0, "stalled_pairs": 1},
    ]


def test_week_by_cohort_fills_weeks_without_meetings_with_zero() -> None:
    weeks = pd.date_range("2025-03-03", periods=3, freq="7D")
    per_week = pd.DataFrame(
        {
            "week_start": pd.to_datetime(["2025-03-03", "2025-03-17"]),
            "cohort_id": ["A", "A"],
            "meetings": [2, 5],
        }
    )
    grid = activity.week_by_cohort(per_week, ["A", "B"], weeks)
    assert grid.to_numpy().tolist() == [[2, 0, 5], [0, 0, 0]]


def test_headline_figures_of_the_screens(goals: pd.DataFrame) -> None:
    meetings = {
        figure.label: figure.formatted() for figure in activity.meetings_figures(HEALTH, 12)
    }
    assert meetings == {
        "Meetings in the last 30 days": "12",
        "Active pairs": "5",
        "Cadence adherence (active pairs)": "41%",  # (0.1 + 1 + 0.55 + 0) / 4
        "Stalled pairs": "2",
    }
    figures = {
        figure.label: figure.formatted() for figure in activity.goals_figures(goals, as_of=AS_OF)
    }
    assert figures == {
        "Goal completion": "40%",  # G1, G6 done of G1, G2, G3, G5, G6
        "Goals done": "2",
        "Overdue goals": "2",
        "Median days to complete": "30",
    }
