"""The router: the navigation per role, each page's own access check, the as-of date and the
role carried in the link, nonsense in the link refused politely."""

from datetime import date

import pytest

from components.access import ROLES, SCREENS
from tests.screens.conftest import DEMO_AS_OF, page_text

ACCESS_MESSAGE = "You are viewing PairPulse as"


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_opens_on_a_page_it_may_see_with_the_demo_banner(app_on, demo_url, role) -> None:
    at = app_on(demo_url, role=role, as_of=DEMO_AS_OF).run()
    assert not at.exception
    assert ACCESS_MESSAGE not in page_text(at)
    assert "no sign-in is configured" in page_text(at)
    assert at.sidebar.selectbox(key="link:role").value == role


@pytest.mark.parametrize(
    ("role", "screen"),
    [(role, screen) for role in ROLES for screen in SCREENS if role not in screen.roles],
    ids=lambda value: getattr(value, "key", value),
)
def test_a_page_reached_by_its_address_shows_only_the_access_message(
    app_on, demo_url, role, screen
) -> None:
    at = app_on(demo_url, role=role, page=screen.file, as_of=DEMO_AS_OF).run()
    assert not at.exception
    assert [title.value for title in at.title] == [screen.title]
    assert ACCESS_MESSAGE in at.warning[0].value
    # Nothing of the page itself: no figures, tables, charts or inputs in the main area.
    assert not at.metric and not at.dataframe and not at.tabs and not at.main.button


def test_switching_role_keeps_it_in_the_link(app_on, demo_url) -> None:
    at = app_on(demo_url, as_of=DEMO_AS_OF).run()
    assert "role" not in at.query_params  # the default role is not written out
    at = at.sidebar.selectbox(key="link:role").set_value("executive").run()
    assert at.query_params["role"] == ["executive"] or at.query_params["role"] == "executive"


def test_the_as_of_date_comes_from_the_link_and_goes_back_into_it(app_on, demo_url) -> None:
    at = app_on(demo_url, as_of=DEMO_AS_OF)
    at.query_params["as_of"] = "2026-06-30"
    at = at.run()
    assert at.sidebar.date_input(key="link:as_of").value.isoformat() == "2026-06-30"
    assert not at.exception


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("as_of", "2026-13-45"),
        ("as_of", "2999-01-01"),
        ("as_of", "'; DROP TABLE pair; --"),
        ("role", "superuser"),
        ("cohort", "NO-SUCH-COHORT"),
    ],
)
def test_nonsense_in_the_link_is_ignored_with_a_note(app_on, demo_url, param, value) -> None:
    at = app_on(demo_url, as_of=DEMO_AS_OF)
    at.query_params[param] = value
    at = at.run()
    assert not at.exception
    assert at.sidebar.date_input(key="link:as_of").value == DEMO_AS_OF
    assert at.sidebar.selectbox(key="link:role").value == "program_manager"
    if param != "cohort":  # the cohort filter lives on the pages that have one
        assert any("ignored" in toast.value for toast in at.toast)


def test_two_stores_opened_in_one_process_are_kept_apart(app_on, demo_url, sqlite_url) -> None:
    # The store's engine is cached per URL: a second store is never served the first one's.
    demo = app_on(demo_url, page="screens/data.py", as_of=DEMO_AS_OF).run()
    assert "The store is empty" not in page_text(demo)
    empty = app_on(sqlite_url, page="screens/data.py", as_of=DEMO_AS_OF).run()
    assert not empty.exception
    assert "The store is empty" in page_text(empty)


def test_picking_a_date_or_a_role_changes_the_view_and_the_link(app_on, demo_url) -> None:
    at = app_on(demo_url, as_of=DEMO_AS_OF).run()
    at = at.sidebar.date_input(key="link:as_of").set_value(date(2026, 6, 30)).run()
    assert at.query_params["as_of"] in (["2026-06-30"], "2026-06-30")
    assert "as of 30 Jun 2026" in page_text(at)
    at = at.sidebar.selectbox(key="link:role").set_value("coordinator").run()
    assert at.query_params["role"] in (["coordinator"], "coordinator")
    assert at.sidebar.date_input(key="link:as_of").value == date(2026, 6, 30)  # kept
    assert not at.exception
