"""The Data screen in Chromium: after a refused upload, uploading the corrected files replaces
the refused set instead of adding to it (Streamlit's uploader keeps earlier files otherwise)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from scripts.served_app import wait_for_app
from tests.browser.test_data_screen import (
    FIXTURE_PROGRAM,
    IMPORT_BUTTON,
    UPLOAD_INPUT,
    upload_a_bad_pairs_file,
)

pytestmark = pytest.mark.browser


def test_uploading_again_after_a_refusal_replaces_the_files(
    app_url: str, page: Page, tmp_path: Path
) -> None:
    upload_a_bad_pairs_file(app_url, page, tmp_path)

    # The corrected files, without reloading the page: they are checked on their own.
    files = sorted(FIXTURE_PROGRAM.glob("*.csv"))
    page.set_input_files(UPLOAD_INPUT, files)
    rows = sum(len(path.read_text(encoding="utf-8").strip().splitlines()) - 1 for path in files)
    expect(page.get_by_text(f"All {rows:,} rows in {len(files)} file(s) are valid")).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_text("is given twice")).to_have_count(0)
    expect(page.get_by_text("pairs.csv:2 started_on", exact=False)).to_have_count(0)
    expect(page.get_by_role("button", name=IMPORT_BUTTON)).to_be_visible()
    # The uploader holds the six corrected files, not the refused pairs.csv as well.
    expect(page.get_by_role("button", name=re.compile(r"^Remove "))).to_have_count(len(files))
