"""Sign-in mode (`[auth]` in the secrets): the sign-in page, the role from the app-users table,
the polite page for someone without a role, and the link's role ignored.

AppTest plays the identity provider's part: `at.secrets` holds an `[auth]` section (what turns
sign-in mode on) and `at.user` is what `st.user` reads after a sign-in. `st.login` itself sends the
browser to the provider, which AppTest cannot follow; the button that calls it is checked here.
"""

import pytest
from streamlit.testing.v1 import AppTest

from components.access import ROLES, SCREENS, screens_for
from components.literal import md
from data_access.app_users import app_users, grant_role
from data_access.db import make_engine
from tests.screens.conftest import DEMO_AS_OF, page_text

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "pairpulse-test",
    "client_secret": "test-client-secret",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}
ACCESS_MESSAGE = "You are viewing PairPulse as"
NO_ROLE_MESSAGE = "Ask your program manager for access"


def _signed_in(at: AppTest, email: str | None) -> AppTest:
    at.secrets["auth"] = dict(AUTH)
    at.user = {"is_logged_in": False} if email is None else {"is_logged_in": True, "email": email}
    return at


def _grant(url: str, email: str, role: str) -> None:
    engine = make_engine(url)
    grant_role(engine, email, role, actor="test setup")
    engine.dispose()


def _shows_nothing_of_the_program(at: AppTest) -> None:
    assert not at.metric and not at.dataframe and not at.tabs
    assert not at.get("plotly_chart") and not at.get("vega_lite_chart")
    assert not at.sidebar.selectbox and not at.sidebar.date_input  # no View as, no as-of date
    assert "no sign-in is configured" not in page_text(at)


def test_someone_not_signed_in_sees_only_the_sign_in_page(app_on, demo_url) -> None:
    at = _signed_in(app_on(demo_url, page="screens/data.py", as_of=DEMO_AS_OF), None).run()
    assert not at.exception
    assert [title.value for title in at.title] == ["PairPulse"]
    assert [button.label for button in at.button] == ["Sign in"]
    _shows_nothing_of_the_program(at)


def test_someone_signed_in_without_a_role_sees_only_the_polite_page(app_on, demo_url) -> None:
    _grant(demo_url, "pm@example.org", "program_manager")
    at = app_on(demo_url, page="screens/data.py", as_of=DEMO_AS_OF)
    at = _signed_in(at, "stranger@example.org")
    at.query_params["role"] = "program_manager"  # a link cannot open the door either
    at = at.run()
    assert not at.exception
    assert [title.value for title in at.title] == ["PairPulse"]
    assert NO_ROLE_MESSAGE in at.info[0].value
    assert md("stranger@example.org") in at.info[0].value  # shown as written, not as a link
    assert [button.label for button in at.button] == ["Sign out"]
    _shows_nothing_of_the_program(at)


@pytest.mark.parametrize("role", list(ROLES))
def test_a_signed_in_person_gets_the_role_the_store_gives_them(app_on, demo_url, role) -> None:
    _grant(demo_url, "person@example.org", role)
    at = _signed_in(app_on(demo_url, as_of=DEMO_AS_OF), "Person@Example.ORG").run()
    assert not at.exception
    assert at.title[0].value == screens_for(role)[0].title
    assert ACCESS_MESSAGE not in page_text(at)
    assert "no sign-in is configured" not in page_text(at)
    assert not [box for box in at.sidebar.selectbox if box.label == "View as"]
    sidebar = "\n".join(caption.value for caption in at.sidebar.caption)
    assert f"Signed in as **{md('person@example.org')}** · {ROLES[role]}" in sidebar
    assert [button.label for button in at.sidebar.button] == ["Sign out"]


@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.key)
def test_a_coordinator_reaches_exactly_the_coordinators_pages(app_on, demo_url, screen) -> None:
    _grant(demo_url, "kim@example.org", "coordinator")
    at = _signed_in(app_on(demo_url, page=screen.file, as_of=DEMO_AS_OF), "kim@example.org").run()
    assert not at.exception
    assert at.title[0].value == screen.title
    if "coordinator" in screen.roles:
        assert ACCESS_MESSAGE not in page_text(at)
    else:
        assert ACCESS_MESSAGE in at.warning[0].value
        assert not at.metric and not at.dataframe and not at.tabs


def test_the_links_role_is_ignored_once_signed_in(app_on, demo_url) -> None:
    _grant(demo_url, "kim@example.org", "coordinator")
    at = app_on(demo_url, role="program_manager", page="screens/data.py", as_of=DEMO_AS_OF)
    at = _signed_in(at, "kim@example.org").run()
    assert not at.exception
    assert ACCESS_MESSAGE in at.warning[0].value  # Data is for program managers only
    assert "coordinator" in at.warning[0].value
    assert "role" not in at.query_params


def test_a_role_taken_away_takes_effect_on_the_next_run(app_on, demo_url) -> None:
    _grant(demo_url, "pm@example.org", "program_manager")
    _grant(demo_url, "kim@example.org", "program_manager")
    at = _signed_in(app_on(demo_url, page="screens/data.py", as_of=DEMO_AS_OF), "kim@example.org")
    at = at.run()
    assert at.title[0].value == "Data"
    _grant(demo_url, "kim@example.org", "executive")
    at = at.run()
    assert not at.exception
    assert ACCESS_MESSAGE in at.warning[0].value


def test_signing_out_leads_back_to_the_sign_in_page(app_on, demo_url) -> None:
    _grant(demo_url, "kim@example.org", "coordinator")
    at = _signed_in(app_on(demo_url, as_of=DEMO_AS_OF), "kim@example.org").run()
    at = at.sidebar.button[0].click().run()
    at = at.run()
    assert not at.exception
    assert [button.label for button in at.button] == ["Sign in"]
    _shows_nothing_of_the_program(at)


def test_sign_out_on_the_polite_page_signs_out_even_if_access_came_meanwhile(
    app_on, demo_url
) -> None:
    at = _signed_in(app_on(demo_url, as_of=DEMO_AS_OF), "kim@example.org").run()
    assert NO_ROLE_MESSAGE in page_text(at)
    _grant(demo_url, "kim@example.org", "coordinator")  # granted while the page is open
    at = at.button(key="sign_out_no_access").click().run()
    at = at.run()
    assert not at.exception
    assert [button.label for button in at.button] == ["Sign in"]
    _shows_nothing_of_the_program(at)


def test_changes_on_the_data_screen_are_audited_under_the_signed_in_address(
    app_on, demo_url
) -> None:
    _grant(demo_url, "pm@example.org", "program_manager")
    at = _signed_in(app_on(demo_url, page="screens/data.py", as_of=DEMO_AS_OF), "PM@example.org")
    at = at.run()
    at.text_input(key="access_email").input("new@example.org")
    at.selectbox(key="access_role").set_value("executive")
    at = next(button for button in at.button if button.label == "Save access").click().run()
    assert not at.exception
    engine = make_engine(demo_url)
    added = [user for user in app_users(engine) if user.email == "new@example.org"]
    engine.dispose()
    assert [(user.role, user.added_by) for user in added] == [("executive", "pm@example.org")]


def test_a_token_without_an_email_address_gets_the_polite_page(app_on, demo_url) -> None:
    at = app_on(demo_url, as_of=DEMO_AS_OF)
    at.secrets["auth"] = dict(AUTH)
    at.user = {"is_logged_in": True, "name": "No Mail"}
    at = at.run()
    assert not at.exception
    assert NO_ROLE_MESSAGE in at.info[0].value
    _shows_nothing_of_the_program(at)


def test_secrets_without_an_auth_section_leave_the_app_in_demo_mode(app_on, demo_url) -> None:
    at = app_on(demo_url, role="coordinator", as_of=DEMO_AS_OF)
    at.secrets["smtp"] = {"host": "mail.example.org"}
    at = at.run()
    assert not at.exception
    assert "no sign-in is configured" in page_text(at)
    assert at.sidebar.selectbox(key="link:role").value == "coordinator"
