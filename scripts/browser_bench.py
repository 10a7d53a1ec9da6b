"""The browser benchmark on its own (`make bench-browser`): what people wait for in Chromium.

    python -m scripts.browser_bench [--url URL] [--runs 3] [--people 5,20] [--screens a,b]
                                    [--postgres-url URL | --no-postgres]

Default store: the `enterprise` SQLite store `python -m app bench` seeds (bench/pages-enterprise.db,
made on first use). The largest crowd is also measured on PostgreSQL (the same program, seeded
once into `pairpulse_bench` on 127.0.0.1 unless `--postgres-url`), one process against two behind
haproxy; skipped with a reason when the server cannot be reached. Prints the table (targets as
ratios to a blank page served the same way) and writes bench/browser.json. `app/bench/browser.py`
says what each row measures.
"""

import argparse
import json

from app.bench import BENCH_FOLDER, sqlite_page_store
from app.bench.browser import SCREENS, run_browser_bench
from app.bench.stores import _reason, default_postgres_url, postgres_page_store
from app.bench.table import print_table, row, verdict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="the store (default: enterprise SQLite)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--people", default="5,20", help="N people at once, comma-separated")
    parser.add_argument("--screens", default=",".join(SCREENS))
    postgres = parser.add_mutually_exclusive_group()
    postgres.add_argument("--postgres-url", default=None, help="PostgreSQL for the crowd rows")
    postgres.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    url = args.url or sqlite_page_store("enterprise", BENCH_FOLDER)
    skipped = []
    postgres_url = None
    if not args.no_postgres:
        try:
            postgres_url = postgres_page_store(
                args.postgres_url or default_postgres_url(), "enterprise", url
            )
        except Exception as error:  # noqa: BLE001 — reported as a row
            skipped.append(row("server on PostgreSQL", None, "s", skipped=_reason(error)))
    rows = run_browser_bench(
        url,
        runs=args.runs,
        screens=[screen for screen in args.screens.split(",") if screen],
        crowd=[int(size) for size in args.people.split(",") if size],
        postgres_url=postgres_url,
    )
    rows += skipped
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
