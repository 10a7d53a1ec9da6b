"""The documented deployment works in a browser: two app processes on one PostgreSQL store behind
haproxy with sticky sessions (`app/bench/proxy.py`, the configuration docs/deployment.md gives).
A person stays on the process that served their first page; two people are spread over both."""

import os
from pathlib import Path

import pytest

from app.bench.proxy import HAPROXY, behind_haproxy
from scripts.served_app import EXCEPTION, READY

pytestmark = pytest.mark.browser
COOKIE = "pairpulse-process"


@pytest.mark.skipif(
    not os.environ.get("PAIRPULSE_TEST_POSTGRES_URL"),
    reason="needs PostgreSQL: set PAIRPULSE_TEST_POSTGRES_URL",
)
@pytest.mark.skipif(not Path(HAPROXY).exists(), reason="haproxy is not installed")
def test_two_processes_behind_haproxy_keep_each_person_on_one(
    browser, postgres_demo_store: str | None
) -> None:
    store = postgres_demo_store
    with behind_haproxy(store, 2, {"PAIRPULSE_AS_OF": "2026-11-23"}) as (address, pids):
        assert len(pids) == 2
        processes = []
        for _person in range(2):
            context = browser.new_context()
            page = context.new_page()
            seen = set()
            for _visit in range(3):  # the first page, then two reloads
                page.goto(f"{address}/executive_summary?role=program_manager")
                page.wait_for_selector(READY, timeout=120_000)
                page.get_by_role("heading", name="Executive summary").wait_for()
                assert page.locator(EXCEPTION).count() == 0
                seen |= {c["value"] for c in context.cookies() if c["name"] == COOKIE}
            assert len(seen) == 1, seen  # sticky: every request of this person, one process
            processes += seen
            context.close()
        assert sorted(processes) == ["app1", "app2"]  # round robin: one person each
