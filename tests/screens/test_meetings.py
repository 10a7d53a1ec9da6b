"""Meetings: the program manager's view of meeting frequency, cadence adherence, gaps and
formats — on the demo program, on an empty store, and by hand on the fixture program."""

import base64
import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import activity
from app.headlines import program_health
from app.settings import ProgramSettings
from data_access.db import make_engine
from data_access.queries import load_program
from tests.screens.conftest import DEMO_AS_OF, FIXTURE_AS_OF, page_text

PAGE = "screens/meetings.py"
COHORT = "link:cohort"


def _figures(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The one table on the page that has `column`."""
    (table,) = [frame.value for frame in at.dataframe if column in frame.value]
    return table


def _chart(at: AppTest, key: str) -> dict:
    """The Plotly figure drawn under `key`, as JSON."""
    (chart,) = [element for element in at.get("plotly_chart") if element.proto.id.endswith(key)]
    return json.loads(chart.proto.spec)


def _values(array: list | dict) -> list:
    """A Plotly array as a list (numbers may come base64-encoded)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def test_the_demo_program_shows_every_section(app_on, demo_url) -> None:
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not at.exception
    assert [title.value for title in at.title] == ["Meetings"]
    assert [header.value for header in at.header] == [
        "Meetings per month",
        "Cadence adherence",
        "Format mix",
        "Meetings per week, last 26 weeks",
        "Longest gaps",
    ]
    assert len(at.get("plotly_chart")) == 3 and len(at.get("vega_lite_chart")) == 1
    gaps = _table(at, "gap_days")
    assert len(gaps) == 15
    assert gaps["gap_days"].is_monotonic_decreasing
    assert gaps["mentor_name"].notna().all() and gaps["mentee_name"].notna().all()


def test_the_figures_are_those_of_the_app_functions_on_the_demo(app_on, demo_url) -> None:
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    engine = make_engine(demo_url)
    health = program_health(load_program(engine, as_of=DEMO_AS_OF), ProgramSettings())
    engine.dispose()
    shown = _figures(at)
    expected = activity.meetings_figures(health, int(shown["Meetings in the last 30 days"]))
    assert shown == {figure.label: figure.formatted() for figure in expected}
    assert int(shown["Stalled pairs"]) > 0


def test_the_partial_current_month_is_hatched_and_labelled(app_on, demo_url) -> None:
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()  # 23 Nov 2026
    assert not at.exception
    figure = _chart(at, "meetings_per_month")
    assert [note["text"] for note in figure["layout"]["annotations"]] == [
        "partial: Nov 2026 (to 23 Nov)"
    ]
    for trace in figure["data"]:
        months = pd.to_datetime(pd.Series(_values(trace["x"]))).dt.strftime("%Y-%m")
        shapes = trace["marker"]["pattern"]["shape"]
        assert [shape == "/" for shape in shapes] == list(months == "2026-11")
    assert "Nov 2026 (to 23 Nov) is a partial month" in page_text(at)
    # A month's last day is a whole month: nothing is marked.
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF.replace(day=30)).run()
    assert "annotations" not in _chart(at, "meetings_per_month")["layout"]
    assert "partial month" not in page_text(at)


def test_the_fixture_program_by_hand(app_on, fixture_url) -> None:
    at = app_on(fixture_url, page=PAGE, as_of=FIXTURE_AS_OF).run()
    assert not at.exception
    # As of 2025-03-31 (tests/app/test_headlines.py): P03 is the one active pair, last met on
    # 3 Mar (the only meeting of the last 30 days), adherence 2 of 3.5 expected = 57 %.
    assert _figures(at) == {
        "Meetings in the last 30 days": "1",
        "Active pairs": "1",
        "Cadence adherence (active pairs)": "57%",
        "Stalled pairs": "0",
    }
    adherence = _table(at, "mean_adherence")
    assert adherence[["cohort", "active_pairs", "stalled_pairs"]].to_dict("records") == [
        {"cohort": "Spring 2025, global", "active_pairs": 1, "stalled_pairs": 0}
    ]
    assert adherence["mean_adherence"].iloc[0] == pytest.approx(2 / 3.5)
    gaps = _table(at, "gap_days")
    row = gaps.iloc[0]
    assert len(gaps) == 1
    assert (row["pair_id"], row["mentor_name"], row["mentee_name"]) == ("P03", "-minus", "李 明")
    assert (row["gap_days"], row["ongoing"], row["cadence_days"]) == (28, True, 14)
    assert (row["gap_start"].date().isoformat(), row["gap_end"].date().isoformat()) == (
        "2025-03-03",
        "2025-03-31",
    )
    # Seven meetings in all; M006 has no format.
    formats = _chart(at, "format_mix")["data"][0]
    assert dict(zip(formats["y"], formats["text"], strict=True)) == {
        "Video": "3 (43%)",
        "In person": "1 (14%)",
        "Phone": "1 (14%)",
        "Chat": "1 (14%)",
        "Unknown": "1 (14%)",
    }


def test_the_cohort_filter_narrows_every_figure_and_goes_into_the_link(app_on, fixture_url) -> None:
    at = app_on(fixture_url, page=PAGE, as_of=FIXTURE_AS_OF).run()
    at = at.multiselect(key=COHORT).set_value(["C2024"]).run()
    assert not at.exception
    assert at.query_params["cohort"] in (["C2024"], "C2024")
    # The 2024 pilot had ended by 2025-03-31: no active pair, no recent meeting.
    assert _figures(at) == {
        "Meetings in the last 30 days": "0",
        "Active pairs": "0",
        "Cadence adherence (active pairs)": "—",
        "Stalled pairs": "0",
    }
    assert "No active pair on this date." in page_text(at)
    heatmap = _chart(at, "week_heatmap")["data"][0]
    assert heatmap["y"] == ["2024 pilot"]
    months = _chart(at, "meetings_per_month")["data"]
    assert [trace["name"] for trace in months] == ["2024 pilot"]
    assert sum(sum(_values(trace["y"])) for trace in months) == 4  # M001–M004


def test_a_cohort_in_the_link_is_applied(app_on, fixture_url) -> None:
    at = app_on(fixture_url, page=PAGE, as_of=FIXTURE_AS_OF)
    at.query_params["cohort"] = "C2025"
    at = at.run()
    assert at.multiselect(key=COHORT).value == ["C2025"]
    assert _figures(at)["Active pairs"] == "1"
    formats = _chart(at, "format_mix")["data"][0]
    assert dict(zip(formats["y"], _values(formats["x"]), strict=True)) == {"Video": 2, "Unknown": 1}


def test_a_cohort_with_no_pair_yet_says_so(app_on, fixture_url) -> None:
    at = app_on(fixture_url, page=PAGE, as_of=FIXTURE_AS_OF.replace(month=1))
    at.query_params["cohort"] = "C2025"  # its pairs start on 2025-02-10
    at = at.run()
    assert not at.exception
    assert "No pairs match these filters" in at.info[-1].value
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
