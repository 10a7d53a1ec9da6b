"""Confidentiality audit (docs/roles-and-privacy.md): every page for every role, rendered on a
program with recognisable names and groups of every size around the thresholds.

- A role a page is not for sees its title and the access message, nothing else.
- An executive never sees a participant's name, e-mail or comment, on any page or in the PDF.
- No survey figure of a group of fewer than `min_respondents` people is shown, with the default
  minimum and a raised one, with the small cohort chosen in the link, for every breakdown.
- Comments appear only for groups of `min_comment_group` or more, only on the Surveys screen,
  never with a name or an e-mail.
"""

import re

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app.privacy import BREAKDOWNS
from app.settings import ProgramSettings, save_settings
from components.access import EXECUTIVE, PROGRAM_MANAGER, ROLES, SCREENS
from data_access.db import make_engine
from tests.screens.audit_program import (
    AS_OF,
    EMAILS,
    FIRST,
    LAST,
    MARKER,
    NAMES,
    PEOPLE,
    RESPONSES,
    comment_group,
    respondents,
)
from tests.screens.page_content import (
    DownloadCapture,
    main_nodes,
    open_comment_groups,
    page_content,
    vega_charts,
    y_title,
)

ACCESS_MESSAGE = "You are viewing PairPulse as"
DEMO_BANNER = "no sign-in is configured"
HIDDEN = {"hidden", "—"}
FIGURES = ["Respondents", "Responses", "Satisfaction", "Relationship quality"]
FIGURES += ["Digital confidence", "NPS"]
MIN_COMMENT_GROUP = 10
REDACTED = "[redacted]"
SURVEYS = "screens/surveys.py"
SUMMARY = "screens/executive_summary.py"
_TOKENS = re.compile(r"\b(?:" + "|".join(FIRST + LAST) + r")\b")


# --- The store -----------------------------------------------------------------------------------
@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> DownloadCapture:
    return DownloadCapture(monkeypatch)


def _with_minimum(url: str, minimum: int) -> None:
    engine = make_engine(url)
    save_settings(engine, ProgramSettings(min_respondents=minimum), actor="audit")
    engine.dispose()


def _open(app_on, url: str, role: str, page: str, **params: str | list[str]) -> AppTest:
    at = app_on(url, role=role, page=page, as_of=AS_OF)
    for name, value in params.items():
        at.query_params[name] = value
    at = at.run()
    assert not at.exception, [element.value for element in at.exception]
    return at


# --- What must never show -----------------------------------------------------------------------
def _assert_anonymous(text: str) -> None:
    """No name, e-mail, name part, comment or redaction mark in `text`."""
    lowered = text.lower()
    assert not [name for name in NAMES if name.lower() in lowered]
    assert not [email for email in EMAILS if email.lower() in lowered]
    assert not _TOKENS.findall(text)
    assert MARKER not in text and REDACTED not in text


def _comment_texts(at: AppTest) -> dict[str, list[str]]:
    """Each comment list of the page (every group opened): expander label → its comments."""
    open_comment_groups(at)
    lists = {}
    for expander in at.expander:
        frames = [frame.value for frame in expander.dataframe if "Comment" in frame.value.columns]
        lists[expander.label] = [text for frame in frames for text in frame["Comment"]]
    return lists


# --- Every page, every role ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("screen", "role"),
    [(screen, role) for screen in SCREENS for role in ROLES],
    ids=lambda value: getattr(value, "key", value),
)
def test_every_page_for_every_role(app_on, audit_url, downloads, screen, role) -> None:
    at = _open(app_on, audit_url, role, screen.file)
    assert [title.value for title in at.title] == [screen.title]
    if role not in screen.roles:
        # The title and the access message; nothing of the page itself (the router's demo-mode
        # banner is above every page).
        kinds = [
            type(node).__name__
            for node in main_nodes(at)
            if DEMO_BANNER not in str(getattr(node, "value", ""))
        ]
        assert kinds == ["Title", "Warning"]
        assert ACCESS_MESSAGE in at.warning[0].value
        assert not downloads.files
        return
    text = page_content(at, downloads)
    assert ACCESS_MESSAGE not in text
    assert "The store holds no program yet" not in text
    if role == EXECUTIVE:
        _assert_anonymous(text)
    if screen.file != SURVEYS:  # comments are listed on the Surveys screen alone
        assert MARKER not in text


@pytest.mark.parametrize(
    ("page", "role"),
    [
        (page, role)
        for page in ("screens/cohort_health.py", "screens/follow_ups.py")
        for role in (PROGRAM_MANAGER, "coordinator")
    ],
)
def test_a_pair_opened_from_the_link_shows_none_of_its_comments(
    app_on, audit_url, downloads, page, role
) -> None:
    # A pair is two people: its comments are a group of 2, never listed.
    stalled = "AP00"  # stops meeting in March: in the follow-up queue too
    at = _open(app_on, audit_url, role, page, pair=stalled)
    text = page_content(at, downloads)
    assert "Zanzibar Quixote" in text  # the pair's details are open
    assert MARKER not in text


# --- The executive summary and its PDF ----------------------------------------------------------
def _pdf_cohort_rows(text: str) -> dict[str, str]:
    return {
        name: line
        for line in text.splitlines()
        for name in ("Big cohort", "Mid cohort", "Tiny cohort")
        if line.startswith(name + " ")
    }


@pytest.mark.parametrize(
    ("minimum", "cohorts"),
    [(5, ()), (5, ("CT",)), (7, ()), (7, ("CM",))],
    ids=["min5", "min5-tiny", "min7", "min7-mid"],
)
def test_the_executive_summary_shows_no_small_group(
    app_on, audit_url, downloads, minimum, cohorts
) -> None:
    _with_minimum(audit_url, minimum)
    at = _open(app_on, audit_url, EXECUTIVE, SUMMARY, cohort=list(cohorts))
    assert at.multiselect(key="link:cohort").value == list(cohorts)
    (pdf,) = downloads.texts()
    text = page_content(at, downloads)
    _assert_anonymous(text)
    # The tiny cohort answers 1 and 0 to everything: its own figures would read so.
    # (the NPS help gives its range, "−100…100").
    assert "1.0 / 5" not in text and not re.search(r"[-−]100(?!…)", text)

    by_cohort = respondents("cohort")  # the cohort table is the whole program's breakdown
    (cohort_table,) = [f.value for f in at.dataframe if "cohort" in f.value.columns]
    for row in cohort_table.to_dict("records"):
        if by_cohort[row["cohort"]] < minimum:
            assert {row["satisfaction"], row["nps"]} <= HIDDEN, row
    for name, line in _pdf_cohort_rows(pdf).items():
        if by_cohort[name] < minimum:
            assert re.search(r"(—|hidden) (—|hidden)$", line), line

    by_role = respondents("role", cohorts)
    (role_table,) = [f.value for f in at.dataframe if "role" in f.value.columns]
    for row in role_table.to_dict("records"):
        true = by_role.get(row["role"] + "s", 0)
        if true < minimum:
            assert {row["satisfaction"], row["nps"]} <= HIDDEN, row
            assert pd.isna(row["respondents"]) or row["respondents"] >= minimum, row

    metrics = {metric.label: metric.value for metric in at.metric}
    if by_role["All"] < minimum:
        assert metrics["Satisfaction"] in HIDDEN and metrics["NPS"] in HIDDEN
        assert "Satisfaction 4" not in pdf and "NPS +" not in pdf
    mentees = _uplift_mentees(cohorts)
    if mentees < minimum:
        assert metrics["Skill uplift"] in HIDDEN


def _uplift_mentees(cohorts: tuple[str, ...]) -> int:
    """Mentees with both a baseline and an exit answer in `cohorts` (all when empty)."""
    answers = RESPONSES if not cohorts else RESPONSES[RESPONSES["cohort_id"].isin(cohorts)]
    mentees = set(PEOPLE[PEOPLE["role"] == "mentee"]["participant_id"])
    kinds = answers.groupby("participant_id")["kind"].agg(set)
    return sum(
        1 for person, got in kinds.items() if person in mentees and {"baseline", "exit"} <= got
    )


# --- The Surveys screen, every breakdown ---------------------------------------------------------
def _charts(at: AppTest) -> list[tuple[dict, pd.DataFrame]]:
    """Each chart's spec and its data: one row per drawn figure (series, x, value)."""
    return [(spec, frame) for spec, frame in vega_charts(at) if "series" in frame.columns]


def _chart_titled(at: AppTest, title: str) -> list[tuple[dict, pd.DataFrame]]:
    return [(spec, frame) for spec, frame in _charts(at) if y_title(spec) == title]


def _months_of_cells(role: str | None, cohorts: tuple[str, ...]) -> dict[str, int]:
    """Distinct respondents per month (of one role when given) in `cohorts`."""
    answers = RESPONSES if not cohorts else RESPONSES[RESPONSES["cohort_id"].isin(cohorts)]
    if role is not None:
        roles = PEOPLE.set_index("participant_id")["role"]
        answers = answers[answers["participant_id"].map(roles) == role]
    return answers.groupby(answers["submitted_on"].str[:7])["participant_id"].nunique().to_dict()


def _assert_month_gaps(frame: pd.DataFrame, counts: dict[str, int], minimum: int) -> None:
    for series, x, y in frame[["series", "x", "value"]].itertuples(index=False):
        month = str(x)[:7]
        if counts.get(month, 0) < minimum:
            assert np.isnan(float(y)), (series, month, y)


def _check_surveys(at: AppTest, by: str, cohorts: tuple[str, ...], minimum: int) -> None:
    counts = respondents(by, cohorts)
    (table,) = [f.value for f in at.dataframe if "Group" in f.value.columns]
    assert list(table["Group"])[-1] == "All"
    for row in table.to_dict("records"):
        true = counts.get(row["Group"], 0)
        if true < minimum:
            assert all(row[column] == "hidden" for column in FIGURES), (by, row)
        elif row["Respondents"] != "hidden":
            assert int(row["Respondents"].replace(",", "")) == true, (by, row)

    for _spec, nps in _chart_titled(at, "NPS (−100…100)"):
        assert all(counts[label] >= minimum for label in nps["x"]), (by, nps)
    kinds = respondents("kind", cohorts)
    for spec, chart in _chart_titled(at, "Mean answer (1–5)"):
        if "xOffset" in spec.get("encoding", {}):  # the survey kinds, side by side
            assert all(kinds[label] >= minimum for label in chart["x"]), chart
        else:
            _assert_month_gaps(chart, _months_of_cells(None, cohorts), minimum)
    for _spec, chart in _charts(at):
        if set(chart["series"]) == {"Mentors", "Mentees"}:
            for label, rows in chart.groupby("series"):
                role = "mentor" if label == "Mentors" else "mentee"
                _assert_month_gaps(rows, _months_of_cells(role, cohorts), minimum)
    if _chart_titled(at, "Mean digital confidence (1–5)"):
        assert _uplift_mentees(cohorts) >= minimum

    metrics = {metric.label: metric.value for metric in at.metric}
    if counts["All"] < minimum:
        assert {metrics["Respondents"], metrics["Satisfaction"], metrics["NPS"]} == {"hidden"}
    if _uplift_mentees(cohorts) < minimum:
        assert metrics["Skill uplift"] in HIDDEN


def _check_comments(at: AppTest, by: str, cohorts: tuple[str, ...]) -> int:
    """The comment lists: groups of 10 or more, each comment of its group, no name or e-mail.
    Returns how many comments were listed."""
    counts = respondents(by, cohorts)
    listed = 0
    for label, texts in _comment_texts(at).items():
        group, _, count = label.partition(" · ")
        assert count == f"{len(texts)} comments"
        assert counts["All" if group == "Everyone" else group] >= MIN_COMMENT_GROUP, label
        for text in texts:
            marker = re.match(rf"{MARKER}-\d{{3}}", text).group()
            source = RESPONSES[RESPONSES["comment"].str.startswith(marker + " ")].iloc[0]
            if group != "Everyone":
                assert comment_group(marker, by) == group, (label, text)
            if cohorts:
                assert source["cohort_id"] in cohorts
            lowered = text.lower()
            assert not [name for name in NAMES if name.lower() in lowered], text
            assert not [email for email in EMAILS if email in lowered], text
            named = any(name in source["comment"] for name in NAMES + EMAILS)
            assert (REDACTED in text) is named, text
        listed += len(texts)
    return listed


@pytest.mark.parametrize(
    ("role", "minimum", "cohorts"),
    [
        (EXECUTIVE, 5, ()),
        (EXECUTIVE, 5, ("CT",)),
        (EXECUTIVE, 7, ()),
        (EXECUTIVE, 7, ("CM",)),
        (PROGRAM_MANAGER, 5, ()),
        (PROGRAM_MANAGER, 5, ("CT",)),
        (PROGRAM_MANAGER, 7, ("CB",)),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, tuple) else str(value),
)
def test_surveys_show_no_small_group_in_any_breakdown(
    app_on, audit_url, downloads, role, minimum, cohorts
) -> None:
    if minimum != 5:
        _with_minimum(audit_url, minimum)
    # The first breakdown comes from the link, the others from the selector.
    at = _open(app_on, audit_url, role, SURVEYS, cohort=list(cohorts), by=BREAKDOWNS[0])
    comments = 0
    for by in BREAKDOWNS:
        if by != BREAKDOWNS[0]:
            at = at.selectbox(key="link:by").set_value(by).run()
            assert not at.exception
        assert at.selectbox(key="link:by").value == by
        _check_surveys(at, by, cohorts, minimum)
        text = page_content(at, downloads)
        if role == EXECUTIVE:
            _assert_anonymous(text)
            assert "Comments" not in [header.value for header in at.header]
        else:
            comments += _check_comments(at, by, cohorts)
            _assert_no_identity_outside_comments(at, downloads)
    if role == PROGRAM_MANAGER and cohorts != ("CT",):
        assert comments  # the audit saw comments to check
    if cohorts == ("CT",):
        assert not comments  # four people: never a comment


def _assert_no_identity_outside_comments(at: AppTest, downloads: DownloadCapture) -> None:
    """Even a program manager's survey figures name nobody: only the comment lists carry text
    from respondents, redacted."""
    text = page_content(at, downloads)
    for texts in _comment_texts(at).values():
        for comment in texts:
            text = text.replace(comment, "")
    lowered = text.lower()
    assert not [name for name in NAMES if name.lower() in lowered]
    assert not [email for email in EMAILS if email in lowered]


def test_a_hidden_cohort_figure_says_hidden_in_the_pdf(app_on, audit_url, downloads) -> None:
    # Mid cohort (6 respondents) with the minimum at 7: both its survey figures are withheld.
    _with_minimum(audit_url, 7)
    at = _open(app_on, audit_url, EXECUTIVE, SUMMARY)
    (cohort_table,) = [f.value for f in at.dataframe if "cohort" in f.value.columns]
    mid = cohort_table.set_index("cohort").loc["Mid cohort"]
    assert (mid["satisfaction"], mid["nps"]) == ("hidden", "hidden")  # the screen says so
    (pdf,) = downloads.texts()
    assert _pdf_cohort_rows(pdf)["Mid cohort"].endswith(" hidden hidden —")
