"""A coordinator's morning in Chromium: pick a pair in the queue, log a follow-up, find it in the
pair's history."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import select_first_row, served_app, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def own_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A served demo program of its own: this test writes to the store."""
    with served_app(tmp_path_factory.mktemp("follow_ups")) as url:
        yield url


def settle(page: Page) -> None:
    page.wait_for_timeout(300)
    wait_for_app(page)


def test_a_coordinator_logs_a_follow_up_and_sees_it_in_the_pairs_history(
    own_app_url: str, page: Page
) -> None:
    page.goto(f"{own_app_url}/follow_ups?role=coordinator")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Follow-ups", exact=True)).to_be_visible()

    select_first_row(page)
    pair = page.get_by_role("heading", level=2).filter(has_text=" & ").first
    expect(pair).to_be_visible()
    names = pair.inner_text().strip()

    note = "Called both; <b>first meeting</b> booked for Friday"
    form = page.get_by_test_id("stForm")
    form.get_by_role("textbox", name="Note").fill(note)
    form.get_by_role("textbox", name="Next step").fill("Check on Monday that it happened")
    form.get_by_role("textbox", name="Owner").fill("Alex Coordinator")
    form.get_by_role("button", name="Log follow-up").click()
    settle(page)
    expect(page.get_by_text(f"Follow-up logged for {names}.")).to_be_visible()

    # The pair stays open, its link in the address; its history holds the new entry.
    expect(page.get_by_role("heading", level=2).filter(has_text=" & ").first).to_have_text(names)
    assert "pair=" in page.url
    page.get_by_text("Pair detail and follow-up history").click()
    page.get_by_role("tab", name="Follow-ups (1)").click()
    history = page.get_by_role("tabpanel").filter(has_text="Follow-up logged")
    expect(history.get_by_text(note, exact=True)).to_be_visible()  # as typed, not rendered
    expect(history.get_by_text("Next step: Check on Monday that it happened")).to_be_visible()
    expect(history.get_by_text("Owner: Alex Coordinator", exact=False)).to_be_visible()

    # The same history on Cohort health, from the pair's link.
    pair_id = re.search(r"pair=([^&]+)", page.url).group(1)
    page.goto(f"{own_app_url}/cohort_health?role=coordinator&pair={pair_id}")
    wait_for_app(page)
    page.get_by_role("tab", name="Follow-ups (1)").click()
    expect(page.get_by_role("tabpanel").get_by_text(note, exact=True)).to_be_visible()
