"""Sign-in mode in Chromium, against a small OpenID Connect provider (tests/browser/fake_oidc.py):
the served app has an `[auth]` section in its secrets, and a person goes from the sign-in page,
through the provider and back, to the no-access page; once a program manager has given them the
coordinator role, signing in again opens exactly the coordinator's pages; Sign out closes it."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from components.access import ROLES, screens_for
from components.literal import md
from data_access.app_users import grant_role
from data_access.db import make_engine
from scripts.served_app import serve_app, wait_for_app
from tests.browser.fake_oidc import FakeOidcProvider

pytestmark = pytest.mark.browser

NAV_LINKS = "[data-testid='stSidebarNav'] a"
# What program data looks like on any screen: tables, figures, charts.
DATA_ON_SCREEN = (
    "[data-testid='stDataFrame'], [data-testid='stTable'], [data-testid='stMetric'], "
    "[data-testid='stPlotlyChart'], [data-testid='stVegaLiteChart']"
)
ACCESS_MESSAGE = "You are viewing PairPulse as"
NO_ACCESS_MESSAGE = "Ask your program manager for access"
SIGN_IN_TIMEOUT = 90_000  # app → provider → /oauth2callback → app, then a first script run
#: The provider answers this slowly in the test, as on a loaded machine: the helper below must
#: wait for the browser to come back, not for a fixed time.
SLOW_PROVIDER_S = 2.0


@pytest.fixture
def provider() -> Iterator[FakeOidcProvider]:
    provider = FakeOidcProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def signed_in_app(tmp_path: Path, provider: FakeOidcProvider) -> Iterator[tuple[str, str]]:
    """(the app's URL, its store's URL): the demo program, served in sign-in mode."""
    store = tmp_path / "pairpulse.db"
    url, process = serve_app(store, tmp_path / "streamlit.log", secrets=provider.secrets_toml)
    yield url, f"sqlite:///{store}"
    process.terminate()
    process.wait(timeout=15)


def sign_in_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Sign in")


def sign_out_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Sign out")


def expect_nothing_but(page: Page, message: Locator) -> None:
    """The run has finished on a page that shows `message`, no navigation and no data."""
    expect(message).to_be_visible(timeout=SIGN_IN_TIMEOUT)
    wait_for_app(page)
    expect(page.locator(NAV_LINKS)).to_have_count(0)
    expect(page.locator(DATA_ON_SCREEN)).to_have_count(0)
    expect(page.get_by_test_id("stSidebar").get_by_text("Signed in as")).to_have_count(0)
    expect(page.get_by_text("View as")).to_have_count(0)
    expect(page.get_by_text("People with access")).to_have_count(0)


def click_and_come_back(page: Page, button: Locator, app_url: str) -> None:
    """Click a button that leaves the app (Sign in / Sign out) and wait until the browser has
    loaded the app's page again (a new document, after every redirect) and its first run has
    finished. The page shown before the click is also an app page, so its address proves
    nothing: only the `load` of the new document does."""
    back = re.compile(rf"^{re.escape(app_url)}/(?!oauth2callback|auth/)")
    with page.expect_event("load", timeout=SIGN_IN_TIMEOUT):
        button.click()
    assert back.match(page.url), f"the browser did not come back to the app: {page.url}"
    # A new document's app says `initial` until its first run starts, so this waits for that
    # run, not for the page the click left.
    wait_for_app(page)


def test_a_person_signs_in_is_given_a_role_and_signs_out(
    signed_in_app: tuple[str, str], provider: FakeOidcProvider, page: Page
) -> None:
    app_url, store_url = signed_in_app
    provider.delay_s = SLOW_PROVIDER_S

    # Not signed in: a deep link with a role in it opens only the sign-in page.
    page.goto(f"{app_url}/data?role=program_manager")
    expect_nothing_but(page, sign_in_button(page))
    assert provider.signed_in == []

    # Signed in, but nobody has given the address a role: only the ask-your-manager page.
    provider.email = "Kim@Example.org"
    click_and_come_back(page, sign_in_button(page), app_url)
    expect_nothing_but(page, page.get_by_text(NO_ACCESS_MESSAGE))
    # shown as written (an invisible word joiner keeps Markdown from making it a mailto link)
    expect(page.get_by_text(md("kim@example.org"))).to_be_visible()
    assert provider.signed_in == ["Kim@Example.org"]
    click_and_come_back(page, sign_out_button(page), app_url)
    expect_nothing_but(page, sign_in_button(page))

    # A program manager gives the address the coordinator role; the person signs in again and
    # finds exactly the coordinator's pages, still there after a reload.
    engine = make_engine(store_url)
    grant_role(engine, "kim@example.org", "coordinator", actor="pm@example.org")
    engine.dispose()
    click_and_come_back(page, sign_in_button(page), app_url)
    assert provider.signed_in == ["Kim@Example.org", "Kim@Example.org"]
    expected = [screen.title for screen in screens_for("coordinator")]
    for reload in (False, True):
        if reload:
            page.reload()
        heading = page.get_by_role("heading", name=expected[0], exact=True).first
        expect(heading).to_be_visible(timeout=SIGN_IN_TIMEOUT)
        wait_for_app(page)
        links = page.locator(NAV_LINKS)
        expect(links).to_have_count(len(expected))
        # Each link reads "<icon name>\n\n<title>": the title is its last line.
        assert [text.strip().splitlines()[-1] for text in links.all_inner_texts()] == expected
        expect(page.get_by_test_id("stSidebar")).to_contain_text(
            f"Signed in as {md('kim@example.org')} · {ROLES['coordinator']}"
        )
        expect(page.get_by_text("View as")).to_have_count(0)
        expect(page.get_by_text(NO_ACCESS_MESSAGE)).to_have_count(0)
    assert provider.signed_in == ["Kim@Example.org", "Kim@Example.org"]

    # The link's role has no say: the Data screen stays closed to a coordinator.
    page.goto(f"{app_url}/data?role=program_manager")
    expect(page.get_by_text(ACCESS_MESSAGE)).to_be_visible(timeout=SIGN_IN_TIMEOUT)
    wait_for_app(page)
    expect(page.get_by_text(f"{ACCESS_MESSAGE} {ROLES['coordinator'].lower()}")).to_be_visible()
    expect(page.get_by_text("People with access")).to_have_count(0)
    expect(page.locator(DATA_ON_SCREEN)).to_have_count(0)
    expect(page.locator(NAV_LINKS)).to_have_count(len(expected))

    # Sign out: back to the sign-in page, and a reload does not bring the pages back.
    click_and_come_back(page, sign_out_button(page), app_url)
    expect_nothing_but(page, sign_in_button(page))
    page.goto(f"{app_url}/{screens_for('coordinator')[0].key}")
    expect_nothing_but(page, sign_in_button(page))
    assert provider.signed_in == ["Kim@Example.org", "Kim@Example.org"]
