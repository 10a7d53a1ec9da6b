"""The mapping step in Chromium: upload a Google Forms export, adjust the suggested mapping
(the survey kind and the date format), see the check and preview, import."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from data_access.db import make_engine, table_counts, upgrade_store
from scripts.served_app import serve_app, wait_for_app
from tests.data_access.test_import_mapping import import_demo_people

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "sample_data" / "demo"
GOOGLE = ROOT / "sample_data" / "exports" / "google_forms_pulse.csv"
UPLOAD_INPUT = "[data-testid='stFileUploaderDropzoneInput']"


@pytest.fixture
def people_store(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The app served over a store holding the demo's cohorts, people and pairs (no surveys):
    its URL and the store's URL."""
    store = tmp_path / "pairpulse.db"
    database_url = f"sqlite:///{store}"
    engine = make_engine(database_url)
    upgrade_store(engine)
    import_demo_people(engine, tmp_path / "people")
    engine.dispose()
    url, process = serve_app(store, tmp_path / "streamlit.log", demo_data=False)
    try:
        yield url, database_url
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_upload_adjust_preview_and_import_a_survey_export(
    people_store: tuple[str, str], page: Page
) -> None:
    app_url, database_url = people_store
    page.goto(f"{app_url}/data")
    wait_for_app(page)
    page.get_by_role("tab", name="Another program's file").click()
    wait_for_app(page)
    page.locator(UPLOAD_INPUT).nth(1).set_input_files([GOOGLE])
    expect(page.get_by_text("kind — required field is not mapped", exact=False)).to_be_visible()
    wait_for_app(page)

    constant = page.get_by_label("kind: constant")
    constant.fill("pulse")
    constant.press("Enter")
    expect(page.get_by_text("is ambiguous", exact=False).first).to_be_visible()
    wait_for_app(page)

    date_format = page.locator("[data-testid='stSelectbox']").filter(has_text="Date format")
    date_format.locator("input").click()
    date_format.locator("input").fill("%m/%d/%Y")
    page.keyboard.press("Enter")
    expect(page.get_by_text("All 8 rows in 1 file(s) are valid", exact=False)).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Preview", exact=True)).to_be_visible()

    page.get_by_role("button", name="Import 8 rows").click()
    expect(page.get_by_text("Imported 8 rows from google", exact=False)).to_be_visible()
    wait_for_app(page)
    assert table_counts(make_engine(database_url))["surveys"] == 8
