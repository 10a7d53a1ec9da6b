"""The Data screen in Chromium: the app opens, a bad upload is reported, a good one imports."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from scripts.served_app import wait_for_app

pytestmark = pytest.mark.browser

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
UPLOAD_INPUT = "[data-testid='stFileUploaderDropzoneInput']"
IMPORT_BUTTON = re.compile(r"^Import [\d,]+ rows$")


def upload_a_bad_pairs_file(app_url: str, page: Page, tmp_path: Path) -> None:
    """Open the Data screen and upload a pairs.csv with a bad date and an unknown cohort: the
    check refuses it, naming the file, line and column."""
    page.goto(f"{app_url}/data")
    wait_for_app(page)
    bad = tmp_path / "pairs.csv"
    bad.write_text(
        "pair_id,cohort_id,mentor_id,mentee_id,started_on,ended_on,status\n"
        "PR1,NOPE,P1,P2,2026-13-01,,active\n"
    )
    page.set_input_files(UPLOAD_INPUT, [bad])
    expect(page.get_by_text("nothing will be imported")).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_text("pairs.csv:2 started_on", exact=False)).to_be_visible()


def test_the_data_screen_opens_on_demo_data_without_an_exception(app_url: str, page: Page) -> None:
    page.goto(f"{app_url}/data")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Data")).to_be_visible()
    page.get_by_role("tab", name="Store").click()
    wait_for_app(page)
    expect(page.get_by_text("schema revision")).to_be_visible()


def test_a_bad_file_is_refused_and_a_good_program_imports(
    app_url: str, page: Page, tmp_path: Path
) -> None:
    upload_a_bad_pairs_file(app_url, page, tmp_path)
    expect(page.get_by_role("button", name=IMPORT_BUTTON)).to_have_count(0)

    page.reload()
    wait_for_app(page)
    page.set_input_files(UPLOAD_INPUT, sorted(FIXTURE_PROGRAM.glob("*.csv")))
    confirm = page.get_by_role("button", name=IMPORT_BUTTON)
    expect(confirm).to_be_visible()
    wait_for_app(page)
    confirm.click()
    expect(page.get_by_text("Imported", exact=False).first).to_be_visible()
    wait_for_app(page)
