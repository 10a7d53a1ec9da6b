"""The Cohort health screen's view: pairs beside their people, the filter bar, the urgency order,
and one pair's meeting gaps and goals — on the hand-made fixture program as of 2025-03-31."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from app import cohort_view
from app.cohort_view import PairFilters
from app.headlines import band_counts, program_health
from app.health import AT_RISK, HEALTHY, TOO_EARLY, WATCH
from app.settings import ProgramSettings
from data_access.db import make_engine
from data_access.importer import read_directory, run_import
from data_access.pair_history import pair_history
from data_access.queries import load_program, pair_directory

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
AS_OF = date(2025, 3, 31)


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path):
    path = tmp_path_factory.mktemp("cohort_view") / "fixture.db"
    path.write_bytes(_sqlite_template.read_bytes())
    engine = make_engine(f"sqlite:///{path}")
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def health(fixture_store) -> pd.DataFrame:
    return program_health(load_program(fixture_store, as_of=AS_OF), ProgramSettings())


@pytest.fixture(scope="module")
def rows(fixture_store, health) -> pd.DataFrame:
    return cohort_view.pair_rows(health, pair_directory(fixture_store))


def test_pair_rows_put_names_departments_generations_and_focus_areas_beside_health(
    rows: pd.DataFrame, health: pd.DataFrame
) -> None:
    assert rows["pair_id"].tolist() == ["P01", "P02", "P03", "P04"]
    pd.testing.assert_series_equal(rows["health_score"], health["health_score"])
    p03 = rows.loc["P03"]
    assert (p03["mentor_name"], p03["mentee_name"]) == ("-minus", "李 明")
    assert p03["cohort_name"] == "Spring 2025, global"
    assert (p03["mentor_department"], p03["mentee_department"]) == ("HR", "Operations")
    assert (p03["mentor_generation"], p03["mentee_generation"]) == ("Gen Z", "Gen X")
    assert p03["focus_areas"] == ("collaboration tools",)
    # P04 has no focus area of its own: its cohort's two.
    assert rows.loc["P04", "focus_areas"] == ("social media", "collaboration tools")


def test_filter_choices_come_from_both_people(rows: pd.DataFrame) -> None:
    assert cohort_view.departments(rows) == [
        "Engineering",
        "Finance",
        "HR",
        "Marketing",
        "Operations",
        "Sales",
    ]
    assert cohort_view.generations(rows) == ["Gen X", "Gen Z"]
    assert cohort_view.focus_area_choices(rows) == [
        "AI",
        "collaboration tools",
        "data analytics",
        "social media",
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (PairFilters(), ["P01", "P02", "P03", "P04"]),
        (PairFilters(statuses=("active",)), ["P03"]),
        (PairFilters(statuses=("active", "paused")), ["P03", "P04"]),
        (PairFilters(bands=(AT_RISK,)), ["P02", "P04"]),
        # Sales is P02's and P04's mentee; Marketing is P01's and P04's mentor.
        (PairFilters(departments=("Sales",)), ["P02", "P04"]),
        (PairFilters(departments=("Marketing", "HR")), ["P01", "P03", "P04"]),
        # Every mentor of the fixture is Gen Z and every mentee Gen X.
        (PairFilters(generations=("Gen X",)), ["P01", "P02", "P03", "P04"]),
        (PairFilters(generations=("Millennials",)), []),
        (PairFilters(focus_areas=("social media",)), ["P04"]),
        (PairFilters(bands=(WATCH,), departments=("Sales",)), []),
    ],
)
def test_filter_pairs(rows: pd.DataFrame, filters: PairFilters, expected: list[str]) -> None:
    assert cohort_view.filter_pairs(rows, filters)["pair_id"].tolist() == expected


def test_a_generation_matches_either_person(rows: pd.DataFrame) -> None:
    rows = rows.copy()
    rows.loc["P02", "mentor_generation"] = "Millennials"
    rows.loc["P04", "mentee_generation"] = "Millennials"
    chosen = cohort_view.filter_pairs(rows, PairFilters(generations=("Millennials",)))
    assert chosen["pair_id"].tolist() == ["P02", "P04"]


def test_most_urgent_first_puts_active_at_risk_and_stalled_pairs_on_top() -> None:
    rows = pd.DataFrame(
        {
            "pair_id": ["A", "B", "C", "D", "E", "F", "G"],
            "status": ["completed", "active", "active", "active", "active", "paused", "active"],
            "band": [AT_RISK, HEALTHY, WATCH, AT_RISK, AT_RISK, AT_RISK, TOO_EARLY],
            "stalled": [False, False, False, False, True, False, False],
            "health_score": [5.0, 90.0, 50.0, 30.0, 35.0, 10.0, 80.0],
            "days_since_last_meeting": [400, 3, 20, 25, 60, 50, 2],
        }
    ).set_index("pair_id", drop=False)
    ordered = cohort_view.most_urgent_first(rows)["pair_id"].tolist()
    assert ordered == ["E", "D", "C", "B", "G", "F", "A"]


def test_band_distribution_counts_the_rows_given_and_matches_the_report(
    rows: pd.DataFrame, health: pd.DataFrame
) -> None:
    assert cohort_view.band_distribution(rows).to_dict() == {
        HEALTHY: 0,
        WATCH: 2,
        AT_RISK: 2,
        TOO_EARLY: 0,
    }
    active = cohort_view.filter_pairs(rows, PairFilters(statuses=("active",)))
    assert cohort_view.band_distribution(active).to_dict() == band_counts(health)


def test_meeting_gaps_count_from_the_start_then_from_the_previous_meeting(fixture_store) -> None:
    history = pair_history(fixture_store, pair_id="P03", as_of=AS_OF)
    gaps = cohort_view.meeting_gaps(history.meetings, started_on=pd.Timestamp("2025-02-10"))
    # Started 2025-02-10; met 2025-02-17 (7 days) and 2025-03-03 (14 days).
    assert gaps["days_since_previous"].tolist() == [7, 14]
    assert cohort_view.meeting_gaps(history.meetings.iloc[:0], started_on=pd.Timestamp(AS_OF)).empty


def test_goals_as_they_stood_with_overdue_marked(fixture_store) -> None:
    goals = pair_history(fixture_store, pair_id="P02", as_of=AS_OF).goals
    shown = cohort_view.goals_with_overdue(goals, as_of=AS_OF)
    assert shown["goal_id"].tolist() == ["G03"]
    assert shown["overdue"].tolist() == [True]  # due 2024-03-31, in progress
    p01 = pair_history(fixture_store, pair_id="P01", as_of=date(2024, 4, 1)).goals
    before_done = cohort_view.goals_with_overdue(p01, as_of=date(2024, 4, 1))
    # G01 was completed on 2024-04-12: on 2024-04-01 it was still in progress.
    assert before_done.set_index("goal_id").loc["G01", "status"] == "in_progress"
