"""Goals: completion by cohort and category, overdue goals, time to complete — on the demo
program, on an empty store, and by hand on the fixture program."""

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import activity, formats
from app.headlines import headline_figures, program_health
from app.settings import ProgramSettings
from data_access.db import make_engine
from data_access.queries import load_program
from tests.screens.conftest import DEMO_AS_OF, FIXTURE_AS_OF, page_text

PAGE = "screens/goals.py"
COHORT = "link:cohort"
CATEGORY = "category"


def _figures(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _bar_texts(at: AppTest, key: str) -> dict[str, str]:
    """Bar label → the text written on it, of the completion chart under `key`."""
    (chart,) = [element for element in at.get("plotly_chart") if element.proto.id.endswith(key)]
    bars = json.loads(chart.proto.spec)["data"][0]
    return dict(zip(bars["y"], bars["text"], strict=True))


def _overdue(at: AppTest) -> pd.DataFrame:
    (table,) = [frame.value for frame in at.dataframe if "days_overdue" in frame.value]
    return table


def test_the_demo_program_shows_every_section(app_on, demo_url) -> None:
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not at.exception
    assert [title.value for title in at.title] == ["Goals"]
    overdue = _overdue(at)
    assert [header.value for header in at.header] == [
        "Completion by cohort",
        "Completion by category",
        f"Overdue goals ({len(overdue)})",
        "Time to complete",
    ]
    assert len(overdue) > 10 and overdue["title"].notna().all()
    assert overdue["days_overdue"].is_monotonic_decreasing
    assert len(at.get("plotly_chart")) == 2 and len(at.get("vega_lite_chart")) == 1


def test_the_figures_are_those_of_the_app_functions_on_the_demo(app_on, demo_url) -> None:
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    engine = make_engine(demo_url)
    program = load_program(engine, as_of=DEMO_AS_OF)
    engine.dispose()
    goals = activity.program_goals(program.goals, program.pairs, as_of=DEMO_AS_OF)
    expected = activity.goals_figures(goals, as_of=DEMO_AS_OF)
    assert _figures(at) == {figure.label: figure.formatted() for figure in expected}
    # The same completion and overdue count as the executive summary's headline figures.
    headline = {
        figure.label: figure.formatted()
        for figure in headline_figures(program, program_health(program, ProgramSettings()))
    }
    assert _figures(at)["Goal completion"] == headline["Goal completion"]
    assert _figures(at)["Overdue goals"] == headline["Overdue goals"]


def test_the_fixture_program_by_hand(app_on, fixture_url) -> None:
    at = app_on(fixture_url, page=PAGE, as_of=FIXTURE_AS_OF).run()
    assert not at.exception
    # As of 2025-03-31 (tests/app/test_headlines.py): G01 done, G02 dropped, G03 in progress and
    # overdue since 2024-03-31, G04 not started → 1 / 3; G01 took 29 Jan → 12 Apr 2024 = 74 days.
    assert _figures(at) == {
        "Goal completion": "33%",
        "Goals done": "1",
        "Overdue goals": "1",
        "Median days to complete": "74",
    }
    assert _bar_texts(at, "by_cohort") == {
        "2024 pilot": "50% (1 of 2)",  # G01 done, G03 open, G02 dropped
        "Spring 2025, global": "0% (0 of 1)",
    }
    assert _bar_texts(at, "by_category") == {
        "AI": "100% (1 of 1)",
        "collaboration tools": "0% (0 of 1)",
        "data analytics": "0% (0 of 1)",
        "social media": "no goals",  # only the dropped G02
    }
    overdue = _overdue(at)
    assert len(overdue) == 1
    row = overdue.iloc[0]
    assert (row["title"], row["category"], row["pair_id"]) == (
        "Read a sales dashboard unaided",
        "data analytics",
        "P02",
    )
    assert (row["mentor_name"], row["cohort"], row["status"]) == (
        "José Álvarez",
        "2024 pilot",
        "in progress",
    )
    assert (row["due_on"].date().isoformat(), row["days_overdue"]) == ("2024-03-31", 365)
    assert "The median goal took **74 days**" in page_text(at)


def test_the_cohort_filter_narrows_every_figure_and_goes_into_the_link(app_on, fixture_url) -> None:
    at = app_on(fixture_url, page=PAGE, as_of=FIXTURE_AS_OF).run()
    at = at.multiselect(key=COHORT).set_value(["C2025"]).run()
    assert not at.exception
    assert at.query_params["cohort"] in (["C2025"], "C2025")
    # Spring 2025 has only G04, not started and with no due date.
    assert _figures(at) == {
        "Goal completion": "0%",
        "Goals done": "0",
        "Overdue goals": "0",
        "Median days to complete": "—",
    }
    assert _bar_texts(at, "by_cohort") == {"Spring 2025, global": "0% (0 of 1)"}
    assert at.multiselect(key=CATEGORY).options == ["collaboration tools"]
    assert "No goal is overdue." in page_text(at)


def test_the_category_filter_narrows_every_figure(app_on, fixture_url) -> None:
    at = app_on(fixture_url, page=PAGE, as_of=FIXTURE_AS_OF).run()
    at = at.multiselect(key=CATEGORY).set_value(["data analytics", "social media"]).run()
    assert not at.exception
    # G02 dropped, G03 open and overdue.
    assert _figures(at)["Goal completion"] == "0%"
    assert _figures(at)["Overdue goals"] == "1"
    assert _bar_texts(at, "by_cohort") == {"2024 pilot": "0% (0 of 1)"}


def test_a_category_in_the_link_is_applied(app_on, fixture_url) -> None:
    at = app_on(fixture_url, page=PAGE, as_of=FIXTURE_AS_OF)
    at.query_params["category"] = "AI"
    at = at.run()
    assert at.multiselect(key=CATEGORY).value == ["AI"]
    assert _figures(at)["Goal completion"] == "100%"
    assert "No goal is overdue." in page_text(at)


def test_a_cohort_with_no_goal_yet_says_so(app_on, fixture_url) -> None:
    at = app_on(fixture_url, page=PAGE, as_of=FIXTURE_AS_OF.replace(month=1))
    at.query_params["cohort"] = "C2025"  # its pairs start on 2025-02-10
    at = at.run()
    assert not at.exception
    assert "No goals match these filters" in at.info[-1].value
    assert not at.metric


def test_an_empty_store_points_to_the_data_screen(app_on, sqlite_url) -> None:
    at = app_on(sqlite_url, page=PAGE, as_of=FIXTURE_AS_OF).run()
    assert not at.exception
    assert "The store holds no program yet." in page_text(at)
    assert not at.metric and not at.dataframe


@pytest.mark.parametrize("role", ["executive", "coordinator"])
def test_other_roles_get_only_the_access_message(app_on, fixture_url, role) -> None:
    at = app_on(fixture_url, role=role, page=PAGE, as_of=FIXTURE_AS_OF).run()
    assert not at.exception
    assert "is for program managers" in at.warning[0].value
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")


def test_due_dates_read_like_every_other_screen(app_on, fixture_url) -> None:
    at = app_on(fixture_url, page=PAGE, as_of=FIXTURE_AS_OF).run()
    (table,) = [frame for frame in at.dataframe if "days_overdue" in frame.value]
    config = json.loads(table.proto.columns)
    assert config["due_on"]["type_config"]["format"] == formats.DATE_COLUMN == "D MMM YYYY"
