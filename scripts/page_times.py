"""How long each screen's script run takes, as a user meets it: AppTest, program manager.

    python -m scripts.page_times [--scales demo,large] [--runs 5]   (or: make bench-pages)

For each scale, seeds a throw-away SQLite store (kept in bench/ and reused), then runs every
screen `--runs` times *cold* (Streamlit's caches cleared before each run) and `--runs` times
*warm* (the same session run again, caches full), and prints the medians. Writes
bench/page_times.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from components.access import PROGRAM_MANAGER, SCREENS
from data_access.db import forget_engines, make_engine, store_is_empty, upgrade_store
from sample_data.seed import seed_store

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "bench"
ENTRYPOINT = str(ROOT / "streamlit_app.py")
ANCHOR = date(2026, 11, 23)
TIMEOUT_S = 300


def _store(scale: str) -> str:
    """The URL of a SQLite store holding the `scale` program anchored on `ANCHOR`."""
    path = FOLDER / f"pages-{scale}.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_store(engine)
    if store_is_empty(engine):
        seed_store(engine, scale=scale, anchor=ANCHOR)
    engine.dispose()
    return f"sqlite:///{path}"


def _app(page: str) -> AppTest:
    at = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT_S)
    at.query_params["role"] = PROGRAM_MANAGER
    at.switch_page(page)
    return at


def _timed(run) -> float:
    started = time.perf_counter()
    at = run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return elapsed


def time_screens(url: str, runs: int) -> list[dict]:
    """Median cold and warm seconds of every screen on the store at `url`."""
    os.environ["DATABASE_URL"] = url
    os.environ["PAIRPULSE_AS_OF"] = ANCHOR.isoformat()
    os.environ["PAIRPULSE_DEMO_DATA"] = "0"
    results = []
    for screen in SCREENS:
        cold, warm = [], []
        for _ in range(runs):
            st.cache_data.clear()
            st.cache_resource.clear()
            forget_engines()
            at = _app(screen.file)
            cold.append(_timed(at.run))
            warm.append(_timed(at.run))
        results.append(
            {
                "screen": screen.title,
                "cold_median_s": statistics.median(cold),
                "warm_median_s": statistics.median(warm),
                "cold_runs_s": cold,
                "warm_runs_s": warm,
            }
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.page_times", description=__doc__)
    parser.add_argument("--scales", default="demo,large", help="comma-separated scales")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    options = parser.parse_args(argv)
    FOLDER.mkdir(exist_ok=True)
    report = {}
    for scale in [name for name in options.scales.split(",") if name]:
        report[scale] = time_screens(_store(scale), options.runs)
        print(f"\n{scale} (program manager, median of {options.runs})")
        print(f"  {'screen':<20}{'cold':>9}{'warm':>9}")
        for row in report[scale]:
            print(
                f"  {row['screen']:<20}{row['cold_median_s']:>8.2f}s{row['warm_median_s']:>8.2f}s"
            )
    (FOLDER / "page_times.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
