"""Profile one screen's cold script run (AppTest, program manager) with cProfile.

    python -m scripts.profile_page "Surveys" [--scale enterprise] [--top 40] [--out FILE]

Uses the store `scripts.page_times` keeps for the scale (bench/pages-SCALE.db, seeded on first
use), clears Streamlit's caches, runs the screen once with the profiler on inside the script
thread, and prints the functions with the most cumulative time.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys

from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from components.access import SCREENS
from scripts.page_times import ANCHOR, _app, _forget_caches, _store, _timed


def profile_screen(title: str, scale: str) -> tuple[float, pstats.Stats]:
    """Seconds of one cold run of the screen titled `title`, and its profile."""
    screen = next((s for s in SCREENS if s.title == title), None)
    if screen is None:
        raise SystemExit(f"No screen titled {title!r}: {', '.join(s.title for s in SCREENS)}")
    os.environ["DATABASE_URL"] = _store(scale)
    os.environ["PAIRPULSE_AS_OF"] = ANCHOR.isoformat()
    os.environ["PAIRPULSE_DEMO_DATA"] = "0"
    profiler = cProfile.Profile()
    original = LocalScriptRunner._run_script_thread

    def profiled(self) -> None:
        profiler.enable()
        try:
            original(self)
        finally:
            profiler.disable()

    _forget_caches()
    LocalScriptRunner._run_script_thread = profiled
    try:
        seconds = _timed(_app(screen.file).run)
    finally:
        LocalScriptRunner._run_script_thread = original
    return seconds, pstats.Stats(profiler, stream=io.StringIO())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.profile_page", description=__doc__)
    parser.add_argument("screen", help="the screen's title, e.g. 'Executive summary'")
    parser.add_argument("--scale", default="enterprise")
    parser.add_argument("--top", type=int, default=40, help="rows to print")
    parser.add_argument("--out", help="also write the raw profile here (for snakeviz etc.)")
    options = parser.parse_args(argv)
    seconds, stats = profile_screen(options.screen, options.scale)
    if options.out:
        stats.dump_stats(options.out)
    stats.stream = sys.stdout
    print(f"{options.screen} at {options.scale}, cold: {seconds:.2f} s (profiler on)")
    stats.sort_stats("cumulative").print_stats(options.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
