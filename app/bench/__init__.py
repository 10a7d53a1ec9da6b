"""`python -m app bench` (or `make bench`): the benchmarks, each figure beside its target.

The default run: on the `enterprise` program in SQLite it times every screen as a
program manager meets it (one script run through AppTest, cold and warm, median of `--runs`),
a blank one-line Streamlit page measured the same way in the same process (each page's figure is
also given as a ratio to it), the health of every pair, the import of the exported program
(rows/s), the what-if matching engine on synthetic pools, the peak memory of the process that
served all the pages, and the same pages on PostgreSQL. Prints a table with the target beside
each figure, then "All targets met" or which were not, and writes every row to
`bench/results.json`.

The stores are seeded once, outside the timed figures, and reused: SQLite in
`bench/pages-SCALE.db`, PostgreSQL in the database `PAIRPULSE_BENCH_POSTGRES_URL` names (created
when missing). The pages are timed in a child process (`python -m scripts.page_times --url`),
which keeps Streamlit out of this module and gives the pages' own peak memory.

Its parts: `targets` (paths and the target of every figure), `table` (rows, the printed table
and the verdict), `stores` (seeded once and reused), `pages` (screens timed in a child process),
`figures` (seeding, health, import, matching) and `run` (`run_benchmarks`).
"""

from app.bench.run import run_benchmarks
from app.bench.stores import default_postgres_url, hide_password, sqlite_page_store
from app.bench.table import print_table, verdict
from app.bench.targets import (
    BENCH_FOLDER,
    BLANK_PAGE,
    DEFAULT_POSTGRES_URL,
    PAGE_ANCHOR,
    PAGE_COLD_TARGET_S,
    PAGE_WARM_TARGET_S,
    POSTGRES_URL_ENV,
    RESULTS_PATH,
)

__all__ = [
    "BENCH_FOLDER",
    "BLANK_PAGE",
    "DEFAULT_POSTGRES_URL",
    "PAGE_ANCHOR",
    "PAGE_COLD_TARGET_S",
    "PAGE_WARM_TARGET_S",
    "POSTGRES_URL_ENV",
    "RESULTS_PATH",
    "default_postgres_url",
    "hide_password",
    "print_table",
    "run_benchmarks",
    "sqlite_page_store",
    "verdict",
]
