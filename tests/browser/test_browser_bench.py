"""The browser benchmark runs end to end on the demo store (two people at once, one run each) and
produces every kind of row: not a timed test, a guard that `make bench-browser` cannot rot. With
PostgreSQL (PAIRPULSE_TEST_POSTGRES_URL), the documented deployment's rows too: two processes
behind haproxy, every session answered."""

import json
from pathlib import Path

import pytest

from app.bench.browser import first_visit_name, run_browser_bench

pytestmark = pytest.mark.browser
SCREENS = ("executive_summary", "cohort_health", "surveys", "what_if")
AFTER_A_WRITE = (
    "browser: executive_summary, first visit after a program write (summary worked out while the "
    "person waits; compared with)"
)


def test_every_row_of_the_browser_benchmark_is_produced(
    browser, demo_store: str, postgres_demo_store: str | None
) -> None:
    postgres = postgres_demo_store
    rows = run_browser_bench(
        demo_store, runs=1, screens=SCREENS, crowd=(2,), browser=browser, postgres_url=postgres
    )
    names = [row["what"] for row in rows]
    expected = [
        "browser: blank Streamlit page",
        *(first_visit_name(screen) for screen in SCREENS),
        AFTER_A_WRITE,
        *(f"browser: {screen}, second person (warm server)" for screen in SCREENS),
        *(f"browser: {screen}, bytes sent" for screen in SCREENS),
        "browser: cohort_health, a filter change",
        "browser: surveys, a filter change",
        "browser: cohort_health, opening a pair's detail",
        "server: peak memory with 2 people",
        "browser: the app's server, start until it answers",
    ]
    for name in expected:
        assert name in names, name
    assert any(name.startswith("browser: what_if, Propose pairs (") for name in names)
    for start, count in (
        ("browser: 2 people at once in Chromium, blank page", 1),
        ("browser: 2 people at once in Chromium, executive_summary", 1),
        ("browser: 2 people at once in Chromium, cohort_health", 1),
        ("server: 2 sessions at once, ", 2),
    ):
        crowd = [row for row in rows if row["what"].startswith(start)]
        assert len(crowd) == count and all(len(row["runs"]) == 2 for row in crowd), start
    estimates = [row for row in rows if row["what"].startswith("2 people at once, ")]
    assert len(estimates) == 2 and all(row["target"] is not None for row in estimates)
    deployment = [row for row in rows if row["what"].startswith("server on PostgreSQL")]
    estimated = [row for row in rows if row["what"].startswith("2 people at once on PostgreSQL")]
    if postgres:
        assert len(deployment) == 4, deployment  # 1 process and 2, two screens each
        assert sum("2 processes behind haproxy" in row["what"] for row in deployment) == 2
        assert len(estimated) == 4
        targets = {"2 processes" in row["what"]: row["target"] is not None for row in estimated}
        assert targets == {True: True, False: False}  # the deployment's target; 1 compared
    else:
        assert not deployment and not estimated
    assert all(row["value"] is not None and row["value"] > 0 for row in rows)
    sent = [row for row in rows if row["what"].endswith("second person (warm server)")]
    assert all(row["bytes"] > 1_000 for row in sent)  # a screen's tables and charts arrived
    by_name = {row["what"]: row for row in rows}
    assert by_name[first_visit_name("executive_summary")]["target"] is not None
    assert by_name[AFTER_A_WRITE]["target"] is None  # after a write: compared with, no target


def test_make_bench_has_the_browser_section(tmp_path: Path) -> None:
    """`python -m app bench` (run small) ends with the browser rows, in its table and in
    results.json, the targets counted in its verdict."""
    from app.bench.run import run_benchmarks

    results = tmp_path / "results.json"
    rows = run_benchmarks(
        page_scale="demo",
        health_scale="demo",
        import_scale="demo",
        runs=1,
        mapping_rows=0,
        matching_sizes=(),
        postgres_url=None,
        results_path=results,
        store_folder=tmp_path,
        browser=True,
        browser_options={"screens": ("data",), "crowd": ()},
    )
    written = json.loads(results.read_text())
    names = [row["what"] for row in written["rows"]]
    assert names == [row["what"] for row in rows]
    for name in (
        "browser: blank Streamlit page",
        "browser: data, first visit (cold server)",
        "browser: data, second person (warm server)",
        "browser: data, bytes sent",
    ):
        assert name in names, name
    by_name = {r["what"]: r for r in written["rows"]}
    second = by_name["browser: data, second person (warm server)"]
    assert second["target"] is not None and second["value"] > 0
    assert ("NOT met" in written["verdict"]) == any(r["met"] is False for r in written["rows"])
