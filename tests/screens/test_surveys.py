"""The Surveys screen: every figure under the anonymity rule, hidden cells that say why, the
breakdown and cohort in the link, comments only for program managers and never with a name."""

import csv
import io
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app.privacy import AnonymitySettings, survey_breakdown, survey_trend, with_pair_cohorts
from data_access.csv_format import escape_cell
from data_access.db import make_engine
from data_access.importer import read_directory, run_import
from data_access.queries import cohort_list, load_program
from data_access.survey_comments import people_for_comments, survey_comments
from tests.screens.conftest import DEMO_AS_OF, page_text
from tests.screens.page_content import DownloadCapture, open_comment_groups, vega_charts

PAGE = "screens/surveys.py"
AS_OF = date(2025, 3, 31)
SMALL = "hidden: fewer than 5 respondents"
SUBTRACTION = "hidden: would reveal a small group by subtraction"
KPIS = ["Responses", "Respondents", "NPS", "Satisfaction", "Skill uplift"]

# --- A hand-made program: Finance 3, HR 6, Sales 7 respondents (docs/metrics.md's example) -------
SALES_SATISFACTION = [5, 5, 4, 4, 4, 3, 3]  # mean 4.0
SALES_NPS = [10, 9, 9, 8, 7, 6, 3]  # 3 promoters, 2 detractors of 7 → +14
DEPARTMENTS = {"Finance": 3, "HR": 6, "Sales": 7}
FIRST_NAMES = ["Fay", "Gus", "Hal", "Ivy", "Jon", "Kim", "Lea", "Max"]


def _people() -> list[dict[str, str]]:
    people = []
    for department, size in DEPARTMENTS.items():
        for index in range(size):
            number = len(people)
            people.append(
                {
                    "participant_id": f"U{number:02d}",
                    "name": f"{FIRST_NAMES[number % 8]} {department}son{index}",
                    "email": f"u{number:02d}@example.com",
                    "role": "mentor" if number % 2 == 0 else "mentee",
                    "department": department,
                    "index": str(index),
                }
            )
    return people


PEOPLE = _people()
NAMES = [person["name"] for person in PEOPLE]


def _csv(rows: list[dict[str, object]]) -> str:
    return pd.DataFrame(rows).to_csv(index=False)


def _answer(person: dict[str, str], number: int) -> dict[str, object]:
    department, index = person["department"], int(person["index"])
    if department == "Sales":
        satisfaction, nps = SALES_SATISFACTION[index], SALES_NPS[index]
    else:
        satisfaction, nps = (1, 0) if department == "Finance" else (2, 5)
    # Everyone comments; one in two names their partner, which must never reach the screen.
    partner = PEOPLE[number + 1 if number % 2 == 0 else number - 1]["name"]
    comment = f"Sessions with {partner} helped" if number % 2 else f"Comment {number} on pace"
    return {
        "response_id": f"S{number:02d}",
        "participant_id": person["participant_id"],
        "cohort_id": "C1",
        "submitted_on": "2025-03-10",
        "kind": "pulse",
        "satisfaction": satisfaction,
        "relationship_quality": 4,
        "digital_confidence": 3,
        "nps": nps,
        "comment": comment,
    }


def _import_pilot(
    url: str, folder: Path, people: list[dict], answers: list[dict], pair_prefix: str
) -> str:
    """`people` (as participants.csv rows) paired in twos in one cohort, "Pilot", with
    `answers`, imported into the store at `url`; returns `url`."""
    folder.mkdir()
    files = {
        "cohorts.csv": _csv([{"cohort_id": "C1", "name": "Pilot", "start_date": "2025-01-06"}]),
        "participants.csv": _csv(people),
        "pairs.csv": _csv(
            [
                {
                    "pair_id": f"{pair_prefix}{number:03d}",
                    "cohort_id": "C1",
                    "mentor_id": people[number]["participant_id"],
                    "mentee_id": people[number + 1]["participant_id"],
                    "started_on": "2025-01-13",
                    "status": "active",
                }
                for number in range(0, len(people), 2)
            ]
        ),
        "surveys.csv": _csv(answers),
    }
    for name, text in files.items():
        (folder / name).write_text(text)
    engine = make_engine(url)
    assert run_import(read_directory(folder), engine=engine).applied
    engine.dispose()
    return url


@pytest.fixture
def small_url(sqlite_url: str, tmp_path: Path) -> str:
    """The hand-made program in an empty SQLite store."""
    return _import_pilot(
        sqlite_url,
        tmp_path / "program",
        [{key: value for key, value in p.items() if key != "index"} for p in PEOPLE],
        [_answer(person, number) for number, person in enumerate(PEOPLE)],
        "P",
    )


# --- Reading the screen -------------------------------------------------------------------------
def _table(at: AppTest) -> pd.DataFrame:
    """The breakdown table (the one table with a Group column)."""
    (table,) = [frame.value for frame in at.dataframe if "Group" in frame.value.columns]
    return table


def _comments(at: AppTest) -> list[str]:
    """Every comment listed on the screen (every group opened)."""
    open_comment_groups(at)
    lists = [frame.value["Comment"] for frame in at.dataframe if "Comment" in frame.value.columns]
    return [text for texts in lists for text in texts]


def _metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _comment_expanders(at: AppTest) -> list[str]:
    return [expander.label for expander in at.expander]


def _everything(at: AppTest) -> str:
    """All a reader could see: text, metrics, every table cell, expander labels, chart data
    (every comment group opened)."""
    open_comment_groups(at)
    parts = [page_text(at), *_comment_expanders(at)]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    parts += [json.dumps(spec) + frame.to_csv() for spec, frame in vega_charts(at)]
    parts += [json.dumps(toast.value) for toast in at.toast]
    return "\n".join(parts)


def _charts(at: AppTest) -> list[dict[str, np.ndarray]]:
    """Each chart as series name → values in its order (NaN where the chart leaves a gap)."""
    return [
        {
            name: rows["value"].to_numpy(dtype=float)
            for name, rows in frame.groupby("series", sort=False)
        }
        for _spec, frame in vega_charts(at)
        if "series" in frame.columns
    ]


def _param(at: AppTest, name: str) -> list[str]:
    """The link's values of `name` (AppTest keeps one or a list)."""
    value = at.query_params[name]
    return list(value) if isinstance(value, list) else [value]


def _open(app_on, url: str, role: str, as_of: date, **params: str) -> AppTest:
    at = app_on(url, role=role, page=PAGE, as_of=as_of)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


# --- Roles and empty stores ----------------------------------------------------------------------
@pytest.mark.parametrize("role", ["executive", "program_manager"])
def test_each_allowed_role_sees_the_screen_on_the_demo_program(app_on, demo_url, role) -> None:
    at = _open(app_on, demo_url, role, DEMO_AS_OF)
    assert not at.exception
    assert [title.value for title in at.title] == ["Surveys"]
    assert list(_metrics(at)) == KPIS
    assert _metrics(at)["Respondents"] != "hidden"
    assert len(at.get("vega_lite_chart")) >= 4
    assert not at.get("plotly_chart")  # Altair only: no 4.7 MB Plotly script to compile
    table = _table(at)
    assert table["Group"].iloc[-1] == "All" and len(table) > 1
    # Comments are a program manager's only: an executive gets no comment section at all.
    assert ("Comments" in [header.value for header in at.header]) is (role == "program_manager")


@pytest.mark.parametrize("role", ["executive", "program_manager"])
def test_an_empty_store_says_what_to_do(app_on, sqlite_url, role) -> None:
    at = _open(app_on, sqlite_url, role, DEMO_AS_OF)
    assert not at.exception
    assert "The store holds no program yet" in at.info[-1].value
    assert not at.metric and not at.dataframe


def test_a_coordinator_gets_only_the_access_message(app_on, demo_url) -> None:
    at = _open(app_on, demo_url, "coordinator", DEMO_AS_OF)
    assert not at.exception
    assert [title.value for title in at.title] == ["Surveys"]
    assert "You are viewing PairPulse as" in at.warning[0].value
    assert not at.metric and not at.dataframe and not at.get("vega_lite_chart")


# --- The numbers under the rule ------------------------------------------------------------------
def test_the_breakdown_shows_only_safe_groups_and_says_why_the_others_are_hidden(
    app_on, small_url
) -> None:
    at = _open(app_on, small_url, "program_manager", AS_OF, by="department")
    assert not at.exception
    table = _table(at).set_index("Group")

    assert table.index.tolist() == ["Finance", "HR", "Sales", "All"]
    assert table.loc["Finance", "Note"] == SMALL
    assert table.loc["HR", "Note"] == SUBTRACTION
    for hidden in ("Finance", "HR"):
        figures = table.loc[hidden].drop("Note")
        assert (figures == "hidden").all(), figures
    # By hand: Sales 4.0 and +14 (3 promoters − 2 detractors of 7); All (3·1 + 6·2 + 28) ÷ 16 and
    # (3 − 11) ÷ 16 = −50.
    assert table.loc["Sales"].tolist() == ["7", "7", "4.0", "4.0", "3.0", "+14", ""]
    assert table.loc["All"].tolist() == ["16", "16", "2.7", "4.0", "3.0", "-50", ""]

    # …and they are app.privacy's figures, written out.
    engine = make_engine(small_url)
    program = load_program(engine, as_of=AS_OF)
    engine.dispose()
    expected = survey_breakdown(
        program.surveys,
        program.participants,
        by="department",
        as_of=AS_OF,
        settings=AnonymitySettings(),
    ).set_index("group")
    assert expected.loc[["Finance", "HR"], "shown"].tolist() == [False, False]
    for group in ("Sales", "All"):
        assert table.loc[group, "Satisfaction"] == f"{expected.loc[group, 'satisfaction']:.1f}"
        assert table.loc[group, "NPS"] == f"{expected.loc[group, 'nps']:+.0f}"
        assert table.loc[group, "Respondents"] == str(expected.loc[group, "respondents"])

    kpis = _metrics(at)
    assert kpis["Responses"] == "16" and kpis["Respondents"] == "16"
    assert kpis["NPS"] == "-50" and kpis["Satisfaction"] == "2.7"
    assert kpis["Skill uplift"] == "—"  # nobody answered a baseline and an exit survey
    assert "No mentee has answered both a baseline and an exit survey yet." in page_text(at)
    assert "Hidden: fewer than" not in page_text(at)


def test_a_program_smaller_than_the_minimum_is_hidden_everywhere_with_the_reason(
    app_on, fixture_url
) -> None:
    # The fixture program has four respondents by 31 March 2025.
    at = _open(app_on, fixture_url, "executive", AS_OF, by="role")
    assert not at.exception
    kpis = _metrics(at)
    assert [kpis[label] for label in KPIS[:4]] == ["hidden"] * 4
    assert "Survey figures are hidden: fewer than 5 respondents (anonymity rule)" in page_text(at)
    table = _table(at)
    assert (table.drop(columns=["Group", "Note"]) == "hidden").all().all()
    assert table["Note"].str.startswith("hidden: ").all()


def test_the_trend_charts_draw_survey_trend_with_gaps_where_it_hides(app_on, demo_url) -> None:
    at = _open(app_on, demo_url, "program_manager", DEMO_AS_OF, question="digital_confidence")
    assert not at.exception
    engine = make_engine(demo_url)
    program = load_program(engine, as_of=DEMO_AS_OF)
    engine.dispose()
    surveys, people = program.surveys, program.participants
    trend = survey_trend(surveys, people, as_of=DEMO_AS_OF)
    by_role = survey_trend(surveys, people, as_of=DEMO_AS_OF, by_role=True)
    charts = _charts(at)
    (months,) = [chart for chart in charts if "Relationship quality" in chart and len(chart) == 2]
    (roles,) = [chart for chart in charts if set(chart) == {"Mentors", "Mentees"}]
    captions = [caption.value for caption in at.caption]

    # What reaches the browser is rounded as the page writes it (one decimal).
    np.testing.assert_allclose(months["Satisfaction"], trend["satisfaction"].astype(float).round(1))
    for role, label in (("mentor", "Mentors"), ("mentee", "Mentees")):
        cells = by_role[by_role["role"] == role].set_index("month")
        expected = cells["digital_confidence"].reindex(trend["month"]).astype(float)
        np.testing.assert_allclose(roles[label], expected.round(1))
        # Each hidden cell is a gap, and the caption says which month and why.
        hidden = cells[cells["note"].str.contains("digital_confidence")]
        assert len(hidden) and np.isnan(roles[label][trend["month"].isin(hidden.index)]).all()
        (caption,) = [caption for caption in captions if caption.startswith("Hidden, left as")]
        for month in hidden.index:
            assert month in caption.split(f"{label}: ")[1]
        assert "Digital confidence in 2026-02" in caption
    assert "fewer than 5 respondents answered" in caption


def test_two_as_of_dates_in_one_month_show_the_same_figures(app_on, demo_url) -> None:
    """Across as-of dates (docs/metrics.md): moving the as-of date by a day gave away one
    person's answers."""
    pages = [_open(app_on, demo_url, "program_manager", date(2026, 11, day)) for day in (9, 10)]
    assert not any(at.exception for at in pages)
    first, second = ([_table(at), _metrics(at), _charts(at)] for at in pages)
    pd.testing.assert_frame_equal(first[0], second[0])
    assert first[1] == second[1]
    for one, other in zip(first[2], second[2], strict=True):
        assert one.keys() == other.keys()
        for name in one:
            np.testing.assert_array_equal(one[name], other[name])


def test_the_partial_month_is_withheld_and_marked_and_charts_carry_rounded_figures(
    app_on, demo_url
) -> None:
    at = _open(app_on, demo_url, "program_manager", DEMO_AS_OF)  # 23 Nov 2026
    assert not at.exception
    text = page_text(at)
    assert "submitted by 31 Oct 2026, the end of the last complete month" in text
    assert "Partial month withheld: Nov 2026 (to 23 Nov) is shown when it ends." in text
    for _spec, frame in vega_charts(at):
        assert not any(str(x).startswith("2026-11") for x in frame.get("x", []))
    values = np.concatenate([y for chart in _charts(at) for y in chart.values()])
    values = values[~np.isnan(values)]
    assert len(values) and np.array_equal(values, np.round(values, 1))


# --- Filters in the link -------------------------------------------------------------------------
def test_the_breakdown_and_the_cohort_go_into_the_link(app_on, demo_url) -> None:
    at = _open(app_on, demo_url, "program_manager", DEMO_AS_OF)
    everyone = _metrics(at)["Respondents"]
    assert "by" not in at.query_params  # the default breakdown (cohort) is not written out

    at = at.selectbox(key="link:by").set_value("department").run()
    assert _param(at, "by") == ["department"]
    assert at.header and "Breakdown by" in [box.label for box in at.selectbox]

    engine = make_engine(demo_url)
    first = cohort_list(engine)["cohort_id"].iloc[0]
    engine.dispose()
    at = at.multiselect(key="link:cohort").set_value([first]).run()
    assert not at.exception
    assert _param(at, "cohort") == [first]
    assert _metrics(at)["Respondents"] != everyone
    assert _param(at, "by") == ["department"]


def test_a_link_with_by_department_opens_that_breakdown(app_on, demo_url) -> None:
    at = _open(app_on, demo_url, "executive", DEMO_AS_OF, by="department")
    assert not at.exception
    assert at.selectbox(key="link:by").value == "department"
    engine = make_engine(demo_url)
    program = load_program(engine, as_of=DEMO_AS_OF)
    engine.dispose()
    departments = set(program.participants["department"].dropna())
    groups = _table(at)["Group"].tolist()
    assert groups[-1] == "All"
    assert set(groups[:-1]) <= departments | {"Unknown"} and len(groups) > 2


# --- Comments and names --------------------------------------------------------------------------
@pytest.mark.parametrize("by", ["department", "kind", "role"])
def test_an_executive_sees_no_comment_and_no_name(app_on, small_url, by) -> None:
    at = _open(app_on, small_url, "executive", AS_OF, by=by)
    assert not at.exception
    seen = _everything(at)
    assert "Sessions with" not in seen and "on pace" not in seen
    assert not [name for name in NAMES if name in seen]
    assert not [word for word in {name.split()[1] for name in NAMES} if word in seen]
    assert not at.expander


def test_an_executive_sees_no_name_and_no_comment_of_the_demo_program(app_on, demo_url) -> None:
    engine = make_engine(demo_url)
    names = people_for_comments(engine)["name"].tolist()
    comments = survey_comments(engine, as_of=DEMO_AS_OF)["comment"].tolist()
    engine.dispose()
    assert len(names) > 100 and len(comments) > 10
    for by in ("department", "role"):
        at = _open(app_on, demo_url, "executive", DEMO_AS_OF, by=by)
        seen = _everything(at)
        assert [name for name in names if name in seen] == []
        assert [comment for comment in comments if comment in seen] == []


def test_a_program_manager_sees_comments_only_for_groups_of_ten_and_no_name(
    app_on, small_url
) -> None:
    # By department every group is under 10: only everyone's 16 comments are listed.
    at = _open(app_on, small_url, "program_manager", AS_OF, by="department")
    assert not at.exception
    assert _comment_expanders(at) == ["Everyone · 16 comments"]
    listed = _comments(at)
    assert len(listed) == 16
    assert sum("[redacted]" in text for text in listed) == 8
    seen = _everything(at)
    assert not [name for name in NAMES if name in seen]

    # By survey kind the one kind (pulse) has all 16 people, so it is listed too.
    at = at.selectbox(key="link:by").set_value("kind").run()
    assert _comment_expanders(at) == ["Everyone · 16 comments", "Pulse · 16 comments"]


def test_with_too_few_people_no_comment_is_listed_and_the_rule_is_said(app_on, fixture_url) -> None:
    at = _open(app_on, fixture_url, "program_manager", date(2025, 3, 31))
    assert not at.exception
    assert not at.expander
    assert "Comments appear only for groups of 10 or more respondents" in page_text(at)
    assert "great program" not in _everything(at) and "AI every week" not in _everything(at)


def test_a_cohort_filter_shows_only_what_no_other_choice_can_be_subtracted_from(
    app_on, demo_url
) -> None:
    engine = make_engine(demo_url)
    whole = load_program(engine, as_of=DEMO_AS_OF)
    engine.dispose()
    surveys = with_pair_cohorts(whole.surveys, whole.pairs)
    # C02: C03's answers are all from November, the partial month, so it publishes none yet.
    cohort = "C02"
    at = _open(app_on, demo_url, "executive", DEMO_AS_OF, by="department", cohort=cohort)
    assert not at.exception
    table = _table(at).set_index("Group")
    expected = survey_breakdown(
        surveys, whole.participants, by="department", as_of=DEMO_AS_OF, cohorts=[cohort]
    ).set_index("group")
    assert table.index.tolist() == expected.index.tolist()
    for group, row in expected.iterrows():
        shown = "hidden" if not row["shown"] else str(row["respondents"])
        assert table.loc[group, "Respondents"] == shown, group
    # Narrowing the responses first would show departments that the whole program's figures
    # minus these would give away; the screen hides them, saying why.
    narrowed = survey_breakdown(
        surveys[surveys["cohort_id"] == cohort],
        whole.participants,
        by="department",
        as_of=DEMO_AS_OF,
    ).set_index("group")
    subtracted = expected[~expected["shown"] & narrowed["shown"]].index
    assert len(subtracted) > 0
    assert (table.loc[subtracted, "Note"] == SUBTRACTION).all()


def test_skill_uplift_over_a_cohort_is_shown_only_where_its_confidence_is(app_on, demo_url) -> None:
    # Uplift is no sum of cells, so over chosen cohorts it follows their digital confidence in
    # the whole program's table: shown there, or the uplift is hidden "by subtraction".
    engine = make_engine(demo_url)
    whole = load_program(engine, as_of=DEMO_AS_OF)
    cohorts = cohort_list(engine)["cohort_id"].tolist()
    engine.dispose()
    surveys = with_pair_cohorts(whole.surveys, whole.pairs)
    outcomes = set()
    for cohort in cohorts:
        total = (
            survey_breakdown(
                surveys, whole.participants, by="month", as_of=DEMO_AS_OF, cohorts=[cohort]
            )
            .set_index("group")
            .loc["All"]
        )
        confidence_shown = bool(total["shown"]) and pd.notna(total["digital_confidence"])
        at = _open(app_on, demo_url, "executive", DEMO_AS_OF, cohort=cohort)
        assert not at.exception
        uplift = _metrics(at).get("Skill uplift")
        if uplift is None:  # no survey in this cohort yet: the page says so instead
            continue
        if not confidence_shown:
            assert uplift in ("hidden", "—"), cohort
        outcomes.add((confidence_shown, uplift == "hidden"))
    assert (True, False) in outcomes  # some cohort shows its uplift


def test_a_long_comment_list_shows_its_first_rows_and_downloads_every_one(
    app_on, sqlite_url, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """130 people comment: the screen lists 100 and says so; the CSV made on the click has all
    130, a formula guarded, and still no name (issue 21: the browser is not sent thousands)."""
    people = [
        {
            "participant_id": f"L{number:03d}",
            "name": f"Longlist Person{number:03d}",
            "email": f"l{number:03d}@example.com",
            "role": "mentor" if number % 2 == 0 else "mentee",
            "department": "Ops",
        }
        for number in range(130)
    ]
    names = [person["name"] for person in people]

    def comment(number: int) -> str:
        if number == 7:
            return '=HYPERLINK("http://example.com","x")'
        if number == 8:  # names a person: redacted on the screen and in the file
            return f"Thanks to {names[9]} for the help"
        return f"Comment number {number:03d}"

    answers = [
        {
            "response_id": f"LS{number:03d}",
            "participant_id": person["participant_id"],
            "cohort_id": "C1",
            "submitted_on": "2025-03-10",
            "kind": "pulse",
            "satisfaction": 4,
            "comment": comment(number),
        }
        for number, person in enumerate(people)
    ]
    _import_pilot(sqlite_url, tmp_path / "long", people, answers, "LP")

    downloads = DownloadCapture(monkeypatch)
    at = _open(app_on, sqlite_url, "program_manager", AS_OF)
    assert not at.exception
    assert "Everyone · 130 comments" in _comment_expanders(at)
    assert not [f for f in at.dataframe if "Comment" in f.value.columns]  # made when opened
    open_comment_groups(at)
    everyone = next(f.value for f in at.dataframe if "Comment" in f.value.columns)  # Everyone
    assert len(everyone) == 100  # the screen's share; the total is in the label and caption
    assert "The first 100 of 130 comments; the download has every one." in page_text(at)
    buttons = [b.proto.label for b in at.get("download_button") if "comments" in b.proto.label]
    assert buttons == ["Download all 130 comments (CSV)"] * 2  # everyone, and the one cohort

    files = [data for mimetype, data in downloads.files if mimetype == "text/csv"]
    rows = list(csv.reader(io.StringIO(files[0]().decode("utf-8"))))
    assert rows[0] == ["Comment"] and len(rows) == 131
    texts = [row[0] for row in rows[1:]]
    assert {escape_cell(text) for text in everyone["Comment"]} <= set(texts)
    assert "'" + comment(7) in texts  # a spreadsheet would have run it
    assert sum("[redacted]" in text for text in texts) == 1
    assert not [name for name in names if any(name in text for text in texts)]


def test_month_charts_read_their_months_as_utc_so_none_shifts_west_of_greenwich(
    app_on, demo_url
) -> None:
    """The months reach the browser as UTC midnights; read on a local time scale, 1 Feb would be
    31 Jan in New York, and its tooltip would name January."""
    at = _open(app_on, demo_url, "program_manager", DEMO_AS_OF)
    specs = [spec for spec, _frame in vega_charts(at)]
    timed = [s for s in specs if s.get("encoding", {}).get("x", {}).get("type") == "temporal"]
    assert len(timed) == 2  # the months trend and mentors vs mentees
    for spec in timed:
        assert spec["encoding"]["x"]["scale"]["type"] == "utc"
        (month,) = [tip for tip in spec["encoding"]["tooltip"] if tip["field"] == "x"]
        assert month["formatType"] == "utc"
