"""Regenerate docs/screenshots/: every screen of PairPulse on the demo program, in Chromium.

    python -m scripts.screenshots        (or: make screenshots)

Serves the app over a fresh SQLite store filled with the demo program anchored on `AS_OF`,
opens each screen as a role that may see it, and saves one full-page PNG per screen
(`docs/screenshots/<screen>.png`), plus the Executive summary as an executive sees it. Where a
screen's point is what it does with a pick, the shot shows it: Cohort health and Follow-ups
with their most urgent pair open, What-if pairing with a proposal.
Exits 1, naming the screen, if a screen shows an exception.
"""

import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from components.access import EXECUTIVE, PROGRAM_MANAGER, SCREENS
from scripts.served_app import (
    CHROMIUM,
    CHROMIUM_ARGS,
    EXCEPTION,
    READY,
    select_first_row,
    serve_app,
)

AS_OF = "2026-11-23"
TARGET = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
VIEWPORT = {"width": 1440, "height": 1000}
MAX_HEIGHT = 5000


#: What to do on a screen before its shot: "first row" opens the table's first row, any other
#: text is the label of a button to press.
ACTIONS = {"cohort_health": "first row", "follow_ups": "first row", "what_if": "Propose pairs"}


def shots() -> list[tuple[str, str, str]]:
    """(file name, role, page url path) of every screenshot."""
    pages = [(f"{screen.key}.png", PROGRAM_MANAGER, screen.key) for screen in SCREENS]
    return [*pages, ("executive_summary_as_executive.png", EXECUTIVE, "executive_summary")]


def _act(page: Page, action: str | None) -> None:
    if action == "first row":
        select_first_row(page)
    elif action is not None:
        page.get_by_role("button", name=action).click()
        page.wait_for_timeout(500)
        page.wait_for_selector(READY, timeout=120_000)


def _capture(page: Page, url: str, path: Path, action: str | None = None) -> None:
    page.goto(url)
    page.wait_for_timeout(500)
    page.wait_for_selector(READY, timeout=120_000)
    _act(page, action)
    page.wait_for_timeout(1500)  # let charts finish drawing
    if page.locator(EXCEPTION).count():
        raise RuntimeError(f"{url} shows an exception")
    # The main area scrolls inside the window: grow the window to the whole screen's height.
    height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(height, MAX_HEIGHT)})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(path))
    page.set_viewport_size(VIEWPORT)


def main() -> int:
    os.environ["PAIRPULSE_AS_OF"] = AS_OF
    TARGET.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        url, server = serve_app(Path(folder) / "demo.db", Path(folder) / "streamlit.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_context(viewport=VIEWPORT).new_page()
                for name, role, path in shots():
                    action = ACTIONS.get(path) if role == PROGRAM_MANAGER else None
                    _capture(page, f"{url}/{path}?role={role}", TARGET / name, action)
                    print(f"wrote docs/screenshots/{name}")
                browser.close()
        except RuntimeError as error:
            print(f"screenshots: {error}", file=sys.stderr)
            return 1
        finally:
            server.terminate()
            server.wait(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
