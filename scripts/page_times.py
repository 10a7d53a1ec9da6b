"""How long each screen's script run takes, as a user meets it: AppTest, program manager.

    python -m scripts.page_times [--scales demo,large] [--runs 5]   (or: make bench-pages)
    python -m scripts.page_times --url URL [--runs 3] [--blank] [--json-out FILE]

For each scale, uses the SQLite store `app.bench` keeps in bench/pages-SCALE.db (seeded on first
use, anchored on 2026-11-23), or the store at `--url`, then runs every screen `--runs` times
*cold* (Streamlit's caches, the process's engines and the executive summary kept in the store
cleared before each run) and `--runs` times *warm* (the same session run again, caches full),
and prints the medians. `--blank` times a blank one-line Streamlit page the same way first.
Writes bench/page_times.json, or with `--json-out` one report: {"screens": [...], "blank":
{...} | null, "max_rss_mb": peak resident memory of this process}. `python -m app bench` runs
this in a child process for its page figures.
"""

import argparse
import json
import logging
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from app.bench import BENCH_FOLDER as FOLDER
from app.bench import BLANK_PAGE, hide_password, sqlite_page_store
from app.bench import PAGE_ANCHOR as ANCHOR
from components.access import PROGRAM_MANAGER, SCREENS
from data_access.db import forget_engines, make_engine
from data_access.summary_snapshots import forget_summaries
from scripts.serve import preload

ROOT = Path(__file__).resolve().parents[1]
ENTRYPOINT = str(ROOT / "streamlit_app.py")
TIMEOUT_S = 300
BLANK_SCRIPT = 'import streamlit as st\n\nst.write("PairPulse")\n'


def _store(scale: str) -> str:
    """The URL of a SQLite store holding the `scale` program anchored on `ANCHOR`."""
    return sqlite_page_store(scale, FOLDER)


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


def _forget_caches() -> None:
    """Clear the process's caches and the executive summary kept in the store: a cold run works
    everything out, as the first visit after a program write does (the browser benchmark times
    the first visit with the summary kept, too)."""
    # Imported here, not on top: importing the loaders makes their caches, and Streamlit warns
    # about each one made without a server unless `_quiet_bare_mode_warnings` ran first.
    from components.loaders import clear_caches

    clear_caches(engines=True)
    forget_engines()
    if url := os.environ.get("DATABASE_URL"):
        engine = make_engine(url)
        forget_summaries(engine)
        engine.dispose()


def _cold_and_warm(make_app: Callable[[], AppTest], runs: int) -> dict:
    cold, warm = [], []
    for _ in range(runs):
        _forget_caches()
        at = make_app()
        cold.append(_timed(at.run))
        warm.append(_timed(at.run))
    return {
        "cold_median_s": statistics.median(cold),
        "warm_median_s": statistics.median(warm),
        "cold_runs_s": cold,
        "warm_runs_s": warm,
    }


def time_blank(runs: int) -> dict:
    """Median cold and warm seconds of a blank one-line Streamlit page, measured like the
    screens (after one untimed run, which pays for Streamlit's own start-up)."""
    AppTest.from_string(BLANK_SCRIPT, default_timeout=TIMEOUT_S).run()
    return {
        "screen": BLANK_PAGE,
        **_cold_and_warm(
            lambda: AppTest.from_string(BLANK_SCRIPT, default_timeout=TIMEOUT_S), runs
        ),
    }


def time_screens(url: str, runs: int, report: Callable[[dict], None] | None = None) -> list[dict]:
    """Median cold and warm seconds of every screen on the store at `url`. A screen that raises
    gets {"screen", "error"} instead of figures; `report(result)` is called after each screen."""
    os.environ["DATABASE_URL"] = url
    os.environ["PAIRPULSE_AS_OF"] = ANCHOR.isoformat()
    os.environ["PAIRPULSE_DEMO_DATA"] = "0"
    preload()  # as `python -m app serve` does before the server listens
    results = []
    for screen in SCREENS:
        try:
            result = {"screen": screen.title, **_cold_and_warm(lambda s=screen: _app(s.file), runs)}
        except RuntimeError as error:
            result = {"screen": screen.title, "error": f"the page failed: {error}"}
        results.append(result)
        if report:
            report(result)
    return results


def _quiet_bare_mode_warnings() -> None:
    """Drop Streamlit's warnings that it runs without a server ("No runtime found", "missing
    ScriptRunContext"); a filter, since each AppTest run sets the loggers' levels again."""
    for name in (
        "streamlit.runtime.caching.cache_data_api",
        "streamlit.runtime.scriptrunner_utils.script_run_context",
    ):
        logging.getLogger(name).addFilter(lambda record: record.levelno >= logging.ERROR)


def _line(result: dict) -> str:
    if "error" in result:
        return f"  {result['screen']:<22}{result['error']}"
    return (
        f"  {result['screen']:<22}{result['cold_median_s']:>8.2f}s{result['warm_median_s']:>8.2f}s"
    )


def _print_progress(result: dict) -> None:
    print(_line(result), file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.page_times",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scales", default="demo,large", help="comma-separated scales")
    parser.add_argument("--url", help="time the store at this URL instead of --scales")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--blank", action="store_true", help="also time a blank Streamlit page")
    parser.add_argument("--json-out", type=Path, help="write the --url report here")
    options = parser.parse_args(argv)
    _quiet_bare_mode_warnings()
    runs = max(1, options.runs)
    if options.url:
        print(f"{hide_password(options.url)} (program manager, median of {runs})", file=sys.stderr)
        print(f"  {'screen':<22}{'cold':>9}{'warm':>9}", file=sys.stderr)
        blank = time_blank(runs) if options.blank else None
        if blank:
            _print_progress(blank)
        screens = time_screens(options.url, runs, _print_progress)
        report = {
            "url": hide_password(options.url),
            "runs": runs,
            "blank": blank,
            "screens": screens,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
        out = options.json_out or FOLDER / "page_times.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2))
        return 0
    FOLDER.mkdir(exist_ok=True)
    report = {}
    for scale in [name for name in options.scales.split(",") if name]:
        report[scale] = time_screens(_store(scale), runs)
        print(f"\n{scale} (program manager, median of {runs})")
        print(f"  {'screen':<22}{'cold':>9}{'warm':>9}")
        for result in report[scale]:
            print(_line(result))
    (options.json_out or FOLDER / "page_times.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
