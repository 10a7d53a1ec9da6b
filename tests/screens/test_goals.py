"""Goals: completion by cohort and category, overdue goals, time to complete — on the demo
program, on an empty store, and by hand on the fixture program. The completion charts are
Vega-Lite (Altair): their figures are read from the data each chart is given."""

import csv
import io
import json
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import insert
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from app import activity, formats, metrics
from app.headlines import headline_figures, program_health
from app.settings import ProgramSettings
from components.long_table import SHOWN_ROWS
from components.palette import SERIES_COLOURS
from data_access.db import make_engine
from data_access.models import Goal
from data_access.queries import load_program
from tests.screens.audit_program import AS_OF as AUDIT_AS_OF
from tests.screens.conftest import DEMO_AS_OF, FIXTURE_AS_OF, page_text
from tests.screens.page_content import DownloadCapture

PAGE = "screens/goals.py"
COHORT = "link:cohort"
CATEGORY = "category"


def _figures(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _chart(at: AppTest, key: str) -> tuple[dict, pd.DataFrame]:
    """The completion chart drawn under `key`: its spec and the data frame it was given."""
    (chart,) = [c for c in at.get("vega_lite_chart") if json.loads(c.proto.spec).get("name") == key]
    (frame,) = [convert_arrow_bytes_to_pandas_df(ds.data.data) for ds in chart.proto.datasets]
    return json.loads(chart.proto.spec), frame


def _bar_texts(at: AppTest, key: str) -> dict[str, str]:
    """Bar label → the text written beside it, of the completion chart under `key`."""
    bars = _chart(at, key)[1]
    return dict(zip(bars["group"], bars["text"], strict=True))


def _overdue(at: AppTest) -> pd.DataFrame:
    (table,) = [frame.value for frame in at.dataframe if "days_overdue" in frame.value]
    return table


def test_the_demo_program_shows_every_section(app_on, demo_url) -> None:
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not at.exception
    assert [title.value for title in at.title] == ["Goals"]
    overdue = _overdue(at)
    late = int(_figures(at)["Overdue goals"].replace(",", ""))
    assert [header.value for header in at.header] == [
        "Completion by cohort",
        "Completion by category",
        f"Overdue goals ({late:,})",
        "Time to complete",
    ]
    assert len(overdue) == min(late, SHOWN_ROWS) > 10 and overdue["title"].notna().all()
    assert overdue["days_overdue"].is_monotonic_decreasing
    assert len(at.get("vega_lite_chart")) == 3
    assert not at.get("plotly_chart")  # Altair only: no 4.7 MB Plotly script to compile


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
    # Each completion bar: the share of its group's goals (dropped ones aside) that are done.
    for key, column in [("by_cohort", "cohort_id"), ("by_category", "category")]:
        spec, bars = _chart(at, key)
        names = program.cohorts.set_index("cohort_id")["name"] if column == "cohort_id" else {}
        expected = {
            names.get(value, value): (metrics.goal_completion(group), group)
            for value, group in goals.groupby(column)
        }
        assert set(bars["group"]) == set(expected)
        for bar in bars.itertuples():
            share, group = expected[bar.group]
            assert bar.percent == pytest.approx(share * 100), bar
            open_goals = group[group["status"] != "dropped"]
            done = int((open_goals["status"] == "done").sum())
            assert bar.text == f"{share:.0%} ({done} of {len(open_goals)})", bar


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
    # The bars in the table's order, on a 0–100 axis, in the palette's first colour; the
    # "no goals" of a group without a bar is written at 0.
    spec, bars = _chart(at, "by_category")
    bar_layer, text_layer = spec["layer"]
    assert bar_layer["encoding"]["y"]["sort"] == list(bars["group"])
    assert bar_layer["encoding"]["x"]["title"] == "Goal completion (%)"
    assert bar_layer["encoding"]["x"]["scale"]["domain"] == [0, 100]
    assert bar_layer["mark"]["color"] == SERIES_COLOURS[0]
    assert [tip["title"] for tip in bar_layer["encoding"]["tooltip"]] == [
        "Category",
        "Goal completion",
    ]
    assert bars.set_index("group")["text_at"]["social media"] == 0
    assert text_layer["encoding"]["text"]["field"] == "text"
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
    assert not at.metric and not at.dataframe
    assert not at.get("plotly_chart") and not at.get("vega_lite_chart")


def test_due_dates_read_like_every_other_screen(app_on, fixture_url) -> None:
    at = app_on(fixture_url, page=PAGE, as_of=FIXTURE_AS_OF).run()
    (table,) = [frame for frame in at.dataframe if "days_overdue" in frame.value]
    config = json.loads(table.proto.columns)
    assert config["due_on"]["type_config"]["format"] == formats.DATE_COLUMN == "D MMM YYYY"


def _store_overdue(url: str, as_of: date) -> pd.DataFrame:
    """The goals overdue on `as_of`, read from the store and worked out here: pair started by
    then, goal created by then (or undated), due before, not done (by then) or dropped. Most
    overdue first."""
    engine = make_engine(url)
    goals = pd.read_sql(
        "SELECT g.goal_id, g.title, g.created_on, g.due_on, g.completed_on, g.status "
        "FROM goal g JOIN pair p ON p.pair_id = g.pair_id WHERE p.started_on <= :day",
        engine,
        params={"day": as_of.isoformat()},
    )
    engine.dispose()
    for column in ("created_on", "due_on", "completed_on"):
        goals[column] = pd.to_datetime(goals[column]).dt.date
    existed = goals["created_on"].isna() | (goals["created_on"] <= as_of)
    done = (goals["status"] == "done") & goals["completed_on"].map(
        lambda day: day is not None and not pd.isna(day) and day <= as_of
    )
    late = (
        existed
        & ~done
        & (goals["status"] != "dropped")
        & goals["due_on"].map(lambda day: day is not None and not pd.isna(day) and day < as_of)
    )
    overdue = goals[late].assign(days=lambda frame: [(as_of - d).days for d in frame["due_on"]])
    return overdue.sort_values(["days", "goal_id"], ascending=[False, True], ignore_index=True)


def test_a_long_overdue_list_shows_its_first_rows_and_downloads_every_one(
    app_on, fixture_url, monkeypatch
) -> None:
    # 130 more open goals of P03 (started 2025-02-10), due on one of the days before the as-of
    # date; one titled like a spreadsheet formula.
    engine = make_engine(fixture_url)
    with engine.begin() as connection:
        connection.execute(
            insert(Goal),
            [
                {
                    "goal_id": f"X{n:03d}",
                    "pair_id": "P03",
                    "title": "=1+1" if n == 7 else f"Extra goal {n}",
                    "category": "AI",
                    "created_on": date(2025, 2, 10),
                    "due_on": FIXTURE_AS_OF - timedelta(days=1 + n % 45),
                    "status": "in_progress" if n % 2 else "not_started",
                }
                for n in range(130)
            ],
        )
    engine.dispose()
    expected = _store_overdue(fixture_url, FIXTURE_AS_OF)
    assert len(expected) > SHOWN_ROWS
    downloads = DownloadCapture(monkeypatch)
    at = app_on(fixture_url, page=PAGE, as_of=FIXTURE_AS_OF).run()
    assert not at.exception
    assert _figures(at)["Overdue goals"] == f"{len(expected):,}"
    assert f"Overdue goals ({len(expected):,})" in [header.value for header in at.header]
    shown = _overdue(at)
    assert shown["title"].tolist() == expected["title"].head(SHOWN_ROWS).tolist()
    assert shown["days_overdue"].tolist() == expected["days"].head(SHOWN_ROWS).tolist()
    assert f"The first {SHOWN_ROWS:,} of {len(expected):,} overdue goals" in page_text(at)
    # The download, made on the click: every overdue goal, under the table's headers.
    (text,) = downloads.texts()
    header, *rows = csv.reader(io.StringIO(text))
    assert header == [
        "Goal",
        "Due",
        "Days overdue",
        "Mentor",
        "Mentee",
        "Category",
        "Cohort",
        "Pair",
        "Status",
    ]
    assert len(rows) == len(expected)
    guarded = ["'=1+1" if title == "=1+1" else title for title in expected["title"]]
    assert [row[0] for row in rows] == guarded
    assert "'=1+1" in [row[0] for row in rows]
    assert [int(row[2]) for row in rows] == expected["days"].tolist()
    assert [row[1] for row in rows] == [day.isoformat() for day in expected["due_on"]]


def test_cohort_names_and_categories_go_into_the_charts_as_written(app_on, markup_url) -> None:
    # Vega-Lite draws text as text: a name with markup (HTML, Markdown, LaTeX) is given as it
    # is stored, neither escaped nor interpreted.
    at = app_on(markup_url, page=PAGE, as_of=AUDIT_AS_OF).run()
    assert not at.exception
    engine = make_engine(markup_url)
    names = set(pd.read_sql("SELECT name FROM cohort", engine)["name"])
    categories = set(pd.read_sql("SELECT category FROM goal", engine)["category"].dropna())
    engine.dispose()
    cohorts = set(_chart(at, "by_cohort")[1]["group"])
    assert cohorts <= names and any("<b>h</b>" in name and "$m$" in name for name in cohorts)
    shown = set(_chart(at, "by_category")[1]["group"])
    assert shown and shown <= categories | {activity.UNCATEGORISED}
