"""Each role in Chromium: the sidebar offers exactly its pages, every page opens without an
exception box, a filter lands in the address, and reloading that address gives the same view."""

import re

import pytest
from playwright.sync_api import Page, expect

from components.access import ROLES, screens_for
from scripts.served_app import serve_app, wait_for_app

pytestmark = pytest.mark.browser

NAV_LINKS = "[data-testid='stSidebarNav'] a"
ACCESS_MESSAGE = "You are viewing PairPulse as"
# The page of each role with a cohort filter, to change and reload.
FILTER_PAGE = {
    "executive": "executive_summary",
    "program_manager": "meetings",
    "coordinator": "cohort_health",
}


def settle(page: Page) -> None:
    """Let the rerun an action caused start, then wait for it to finish."""
    page.wait_for_timeout(300)
    wait_for_app(page)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_the_role_opens_from_the_sidebar(app_url: str, page: Page, role) -> None:
    page.goto(f"{app_url}/?role={role}")
    wait_for_app(page)
    expected = [screen.title for screen in screens_for(role)]
    links = page.locator(NAV_LINKS)
    if len(expected) == 1:  # Streamlit shows no page menu for a single page
        expect(links).to_have_count(0)
        expect(page.get_by_role("heading", name=expected[0], exact=True).first).to_be_visible()
        return
    expect(links).to_have_count(len(expected))
    # Each link reads "<icon name>\n\n<title>": the title is its last line.
    assert [text.strip().splitlines()[-1] for text in links.all_inner_texts()] == expected
    for title in expected:
        page.locator(NAV_LINKS, has_text=title).click()
        settle(page)
        expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible()
        expect(page.get_by_text(ACCESS_MESSAGE)).to_have_count(0)
        if role != "program_manager":
            assert f"role={role}" in page.url  # the role survives moving between pages


@pytest.mark.parametrize("role", list(ROLES))
def test_a_filter_is_carried_by_the_link_and_a_reload_gives_the_same_view(
    app_url: str, page: Page, role
) -> None:
    page.goto(f"{app_url}/{FILTER_PAGE[role]}?role={role}")
    wait_for_app(page)
    cohort = page.get_by_test_id("stMultiSelect").filter(has_text="Cohort").first
    cohort.click()
    option = page.get_by_role("option").filter(has_not_text="Select all").first
    chosen = option.inner_text().strip()
    option.click()
    page.keyboard.press("Escape")
    settle(page)
    expect(page).to_have_url(re.compile(r"[?&]cohort=[^&]+"))
    link = page.url
    page.goto(link)
    wait_for_app(page)
    cohort = page.get_by_test_id("stMultiSelect").filter(has_text="Cohort").first
    expect(cohort).to_contain_text(chosen)
    assert page.url == link


def test_a_link_to_a_page_as_a_fresh_servers_first_request_goes_through_the_router(
    tmp_path, page: Page
) -> None:
    # Streamlit runs a folder named `pages/` next to the entrypoint as a legacy multipage app,
    # without the router (no roles), until the first request for "/"; the screens live in
    # `screens/` so that a deep link as a fresh server's first request still meets the router.
    url, server = serve_app(tmp_path / "pairpulse.db", tmp_path / "streamlit.log")
    try:
        page.goto(f"{url}/data?role=executive")
        wait_for_app(page)
        expect(page.get_by_text(ACCESS_MESSAGE)).to_be_visible()
        expect(page.get_by_test_id("stSidebar").get_by_text("View as")).to_be_visible()
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_a_band_filter_lands_in_the_link_and_nonsense_in_a_link_is_dropped_with_a_note(
    app_url: str, page: Page
) -> None:
    # The band filter is bound to the link by Streamlit (`bind="query-params"`): the browser
    # writes the address, so it is checked here rather than through AppTest.
    page.goto(f"{app_url}/cohort_health?role=coordinator")
    wait_for_app(page)
    band = page.get_by_test_id("stMultiSelect").filter(has_text="Health band").first
    band.click()
    page.get_by_role("option", name="Watch", exact=True).click()
    page.keyboard.press("Escape")
    settle(page)
    expect(page).to_have_url(re.compile(r"[?&]band=Watch(&|$)"))
    page.goto(f"{app_url}/cohort_health?role=coordinator&band=Watch&band=Nonsense")
    wait_for_app(page)
    band = page.get_by_test_id("stMultiSelect").filter(has_text="Health band").first
    expect(band).to_contain_text("Watch")
    expect(band).not_to_contain_text("Nonsense")
    expect(page.get_by_test_id("stToast").filter(has_text="'Nonsense'")).to_be_visible()
    expect(page).not_to_have_url(re.compile("Nonsense"))
    expect(page).to_have_url(re.compile(r"[?&]band=Watch(&|$)"))
