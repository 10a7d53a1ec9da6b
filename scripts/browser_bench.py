"""The browser benchmark on its own (`make bench-browser`): what people wait for in Chromium.

    python -m scripts.browser_bench [--url URL] [--runs 3] [--people 5,20] [--screens a,b]

Default store: the `enterprise` SQLite store `python -m app bench` seeds (bench/pages-enterprise.db,
made on first use). Prints the table (targets as ratios to a blank page served the same way) and
writes bench/browser.json. `app/bench/browser.py` says what each row measures.
"""

import argparse
import json

from app.bench import BENCH_FOLDER, sqlite_page_store
from app.bench.browser import SCREENS, run_browser_bench
from app.bench.table import print_table, verdict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="the store (default: enterprise SQLite)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--people", default="5,20", help="N people at once, comma-separated")
    parser.add_argument("--screens", default=",".join(SCREENS))
    args = parser.parse_args()
    url = args.url or sqlite_page_store("enterprise", BENCH_FOLDER)
    rows = run_browser_bench(
        url,
        runs=args.runs,
        screens=[screen for screen in args.screens.split(",") if screen],
        crowd=[int(size) for size in args.people.split(",") if size],
    )
    print_table(rows)
    summary = verdict(rows)
    print(summary)
    BENCH_FOLDER.mkdir(parents=True, exist_ok=True)
    (BENCH_FOLDER / "browser.json").write_text(
        json.dumps({"verdict": summary, "rows": rows}, indent=2, ensure_ascii=False) + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
