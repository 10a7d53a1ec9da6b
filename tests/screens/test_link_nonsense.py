"""Nonsense in the link (docs/roles-and-privacy.md): every screen, every parameter it
reads from the link, fed an unknown id, dates that are not dates or out of range, SQL fragments,
markup, a 5,000-character value and repeated parameters. The page renders as usual, drops the
nonsense from the link, says what it ignored, never runs it against the store, and shows it (if
at all) as text.

Test-count note: each screen's values run in one test, so its caches stay warm between them.
"""

import pytest
from sqlalchemy import func, inspect, select, table, text
from streamlit.testing.v1 import AppTest

from components.access import ROLES, SCREENS, SCREENS_BY_KEY
from data_access.db import make_engine
from tests.screens.audit_program import AS_OF
from tests.screens.page_content import nodes, page_content

ACCESS_MESSAGE = "You are viewing PairPulse as"
LONG = "x" * 5000
UNKNOWN = "C-NOPE"
NONSENSE = {
    "unknown id": UNKNOWN,
    "far future": "2999-01-01",
    "impossible date": "2026-13-45",
    "word": "tomorrow",
    "sql": "' OR 1=1 --",
    "sql drop": "1; DROP TABLE pair",
    "script": "<script>alert(1)</script>",
    "markup": '<img src=x onerror="alert(1)"><b>bold</b>',
    "long": LONG,
    "repeated": ["' OR 1=1 --", "<script>alert(1)</script>", "' OR 1=1 --"],
}
#: The link parameters each screen reads itself (the router reads `role` and `as_of`), and how
#: its note about an ignored value begins.
SCREEN_PARAMS = {
    "executive_summary": {"cohort": "The link's cohort"},
    "cohort_health": {
        "cohort": "The link's cohort",
        "status": "The link's status",
        "band": "The link's health band",
        "department": "The link's department",
        "generation": "The link's generation",
        "focus": "The link's focus area",
        "pair": "The link's pair",
    },
    "follow_ups": {
        "cohort": "The link's cohort",
        "owner": "The link's owner",
        "reason": "The link's reason",
        "pair": "The link's pair",
    },
    "meetings": {"cohort": "The link's cohort"},
    "goals": {"cohort": "The link's cohort", "category": "The link's category"},
    "surveys": {
        "cohort": "The link's cohort",
        "by": "The link's breakdown by",
        "question": "The link's question",
    },
    "what_if": {"cohort": "The link's target cohort", "pool": "The link's pool"},
    "data": {},
}
#: Parameters whose note is an info on the page rather than a toast.
ON_PAGE = {"pair"}


def _row_counts(url: str) -> dict[str, int]:
    """Rows in every table of the store (read from the database, not from the models), but the
    executive summary kept once worked out: derived from the store, not written by the link.
    What it keeps is checked apart (`_kept_summaries`)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
                for name in inspect(connection).get_table_names()
                if name != "summary_snapshot"
            }
    finally:
        engine.dispose()


def _kept_summaries(url: str) -> set[tuple[str, str]]:
    """The as-of dates and cohorts of the executive summaries kept in the store."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT as_of, cohorts FROM summary_snapshot")).all()
            return {(str(as_of), cohorts) for as_of, cohorts in rows}
    finally:
        engine.dispose()


def _role_for(screen_key: str) -> str:
    return next(role for role in ROLES if role in SCREENS_BY_KEY[screen_key].roles)


def _open(app_on, url: str, screen_key: str, params: dict[str, object]) -> AppTest:
    at = app_on(url, role=_role_for(screen_key), page=SCREENS_BY_KEY[screen_key].file, as_of=AS_OF)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def _notes(at: AppTest) -> list[str]:
    """What the page says about the link: its toasts and its infos."""
    return [str(toast.value) for toast in at.toast] + [info.value for info in at.info]


def _values(value: object) -> list[str]:
    return list(value) if isinstance(value, list) else [str(value)]


def _assert_shown_as_text(at: AppTest, value: object) -> None:
    """The nonsense reaches no element that renders HTML, and no long value is echoed whole."""
    for node in nodes(at):
        if getattr(node, "type", None) == "html":
            raise AssertionError(f"an HTML element on the page: {node}")
        proto = getattr(node, "proto", None)
        if getattr(proto, "allow_html", False):
            assert not any(part in proto.body for part in _values(value)), proto.body
    assert "x" * 41 not in page_content(at)  # notes quote at most 40 characters


def _assert_normal_page(at: AppTest, screen_key: str, what: str) -> None:
    screen = SCREENS_BY_KEY[screen_key]
    assert not at.exception, (what, [element.value for element in at.exception])
    assert [title.value for title in at.title] == [screen.title], what
    assert ACCESS_MESSAGE not in page_content(at), what
    assert at.sidebar.date_input(key="link:as_of").value == AS_OF, what


@pytest.mark.parametrize("screen_key", [screen.key for screen in SCREENS])
def test_nonsense_in_every_parameter_is_ignored(app_on, audit_url, screen_key) -> None:
    before = _row_counts(audit_url)
    params = ["as_of", *SCREEN_PARAMS[screen_key]]
    for what, value in NONSENSE.items():
        at = _open(app_on, audit_url, screen_key, dict.fromkeys(params, value))
        _assert_normal_page(at, screen_key, what)
        notes = _notes(at)
        assert any(note.startswith("The link's as-of date") for note in notes), (what, notes)
        # The link is cleaned: no parameter keeps a nonsense value.
        for param in params:
            kept = _values(at.query_params.get(param, []))
            assert not set(kept) & set(_values(value)), (what, param, kept)
        _assert_shown_as_text(at, value)
    assert _row_counts(audit_url) == before  # nothing reached the store
    # At most the summary of the view shown: the default date, every cohort.
    assert _kept_summaries(audit_url) <= {(AS_OF.isoformat(), "")}


@pytest.mark.parametrize("what", list(NONSENSE))
def test_a_role_that_is_not_a_role_falls_back_to_program_manager(app_on, audit_url, what) -> None:
    before = _row_counts(audit_url)
    at = app_on(audit_url, page=SCREENS_BY_KEY["data"].file, as_of=AS_OF)
    at.query_params["role"] = NONSENSE[what]
    at = at.run()
    _assert_normal_page(at, "data", what)
    assert at.sidebar.selectbox(key="link:role").value == "program_manager"
    assert any(note.startswith("The link's role") for note in _notes(at)), what
    _assert_shown_as_text(at, NONSENSE[what])
    assert _row_counts(audit_url) == before


def _page_notes_over_two_runs(app_on, url: str, screen_key: str) -> tuple[list[str], list[str]]:
    at = _open(app_on, url, screen_key, dict.fromkeys(SCREEN_PARAMS[screen_key], UNKNOWN))
    first = _notes(at)
    _assert_normal_page(at, screen_key, "first run")
    at = at.run()  # any click reruns the page
    _assert_normal_page(at, screen_key, "second run")
    return first, _notes(at)


PAGE_PARAM_SCREENS = [key for key, params in SCREEN_PARAMS.items() if set(params) - ON_PAGE]


@pytest.mark.parametrize("screen_key", PAGE_PARAM_SCREENS)
def test_each_ignored_page_parameter_gets_its_note(app_on, audit_url, screen_key) -> None:
    first, second = _page_notes_over_two_runs(app_on, audit_url, screen_key)
    for param, note in SCREEN_PARAMS[screen_key].items():
        assert any(shown.startswith(note) for shown in first + second), (param, first, second)
        assert sum(shown.startswith(note) for shown in first + second) == 1, (param, first, second)


@pytest.mark.parametrize("screen_key", PAGE_PARAM_SCREENS)
def test_each_ignored_page_parameter_is_noted_when_the_link_is_opened(
    app_on, audit_url, screen_key
) -> None:
    first, _ = _page_notes_over_two_runs(app_on, audit_url, screen_key)
    for param, note in SCREEN_PARAMS[screen_key].items():
        assert any(shown.startswith(note) for shown in first), (param, first)


def test_a_repeated_cohort_counts_once(app_on, audit_url) -> None:
    at = _open(app_on, audit_url, "cohort_health", {"cohort": ["CT", "CT", UNKNOWN, "CT"]})
    _assert_normal_page(at, "cohort_health", "repeated")
    assert at.multiselect(key="link:cohort").value == ["CT"]
    assert _values(at.query_params["cohort"]) == ["CT"]
