"""Cohort health: the filter bar in the link, the health distribution, the pair table (most
urgent first, bounded) and the detail of the pair in the link, on the hand-made fixture program
as of 2025-03-31 (figures worked out in tests/app/test_headlines.py)."""

import json
from datetime import date

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from app.headlines import program_health
from app.health import BANDS
from app.settings import ProgramSettings
from components import pair_table
from components.palette import BAND_COLOURS, SERIES_COLOURS
from data_access.db import make_engine
from data_access.queries import load_program
from tests.screens.conftest import DEMO_AS_OF, FIXTURE_AS_OF, FIXTURE_PROGRAM, page_text

PAGE = "screens/cohort_health.py"
ROLES = ["program_manager", "coordinator"]
# As of 2025-03-31 (tests/app/test_headlines.py works out P03; the others by the same rules):
# P01 completed 48.4 Watch, P02 ended early 16.5 At risk, P03 active 45.5 Watch, P04 paused 7.1
# At risk. Most urgent first: active, then paused, then ended; At risk before Watch.
EXPECTED = pd.DataFrame(
    {
        "pair": ["P03", "P04", "P02", "P01"],
        "status": ["active", "paused", "ended early", "completed"],
        "health": [45.5, 7.1, 16.5, 48.4],
        "band": ["Watch", "At risk", "At risk", "Watch"],
        "days_since": [28, 47, 426, 399],
    }
)


def _param(at, name: str) -> list[str]:
    value = at.query_params.get(name)
    return [value] if isinstance(value, str) else list(value or [])


def _table(at) -> pd.DataFrame:
    return next(frame for frame in at.dataframe if frame.key == "pair_table").value


def _chart(at, title: str) -> tuple[dict, list[pd.DataFrame]]:
    """The Vega-Lite chart titled `title`: its spec and the data frames it was given."""
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if spec.get("title") == title:
            frames = [convert_arrow_bytes_to_pandas_df(ds.data.data) for ds in chart.proto.datasets]
            if chart.proto.data.data:
                frames.append(convert_arrow_bytes_to_pandas_df(chart.proto.data.data))
            return spec, frames
    raise AssertionError(f"no chart titled {title!r}")


def _band_bars(at) -> dict[str, int]:
    (bars,) = _chart(at, "Health distribution")[1]
    return dict(zip(bars["band"], bars["pairs"].astype(int).tolist(), strict=True))


def _layers(spec: dict) -> list[dict]:
    """A chart's layers (the chart itself if it has none)."""
    return spec.get("layer", [spec])


def _fixture_rows(name: str, pair_id: str, date_column: str) -> int:
    """How many rows of tests/fixtures/program/`name` belong to `pair_id` by the as-of date."""
    frame = pd.read_csv(FIXTURE_PROGRAM / name, parse_dates=[date_column])
    dated = frame[date_column].isna() | (frame[date_column] <= pd.Timestamp(FIXTURE_AS_OF))
    return int(((frame["pair_id"] == pair_id) & dated).sum())


def _open(app_on, url: str, *, role: str = "program_manager", **params: str):
    at = app_on(url, role=role, page=PAGE, as_of=FIXTURE_AS_OF)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


@pytest.mark.parametrize("role", ROLES)
def test_renders_on_the_demo_program(app_on, demo_url, role) -> None:
    at = app_on(demo_url, role=role, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not at.exception
    assert [title.value for title in at.title] == ["Cohort health"]
    table = _table(at)
    assert len(table) > 20 and set(table["status"]) == {"active"}
    assert sum(_band_bars(at).values()) == len(table)
    assert not at.get("plotly_chart")  # Altair only: no 4.7 MB Plotly script to compile


@pytest.mark.parametrize("role", ROLES)
def test_an_empty_store_says_what_to_do(app_on, sqlite_url, role) -> None:
    at = _open(app_on, sqlite_url, role=role)
    assert not at.exception
    assert "The store holds no program yet." in page_text(at)
    assert not at.dataframe


def test_an_executive_gets_only_the_access_message(app_on, demo_url) -> None:
    at = app_on(demo_url, role="executive", page=PAGE, as_of=DEMO_AS_OF).run()
    assert not at.exception
    assert "You are viewing PairPulse as executive" in at.warning[0].value
    assert not at.dataframe and not at.get("vega_lite_chart") and not at.main.multiselect


def test_the_table_lists_the_pairs_of_program_health_with_their_scores(app_on, fixture_url) -> None:
    at = _open(app_on, fixture_url, status="all")
    assert not at.exception
    table = _table(at)
    pd.testing.assert_frame_equal(
        table[EXPECTED.columns.tolist()], EXPECTED, check_dtype=False, check_exact=False
    )
    engine = make_engine(fixture_url)
    health = program_health(load_program(engine, as_of=FIXTURE_AS_OF), ProgramSettings())
    engine.dispose()
    by_pair = table.set_index("pair")
    assert set(by_pair.index) == set(health.index)
    assert by_pair["health"].to_dict() == health["health_score"].to_dict()
    assert by_pair["band"].to_dict() == health["band"].to_dict()
    assert by_pair.loc["P03", "mentor"] == "-minus" and by_pair.loc["P03", "mentee"] == "李 明"
    assert by_pair.loc["P03", "cohort"] == "Spring 2025, global"
    assert by_pair.loc["P03", "last_meeting"] == pd.Timestamp("2025-03-03")
    assert by_pair.loc["P03", "reasons"] == "last meeting 28 days ago; target every 14"
    assert _band_bars(at) == {"Healthy": 0, "Watch": 2, "At risk": 2, "Too early": 0}


def test_the_distribution_names_each_band_in_its_colour_with_its_count(app_on, fixture_url) -> None:
    at = _open(app_on, fixture_url, status="all")
    spec, _frames = _chart(at, "Health distribution")
    bars, written = _layers(spec)
    x, colour = bars["encoding"]["x"], bars["encoding"]["color"]
    assert x["sort"] == list(BANDS)  # band order, zeros included
    assert colour["scale"] == {
        "domain": list(BANDS),
        "range": [BAND_COLOURS[band] for band in BANDS],
    }
    assert bars["encoding"]["y"]["title"] == "Pairs"
    assert [tip["title"] for tip in bars["encoding"]["tooltip"]] == ["Band", "Pairs"]
    assert written["mark"]["type"] == "text" and written["encoding"]["text"]["field"] == "label"
    (frame,) = _chart(at, "Health distribution")[1]
    assert frame["label"].tolist() == [f"{n:,}" for n in frame["pairs"]]


def test_active_pairs_by_default(app_on, fixture_url) -> None:
    at = _open(app_on, fixture_url)
    assert at.selectbox(key="link:status").value == "active"
    assert "status" not in at.query_params
    assert _table(at)[["pair", "health", "band"]].values.tolist() == [["P03", 45.5, "Watch"]]
    assert _band_bars(at) == {"Healthy": 0, "Watch": 1, "At risk": 0, "Too early": 0}


def test_the_band_filter_narrows_the_table(app_on, fixture_url) -> None:
    at = _open(app_on, fixture_url, status="all")
    at = at.multiselect(key="band").set_value(["At risk"]).run()
    assert not at.exception
    assert _table(at)["pair"].tolist() == ["P04", "P02"]
    assert _band_bars(at) == {"Healthy": 0, "Watch": 0, "At risk": 2, "Too early": 0}


def test_a_department_of_either_person_matches(app_on, fixture_url) -> None:
    # Sales is the mentee's department in P02 and P04; HR the mentor's in P03.
    at = _open(app_on, fixture_url, status="all")
    at = at.multiselect(key="department").set_value(["Sales", "HR"]).run()
    assert sorted(_table(at)["pair"]) == ["P02", "P03", "P04"]


def test_filters_that_match_nothing_say_so(app_on, fixture_url) -> None:
    at = _open(app_on, fixture_url, band="Healthy")
    assert not at.exception
    assert "No pairs match these filters" in page_text(at)
    assert not at.dataframe


@pytest.mark.parametrize("pair_id", ["P03", "P01"])
def test_the_pair_in_the_link_opens_its_detail(app_on, fixture_url, pair_id) -> None:
    at = _open(app_on, fixture_url, status="all", pair=pair_id)
    assert not at.exception
    meetings = _fixture_rows("meetings.csv", pair_id, "held_on")
    goals = _fixture_rows("goals.csv", pair_id, "created_on")
    assert [tab.label for tab in at.tabs] == [
        f"Meetings ({meetings})",
        f"Goals ({goals})",
        "Survey scores",
        "Follow-ups (0)",
        "E-mails (0)",
    ]
    goal_table = next(frame for frame in at.dataframe if "goal" in frame.value.columns).value
    assert len(goal_table) == goals
    assert "No follow-ups logged yet." in page_text(at)
    assert at.get("vega_lite_chart")  # the meeting timeline at least
    assert not at.get("plotly_chart")  # no 4.7 MB script for the browser to compile


def test_the_detail_shows_scores_reasons_and_overdue_goals(app_on, fixture_url) -> None:
    at = _open(app_on, fixture_url, pair="P03")
    metrics = {metric.label: metric.value for metric in at.metric}
    # P03: meetings 28.6, goals 50, sentiment 75 → 45.5 (tests/app/test_headlines.py)
    assert metrics == {
        "Health score": "45.5 / 100",
        "Meetings": "29 / 100",
        "Goals": "50 / 100",
        "Sentiment": "75 / 100",
    }
    # the name "-minus" escaped, so that it is not read as a list item: it shows as written
    assert r"\-minus (mentor) and 李 明 (mentee)" in [header.value for header in at.subheader]
    assert "**Watch** — last meeting 28 days ago; target every 14" in page_text(at)
    frames = _chart(at, "Days between meetings")[1]
    points = next(frame for frame in frames if "days" in frame.columns)
    limits = next(frame for frame in frames if "limit" in frame.columns)
    # Started 2025-02-10, met 2025-02-17 and 2025-03-03; 28 days since on 2025-03-31.
    by_kind = points.groupby("what", sort=False)["days"].agg(list).to_dict()
    assert by_kind == {"Meeting": [7, 14], "No meeting since (as of)": [28]}
    assert points["held_on"].max() == pd.Timestamp("2025-03-31")
    assert set(limits["limit"]) == {14, 28}  # the target cadence and the stall limit (2 × 14)
    assert sorted(limits["label"]) == ["stalled beyond 28 days", "target: every 14 days"]
    # P03's meetings: M005 video, 50 minutes; M006 no format, 0 minutes (the fixture).
    meetings = points[points["what"] == "Meeting"]
    assert meetings[["format", "minutes"]].values.tolist() == [["video", "50"], ["—", "0"]]
    rules = {
        layer["mark"]["color"]: layer["mark"]["strokeDash"]
        for layer in _layers(_chart(at, "Days between meetings")[0])
        if layer["mark"]["type"] == "rule"
    }
    assert set(rules) == {SERIES_COLOURS[2], SERIES_COLOURS[5]}  # target, stall
    # Dates reach the browser as UTC midnights: a UTC scale and tooltip keep 17 Feb the 17th
    # west of Greenwich too (a local one would show the 16th in New York).
    spec = _chart(at, "Days between meetings")[0]
    timed = [layer for layer in _layers(spec) if "field" in layer.get("encoding", {}).get("x", {})]
    assert timed and all(layer["encoding"]["x"]["scale"]["type"] == "utc" for layer in timed)
    tips = [tip for layer in timed for tip in layer["encoding"].get("tooltip", [])]
    assert {tip["formatType"] for tip in tips if tip["field"] == "held_on"} == {"utc"}
    at = _open(app_on, fixture_url, status="all", pair="P02")
    goal_table = next(frame for frame in at.dataframe if "goal" in frame.value.columns).value
    assert goal_table[["goal", "overdue"]].values.tolist() == [
        ["Read a sales dashboard unaided", "Overdue"]
    ]


def test_the_survey_chart_has_one_line_per_person_and_measure(app_on, fixture_url) -> None:
    at = _open(app_on, fixture_url, status="all", pair="P01")
    assert not at.exception
    # Worked out from the fixture: P01's answers by the as-of date, its mentor's and mentee's.
    pairs = pd.read_csv(FIXTURE_PROGRAM / "pairs.csv").set_index("pair_id")
    surveys = pd.read_csv(FIXTURE_PROGRAM / "surveys.csv", parse_dates=["submitted_on"])
    surveys = surveys[
        (surveys["pair_id"] == "P01") & (surveys["submitted_on"] <= pd.Timestamp(FIXTURE_AS_OF))
    ]
    role = {pairs.loc["P01", "mentor_id"]: "Mentor", pairs.loc["P01", "mentee_id"]: "Mentee"}
    expected = sorted(
        (f"{role[row.participant_id]} · {name}", row.submitted_on, float(getattr(row, measure)))
        for row in surveys.itertuples()
        for measure, name in (
            ("satisfaction", "satisfaction"),
            ("relationship_quality", "relationship"),
        )
        if pd.notna(getattr(row, measure))
    )
    spec, (scores,) = _chart(at, "Survey scores from both sides")
    plotted = sorted(
        zip(scores["series"], pd.to_datetime(scores["submitted_on"]), scores["score"], strict=True)
    )
    assert plotted == expected and len(expected) == 4
    encoding = spec["encoding"]
    assert encoding["color"]["field"] == encoding["strokeDash"]["field"] == "series"  # one legend
    scale = encoding["color"]["scale"]
    colours = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colours == {
        "Mentor · satisfaction": SERIES_COLOURS[0],
        "Mentor · relationship": SERIES_COLOURS[0],
        "Mentee · satisfaction": SERIES_COLOURS[1],
        "Mentee · relationship": SERIES_COLOURS[1],
    }
    assert encoding["y"]["title"] == "Score (1–5)"
    assert not at.get("plotly_chart")


def test_a_pair_outside_the_filters_still_opens_from_its_link(app_on, fixture_url) -> None:
    at = _open(app_on, fixture_url, pair="P01")  # completed: not in the default active view
    assert _table(at)["pair"].tolist() == ["P03"]
    assert "the link still opens it" in page_text(at)
    assert at.tabs[0].label == "Meetings (3)"


def test_an_unknown_pair_in_the_link_is_ignored_with_a_note(app_on, fixture_url) -> None:
    at = _open(app_on, fixture_url, pair="NO-SUCH-PAIR")
    assert not at.exception
    assert "is not in this program" in page_text(at)
    assert "pair" not in at.query_params
    assert not at.tabs and len(at.dataframe) == 1


def test_a_pair_not_started_by_the_as_of_date_is_unknown(app_on, fixture_url) -> None:
    at = app_on(fixture_url, page=PAGE, as_of=date(2024, 6, 1))
    at.query_params["pair"] = "P03"  # starts 2025-02-10
    at = at.run()
    assert "is not in this program on 01 Jun 2024" in page_text(at)


def test_selecting_a_row_puts_the_pair_in_the_link(app_on, fixture_url) -> None:
    at = _open(app_on, fixture_url, status="all")
    assert not at.tabs
    row = _table(at)["pair"].tolist().index("P02")
    # AppTest cannot click a row; the table's selection state is what a click sets.
    at.session_state["pair_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at = at.run()
    assert not at.exception
    assert _param(at, "pair") == ["P02"]
    assert at.tabs[0].label == "Meetings (1)"
    at.session_state["pair_table"] = {"selection": {"rows": [], "columns": [], "cells": []}}
    at = at.run()
    assert "pair" not in at.query_params and not at.tabs


def test_the_linked_pair_stays_selected_when_the_filters_reorder_the_table(
    app_on, fixture_url
) -> None:
    at = _open(app_on, fixture_url, status="all", pair="P01")
    assert at.session_state["pair_table"]["selection"]["rows"] == [3]
    at = at.multiselect(key="band").set_value(["Watch"]).run()
    assert _table(at)["pair"].tolist() == ["P03", "P01"]
    assert at.session_state["pair_table"]["selection"]["rows"] == [1]
    assert _param(at, "pair") == ["P01"]


def test_a_long_table_is_bounded_and_says_how_many_there_are(
    app_on, fixture_url, monkeypatch
) -> None:
    monkeypatch.setattr(pair_table, "MAX_ROWS", 2)
    at = _open(app_on, fixture_url, status="all")
    assert _table(at)["pair"].tolist() == ["P03", "P04"]
    assert "Showing the 2 most urgent of 4 pairs" in page_text(at)


def test_coming_back_with_another_pair_in_the_link_opens_that_pair(app_on, fixture_url) -> None:
    at = _open(app_on, fixture_url, status="all", pair="P03")
    assert at.tabs[0].label == "Meetings (2)"
    at.switch_page("screens/data.py").run()
    at.query_params["status"] = "all"
    at.query_params["pair"] = "P01"
    at = at.switch_page(PAGE).run()
    assert not at.exception
    assert _param(at, "pair") == ["P01"]
    assert at.tabs[0].label == "Meetings (3)"
