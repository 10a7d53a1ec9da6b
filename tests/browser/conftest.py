"""The served app in a real browser: `python -m app serve` on a free port, driven by Playwright
(the serving and waiting live in `scripts.served_app`, which `scripts.screenshots` uses too).

Chromium is Debian's (`/usr/bin/chromium`; `.ci/run` installs it). Without it these tests are
skipped on a developer's machine and fail in CI (`CI=true`), where the browser must be there.
"""

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.engine import make_url

from data_access.db import make_engine, upgrade_store
from sample_data.seed import seed_store
from scripts.served_app import CHROMIUM, CHROMIUM_ARGS, served_app


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served over a fresh demo store, shared by the tests that only read."""
    with served_app(tmp_path_factory.mktemp("served")) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store holding the demo program anchored on 2026-11-23 (the bench's date)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo-store') / 'demo.db'}"
    engine = make_engine(url)
    upgrade_store(engine)
    seed_store(engine, scale="demo", anchor=date(2026, 11, 23))
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def postgres_demo_store(demo_store: str) -> str | None:
    """The same program in a PostgreSQL database of its own (`pairpulse_browser_bench`, seeded
    once), or None without PAIRPULSE_TEST_POSTGRES_URL."""
    from app.bench.stores import postgres_page_store

    server = os.environ.get("PAIRPULSE_TEST_POSTGRES_URL")
    if not server:
        return None
    url = make_url(server).set(database="pairpulse_browser_bench")
    return postgres_page_store(url.render_as_string(hide_password=False), "demo", demo_store)
