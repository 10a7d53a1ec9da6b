"""Meetings: the program manager's view of meeting frequency, cadence adherence, gaps and
formats — on the demo program, on an empty store, and by hand on the fixture program. The charts
are Vega-Lite (Altair): their figures are read from the data each chart is given."""

import json
from datetime import date, timedelta

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from app import activity
from app.headlines import program_health
from app.settings import ProgramSettings
from components.palette import SERIES_COLOURS
from data_access.db import make_engine
from data_access.queries import load_program
from tests.screens.audit_program import AS_OF as AUDIT_AS_OF
from tests.screens.conftest import DEMO_AS_OF, FIXTURE_AS_OF, page_text

PAGE = "screens/meetings.py"
COHORT = "link:cohort"


def _figures(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The one table on the page that has `column`."""
    (table,) = [frame.value for frame in at.dataframe if column in frame.value]
    return table


def _chart(at: AppTest, key: str) -> tuple[dict, list[pd.DataFrame]]:
    """The Vega-Lite chart drawn under `key`: its spec and the data frames it was given."""
    (chart,) = [c for c in at.get("vega_lite_chart") if json.loads(c.proto.spec).get("name") == key]
    frames = [convert_arrow_bytes_to_pandas_df(ds.data.data) for ds in chart.proto.datasets]
    if chart.proto.data.data:
        frames.append(convert_arrow_bytes_to_pandas_df(chart.proto.data.data))
    return json.loads(chart.proto.spec), frames


def _data(at: AppTest, key: str, column: str) -> pd.DataFrame:
    """The data frame with `column` of the chart under `key`."""
    (frame,) = [frame for frame in _chart(at, key)[1] if column in frame.columns]
    return frame


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _meetings(url: str, as_of: date) -> pd.DataFrame:
    """Every meeting held up to `as_of`, with its pair's cohort name, read from the store."""
    engine = make_engine(url)
    frame = pd.read_sql(
        "SELECT m.held_on, m.format, c.name AS cohort FROM meeting m "
        "JOIN pair p ON p.pair_id = m.pair_id JOIN cohort c ON c.cohort_id = p.cohort_id",
        engine,
    )
    engine.dispose()
    frame["held_on"] = pd.to_datetime(frame["held_on"])
    return frame[frame["held_on"] <= pd.Timestamp(as_of)]


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
    assert len(at.get("vega_lite_chart")) == 4
    assert not at.get("plotly_chart")  # Altair only: no 4.7 MB Plotly script to compile
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


def test_the_charts_show_the_meetings_of_the_store_on_the_demo(app_on, demo_url) -> None:
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not at.exception
    held = _meetings(demo_url, DEMO_AS_OF)
    # Per month and cohort, as the bars stack them.
    bars = _data(at, "meetings_per_month", "cohort")
    shown = bars.set_index(["month", "cohort"])["meetings"].astype(int).sort_index()
    counted = held.groupby([held["held_on"].dt.strftime("%b %Y"), "cohort"]).size().sort_index()
    assert shown.to_dict() == counted.to_dict()
    spec = _chart(at, "meetings_per_month")[0]
    encoding = _layers(spec)[0]["encoding"]
    assert (encoding["x"]["title"], encoding["y"]["title"]) == ("Month", "Meetings held")
    assert encoding["color"]["title"] == "Cohort"
    # Every month from the first meeting's to the as-of date's, in order, on the axis.
    months = pd.period_range(held["held_on"].min(), DEMO_AS_OF, freq="M")
    assert encoding["x"]["scale"]["domain"] == [f"{month:%b %Y}" for month in months]
    # The cohorts in the screen's order, each in its palette colour.
    colours = encoding["color"]["scale"]
    assert colours["range"] == SERIES_COLOURS[: len(colours["domain"])]
    assert set(colours["domain"]) == set(held["cohort"])
    assert [tip["title"] for tip in encoding["tooltip"]] == ["Cohort", "Month", "Meetings held"]
    # The format mix: counts and shares of all meetings, most held first.
    formats = _data(at, "format_mix", "text")
    by_format = held["format"].fillna("unknown").str.replace("_", " ").str.capitalize()
    counted = by_format.value_counts()
    assert formats.set_index("label")["meetings"].astype(int).to_dict() == counted.to_dict()
    assert formats["meetings"].is_monotonic_decreasing
    assert formats["text"].tolist() == [
        f"{counted[label]:,} ({counted[label] / len(held):.0%})" for label in formats["label"]
    ]
    # The heatmap: every cohort × ISO week of the last 26, zero where none.
    cells = _data(at, "week_heatmap", "week")
    monday = DEMO_AS_OF - timedelta(days=DEMO_AS_OF.weekday())
    recent = held[held["held_on"] >= pd.Timestamp(monday - timedelta(weeks=25))]
    iso = recent["held_on"].dt.isocalendar()
    weeks = recent.assign(
        week=[f"{y}-W{w:02d}" for y, w in zip(iso["year"], iso["week"], strict=True)]
    )
    counted = weeks.groupby(["cohort", "week"]).size()
    assert len(cells) == 26 * cells["cohort"].nunique()
    for cell in cells.itertuples():
        assert cell.meetings == counted.get((cell.cohort, cell.week), 0), cell
    assert cells["meetings"].sum() == len(recent)


def test_the_partial_current_month_is_paler_and_labelled(app_on, demo_url) -> None:
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()  # 23 Nov 2026
    assert not at.exception
    spec, _ = _chart(at, "meetings_per_month")
    bars = _data(at, "meetings_per_month", "partial")
    assert bars["partial"].tolist() == (bars["month"] == "Nov 2026").tolist()
    assert bars["partial"].any()
    opacity = _layers(spec)[0]["encoding"]["opacity"]
    assert opacity["condition"]["value"] < opacity["value"] == 1
    note = _data(at, "meetings_per_month", "note")
    assert note[["month", "note"]].values.tolist() == [
        ["Nov 2026", "partial: Nov 2026 (to 23 Nov)"]
    ]
    assert "Nov 2026 (to 23 Nov) is a partial month" in page_text(at)
    # A month's last day is a whole month: nothing is marked.
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF.replace(day=30)).run()
    assert not _data(at, "meetings_per_month", "partial")["partial"].any()
    assert not [frame for frame in _chart(at, "meetings_per_month")[1] if "note" in frame]
    assert "partial:" not in json.dumps(_chart(at, "meetings_per_month")[0])
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
    formats = _data(at, "format_mix", "text")
    assert dict(zip(formats["label"], formats["text"], strict=True)) == {
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
    heatmap = _data(at, "week_heatmap", "week")
    assert set(heatmap["cohort"]) == {"2024 pilot"}
    months = _data(at, "meetings_per_month", "cohort")
    assert set(months["cohort"]) == {"2024 pilot"}
    assert months["meetings"].sum() == 4  # M001–M004


def test_a_cohort_in_the_link_is_applied(app_on, fixture_url) -> None:
    at = app_on(fixture_url, page=PAGE, as_of=FIXTURE_AS_OF)
    at.query_params["cohort"] = "C2025"
    at = at.run()
    assert at.multiselect(key=COHORT).value == ["C2025"]
    assert _figures(at)["Active pairs"] == "1"
    formats = _data(at, "format_mix", "text")
    assert dict(zip(formats["label"], formats["meetings"], strict=True)) == {
        "Video": 2,
        "Unknown": 1,
    }


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
    assert not at.metric and not at.dataframe
    assert not at.get("plotly_chart") and not at.get("vega_lite_chart")


def test_cohort_names_go_into_the_charts_as_written(app_on, markup_url) -> None:
    # Vega-Lite draws text as text: a name with markup (HTML, Markdown, LaTeX) is given as it
    # is stored, neither escaped nor interpreted.
    at = app_on(markup_url, page=PAGE, as_of=AUDIT_AS_OF).run()
    assert not at.exception
    engine = make_engine(markup_url)
    names = set(pd.read_sql("SELECT name FROM cohort", engine)["name"])
    engine.dispose()
    for key in ("meetings_per_month", "week_heatmap"):
        shown = set(_data(at, key, "cohort")["cohort"])
        assert shown <= names and any("<b>h</b>" in name and "$m$" in name for name in shown), key
    spec = _chart(at, "meetings_per_month")[0]
    assert set(_layers(spec)[0]["encoding"]["color"]["scale"]["domain"]) <= names


def _many_cohorts_page(cohorts: int) -> AppTest:
    """Both charts drawn by themselves for `cohorts` cohorts: cohort n held n meetings in every
    month of 2026 and every week of the heatmap, so the busiest are the last ones."""

    def page(count: int) -> None:
        from datetime import date

        import pandas as pd

        from components.meeting_charts import monthly_meetings_chart, week_heatmap
        from data_access import activity

        names = {f"C{n:02d}": f"Cohort {n}" for n in range(1, count + 1)}
        months = pd.date_range("2026-01-01", "2026-11-01", freq="MS")
        per_month = pd.DataFrame(
            [
                {"month": month, "cohort_id": cohort_id, "meetings": int(cohort_id[1:])}
                for month in months
                for cohort_id in names
            ]
        )
        as_of = date(2026, 11, 30)
        first = activity.first_heatmap_week(as_of, 26)
        per_week = pd.DataFrame(
            [
                {"week_start": week, "cohort_id": cohort_id, "meetings": int(cohort_id[1:])}
                for week in pd.date_range(first, periods=26, freq="7D")
                for cohort_id in names
            ]
        )
        monthly_meetings_chart(per_month, names, as_of)
        week_heatmap(per_week, names, as_of=as_of, weeks=26)

    return AppTest.from_function(page, args=(cohorts,)).run()


def test_with_more_cohorts_than_colours_the_busiest_keep_theirs_and_the_rest_are_summed() -> None:
    at = _many_cohorts_page(10)
    assert not at.exception
    bars = _data(at, "meetings_per_month", "cohort")
    per_bar = bars.groupby("cohort")["meetings"].sum() / 11  # 11 months
    own = [f"Cohort {n}" for n in range(5, 11)]  # the 6 busiest
    assert per_bar.to_dict() == {**{name: int(name[7:]) for name in own}, "Other cohorts (4)": 10}
    assert bars.groupby("month")["meetings"].sum().eq(sum(range(1, 11))).all()  # nothing lost
    colours = _layers(_chart(at, "meetings_per_month")[0])[0]["encoding"]["color"]["scale"]
    assert colours["domain"] == [*own, "Other cohorts (4)"]
    assert len(set(colours["range"])) == 7  # no colour twice
    assert "other 4 are stacked together as *Other cohorts*" in page_text(at)
    # The heatmap: every cohort still a row of its own, its counts in a tooltip only.
    assert set(_data(at, "week_heatmap", "week")["cohort"]) == {f"Cohort {n}" for n in range(1, 11)}
    assert len(_layers(_chart(at, "week_heatmap")[0])) == 2  # 10 cohorts: counts written


def test_a_heatmap_of_many_cohorts_leaves_the_counts_to_its_tooltip() -> None:
    at = _many_cohorts_page(13)
    assert not at.exception
    spec = _chart(at, "week_heatmap")[0]
    (squares,) = _layers(spec)
    assert squares["mark"]["type"] == "rect"
    assert "Meetings" in [tip["title"] for tip in squares["encoding"]["tooltip"]]
    assert "13 cohorts: point at a square for its count" in page_text(at)


def test_seven_cohorts_each_keep_a_colour() -> None:
    at = _many_cohorts_page(7)
    bars = _data(at, "meetings_per_month", "cohort")
    assert set(bars["cohort"]) == {f"Cohort {n}" for n in range(1, 8)}
    assert "Other cohorts" not in page_text(at)
