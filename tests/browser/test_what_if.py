"""What-if in Chromium: re-match, save, apply, then come back — the page still draws (it used to
show "NaTType does not support strftime" on every later visit), and the applied scenario can be
reviewed and its previous pairing saved as a new scenario."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from scripts.served_app import served_app, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def own_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A served demo program of its own: this test writes to the store."""
    with served_app(tmp_path_factory.mktemp("what_if")) as url:
        yield url


def settle(page: Page) -> None:
    page.wait_for_timeout(300)
    wait_for_app(page)


def test_apply_then_revisit_review_and_restore(own_app_url: str, page: Page) -> None:
    address = f"{own_app_url}/what_if?role=program_manager&pool=rematch"
    page.goto(address)
    wait_for_app(page)
    page.get_by_role("button", name="Propose pairs").click()
    settle(page)
    expect(page.get_by_text("mentees get another mentor than today's")).to_be_visible()

    name_box = page.get_by_role("textbox", name="Scenario name")
    name_box.fill("Browser re-match")
    page.get_by_role("button", name="Save as scenario").click()
    settle(page)
    # Under load the rerun may start after `settle`'s 300 ms: wait for the message itself.
    expect(page.get_by_text("Saved scenario “Browser re-match”")).to_be_visible(timeout=30_000)
    expect(name_box).to_have_value("")

    page.get_by_text("I have told the people concerned").click()
    settle(page)
    page.get_by_role("button", name="Apply scenario").click()
    settle(page)
    expect(page.get_by_text("Applied “Browser re-match”")).to_be_visible(timeout=30_000)

    page.goto(address)  # a later visit
    wait_for_app(page)  # fails on any exception box
    expect(page.get_by_role("heading", name="Apply a scenario")).to_be_visible()
    expect(page.get_by_role("heading", name="Review an applied scenario")).to_be_visible()
    page.get_by_role("button", name="Restore previous pairing").click()
    settle(page)
    expect(page.get_by_text("Saved scenario “Restore before Browser re-match”")).to_be_visible(
        timeout=30_000
    )

    page.goto(address)  # one applied scenario and one not: the mix that used to crash
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Apply a scenario")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Scenario to apply")).to_be_visible()
    wait_for_app(page)
