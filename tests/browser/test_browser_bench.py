"""The browser benchmark runs end to end on the demo store (two people at once, one run each) and
produces every kind of row: not a timed test, a guard that `make bench-browser` cannot rot."""

from datetime import date
from pathlib import Path

import pytest

from app.bench.browser import run_browser_bench
from data_access.db import make_engine, upgrade_store
from sample_data.seed import seed_store

pytestmark = pytest.mark.browser
SCREENS = ("executive_summary", "cohort_health", "surveys", "what_if")


def test_every_row_of_the_browser_benchmark_is_produced(tmp_path: Path, browser) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = make_engine(url)
    upgrade_store(engine)
    seed_store(engine, scale="demo", anchor=date(2026, 11, 23))
    engine.dispose()
    rows = run_browser_bench(url, runs=1, screens=SCREENS, crowd=(2,), browser=browser)
    names = [row["what"] for row in rows]
    expected = [
        "browser: blank Streamlit page",
        *(f"browser: {screen}, first visit (cold server)" for screen in SCREENS),
        *(f"browser: {screen}, second person (warm server)" for screen in SCREENS),
        *(f"browser: {screen}, bytes sent" for screen in SCREENS),
        "browser: cohort_health, a filter change",
        "browser: surveys, a filter change",
        "browser: cohort_health, opening a pair's detail",
        "browser: server peak memory with 2 people",
    ]
    for name in expected:
        assert name in names, name
    assert any(name.startswith("browser: what_if, Propose pairs (") for name in names)
    crowd = [row for row in rows if row["what"].startswith("browser: 2 people at once")]
    assert len(crowd) == 2 and all(len(row["runs"]) == 2 for row in crowd)
    assert all(row["value"] is not None and row["value"] > 0 for row in rows)
    sent = [row for row in rows if row["what"].endswith("second person (warm server)")]
    assert all(row["bytes"] > 1_000 for row in sent)  # a screen's tables and charts arrived
