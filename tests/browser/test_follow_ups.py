"""A coordinator's morning in Chromium: pick a pair in the queue, log a follow-up, find it in the
pair's history."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import make_url

from components.store_failures import UNREACHABLE_MESSAGE
from data_access.db import make_engine
from data_access.follow_ups import follow_up_count
from scripts.served_app import select_first_row, serve_app, served_app, wait_for_app
from tests.conftest import fresh_postgres_database
from tests.screens.test_store_failures import Relay

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def own_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A served demo program of its own (these tests write to the store): URL, store file."""
    folder = tmp_path_factory.mktemp("follow_ups")
    with served_app(folder) as url:
        yield url, folder / "pairpulse.db"


@pytest.fixture(scope="module")
def own_app_url(own_app: tuple[str, Path]) -> str:
    return own_app[0]


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


def _stored(store: Path) -> int:
    engine = make_engine(f"sqlite:///{store}")
    try:
        return follow_up_count(engine)
    finally:
        engine.dispose()


def test_a_double_click_logs_once_empties_the_form_and_confirms_beside_it(
    own_app: tuple[str, Path], page: Page
) -> None:
    url, store = own_app
    page.goto(f"{url}/follow_ups?role=coordinator")
    wait_for_app(page)
    select_first_row(page)
    names = page.get_by_role("heading", level=2).filter(has_text=" & ").first.inner_text().strip()
    before = _stored(store)

    form = page.get_by_test_id("stForm")
    form.get_by_role("button", name="Log follow-up").click()  # nothing typed
    settle(page)
    expect(form.get_by_text("Write a note or a next step")).to_be_visible()
    assert _stored(store) == before

    form.get_by_role("textbox", name="Note").fill("Left a voicemail for both")
    form.get_by_role("textbox", name="Next step").fill("Call again on Monday")
    form.get_by_role("button", name="Log follow-up").dblclick()
    settle(page)
    page.wait_for_timeout(1_000)  # a second run, if the second click started one
    wait_for_app(page)
    assert _stored(store) == before + 1  # one entry for the double click

    form = page.get_by_test_id("stForm")
    expect(form.get_by_role("textbox", name="Note")).to_have_value("")
    expect(form.get_by_role("textbox", name="Next step")).to_have_value("")
    # The confirmation sits in the form's own column, right below it.
    column = page.get_by_test_id("stColumn").filter(has=form)
    done = column.get_by_test_id("stAlert").filter(has_text=f"Follow-up logged for {names}")
    expect(done).to_be_visible()
    form_box, done_box = form.bounding_box(), done.bounding_box()
    assert form_box is not None and done_box is not None
    assert 0 <= done_box["y"] - (form_box["y"] + form_box["height"]) < 80


@pytest.fixture
def app_over_a_relay(tmp_path: Path) -> Iterator[tuple[str, Relay]]:
    """The app served over a fresh PostgreSQL database that it fills with the demo program,
    reached through a `Relay` the test can cut: URL, relay."""
    with fresh_postgres_database("pairpulse_browser") as database_url:
        target = make_url(database_url)
        relay = Relay(target.host or "127.0.0.1", target.port or 5432)
        relayed = target.set(host="127.0.0.1", port=relay.port)
        url, process = serve_app(
            tmp_path / "unused.db",
            tmp_path / "streamlit.log",
            database_url=relayed.render_as_string(hide_password=False),
        )
        try:
            yield url, relay
        finally:
            process.terminate()
            process.wait(timeout=15)
            relay.cut()


def test_a_note_typed_before_the_store_went_away_is_kept_through_retry(
    app_over_a_relay: tuple[str, Relay], page: Page
) -> None:
    url, relay = app_over_a_relay
    page.goto(f"{url}/follow_ups?role=coordinator")
    wait_for_app(page)
    select_first_row(page)
    form = page.get_by_test_id("stForm")
    note = "Spoke to both; they meet on Thursday"
    form.get_by_role("textbox", name="Note").fill(note)
    form.get_by_role("textbox", name="Next step").fill("Check on Friday")

    relay.cut()  # the database goes away while the coordinator presses Log
    form.get_by_role("button", name="Log follow-up").click()
    settle(page)
    expect(page.get_by_text(UNREACHABLE_MESSAGE)).to_be_visible()

    relay.restore()
    page.get_by_role("button", name="Retry").click()
    settle(page)
    form = page.get_by_test_id("stForm")
    expect(form.get_by_role("textbox", name="Note")).to_have_value(note)  # nothing lost
    expect(form.get_by_role("textbox", name="Next step")).to_have_value("Check on Friday")
