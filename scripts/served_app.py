"""The app served by `streamlit run` on a free port over a fresh store, and what a browser driving
it waits for: shared by the browser tests (tests/browser) and `scripts.screenshots`.

Chromium is Debian's (`/usr/bin/chromium`; `.ci/run` installs it).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, expect

from data_access.db import make_engine, upgrade_store

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
EXCEPTION = "[data-testid='stException']"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_healthy(url: str, process: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {process.returncode}")
        try:  # `url` is the http:// address this module started the app on
            health = f"{url}/_stcore/health"
            with urllib.request.urlopen(health, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"the app at {url} did not become healthy in {timeout_s:.0f} s")


def serve_app(
    store_path: Path,
    log_path: Path,
    *,
    demo_data: bool = True,
    secrets: Callable[[str], str] | None = None,
    database_url: str | None = None,
    script: str = "streamlit_app.py",
    env: dict[str, str] | None = None,
) -> tuple[str, subprocess.Popen]:
    """Start `streamlit run streamlit_app.py` on a free port over the SQLite file `store_path`
    (or over `database_url`, which the app migrates itself when it starts).

    `secrets`, given the app's URL, returns the text of the secrets file the app reads instead
    of `.streamlit/secrets.toml` (written beside the store, never into the project). `script`
    is the app file served (the browser benchmark serves a blank page too); `env` adds to the
    process's environment."""
    if database_url is None:
        database_url = f"sqlite:///{store_path}"
        engine = make_engine(database_url)
        upgrade_store(engine)
        engine.dispose()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    extra_env = {}
    if secrets is not None:
        secrets_path = store_path.parent / "secrets.toml"
        secrets_path.write_text(secrets(url), encoding="utf-8")
        extra_env["STREAMLIT_SECRETS_FILES"] = str(secrets_path)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PAIRPULSE_DEMO_DATA": "1" if demo_data else "0",
        "STREAMLIT_SERVER_PORT": str(port),
        "STREAMLIT_SERVER_HEADLESS": "true",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        # Tests write files under the project (.hypothesis/, caches) while the app is served;
        # a watcher would take them for code changes and reload modules mid-run.
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        "STREAMLIT_SERVER_RUN_ON_SAVE": "false",
        **extra_env,
        **(env or {}),
    }
    log = log_path.open("w")
    # The app as `make run` serves it (`python -m app serve`: imports first, then streamlit run);
    # any other script (the bench's blank page) with streamlit run itself.
    command = (
        [sys.executable, "-m", "app", "serve"]
        if script == "streamlit_app.py"
        else [sys.executable, "-m", "streamlit", "run", script]
    )
    process = subprocess.Popen(  # noqa: S603 (the project's own app file, or the bench's blank page)
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_healthy(url, process)
    except Exception:
        process.terminate()
        raise
    return url, process


@contextmanager
def served_app(folder: Path) -> Iterator[str]:
    """The app served over a fresh store in `folder` that fills itself with the demo program,
    stopped on leaving."""
    url, process = serve_app(folder / "pairpulse.db", folder / "streamlit.log")
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def wait_for_app(page: Page) -> None:
    """Wait until the script run has finished, then fail on any exception box on screen."""
    page.wait_for_selector(READY, timeout=60_000)
    expect(page.locator(EXCEPTION)).to_have_count(0)


TABLE_HEADER_HEIGHT = 36  # a table's header row, in CSS pixels
TABLE_ROW_HEIGHT = 35


def select_first_row(page: Page) -> None:
    """Tick the first row of the page's first table (drawn on a canvas: click its checkbox),
    then wait for the run that the selection starts."""
    table = page.get_by_test_id("data-grid-canvas").first
    table.scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # let the scroll settle before reading where the table is
    box = table.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 16, box["y"] + TABLE_HEADER_HEIGHT + TABLE_ROW_HEIGHT / 2)
    page.wait_for_timeout(300)
    wait_for_app(page)
