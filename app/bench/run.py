"""`run_benchmarks`: every figure in turn, the table printed and `bench/results.json` written."""

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from app.bench.figures import (
    bench_health,
    bench_import,
    bench_import_memory,
    bench_matching,
    bench_outcomes,
    bench_seed,
)
from app.bench.mapping import MAPPED_ROWS, bench_mapped_import
from app.bench.pages import memory_row, page_rows, postgres_rows, time_pages
from app.bench.reminders import bench_reminders, bench_smtp
from app.bench.stores import _reason, hide_password, sqlite_page_store
from app.bench.table import _print_row, print_table, row, verdict
from app.bench.targets import (
    BENCH_FOLDER,
    DEFAULT_MATCHING_SIZES,
    PAGE_COLD_TARGET_S,
    POSTGRES_FACTOR,
    RESULTS_PATH,
)


def _browser_section(
    page_url: str, runs: int, postgres_url: str | None, page_scale: str, options: dict
) -> list[dict]:
    """The browser benchmark's rows, or one row saying why there are none."""
    try:
        from app.bench.browser import run_browser_bench
        from app.bench.stores import postgres_page_store

        postgres_store, notes = None, []
        if postgres_url is not None:
            try:
                postgres_store = postgres_page_store(postgres_url, page_scale, page_url)
            except Exception as error:  # noqa: BLE001 — those rows are skipped, not the section
                reason = _reason(error)
                notes.append(row("browser: server on PostgreSQL", None, "s", skipped=reason))
        from scripts.sessions import in_own_thread

        rows = in_own_thread(
            run_browser_bench, page_url, runs=runs, postgres_url=postgres_store, **options
        )
        return rows + notes
    except Exception as error:  # noqa: BLE001 — reported as a row
        return [row("browser section", None, "s", skipped=_reason(error))]


def run_benchmarks(
    *,
    page_scale: str = "enterprise",
    health_scale: str = "enterprise",
    import_scale: str = "enterprise",
    runs: int = 3,
    mapping_rows: int = MAPPED_ROWS,
    matching_sizes: Sequence[int] = DEFAULT_MATCHING_SIZES,
    seed_scales: Sequence[str] = (),
    postgres_url: str | None = None,
    results_path: Path = RESULTS_PATH,
    store_folder: Path = BENCH_FOLDER,
    browser: bool = False,
    browser_options: dict | None = None,
) -> list[dict]:
    """Run every benchmark, print each row as it arrives, then the table and the verdict; write
    the rows to `results_path`; return them. `postgres_url` None skips PostgreSQL; the import
    through a mapping is timed on a `mapping_rows`-row survey export (0 skips it); `browser`
    adds the browser section (`app.bench.browser`, on the page store; `browser_options` such as
    `screens` and `crowd` go to `run_browser_bench`)."""
    store_folder.mkdir(parents=True, exist_ok=True)
    results: list[dict] = []

    def add(*rows: dict) -> None:
        for result in rows:
            results.append(result)
            _print_row(result)

    page_url = sqlite_page_store(page_scale, store_folder)
    print(f"Pages on SQLite, {page_scale}, program manager, median of {runs}…", flush=True)
    try:
        report = time_pages(page_url, runs, blank=True)
    except Exception as error:  # noqa: BLE001 — reported as a row
        add(
            row(
                f"pages, {page_scale}", None, "s", target=PAGE_COLD_TARGET_S, skipped=_reason(error)
            )
        )
    else:
        add(*page_rows(report), memory_row(report))
    sqlite_pages = list(results)
    if postgres_url is None:
        add(
            row(
                "PostgreSQL pages",
                None,
                "s",
                target_text=f"≤ {POSTGRES_FACTOR:g} × SQLite",
                skipped="--no-postgres",
            )
        )
    else:
        print(f"Pages on PostgreSQL ({hide_password(postgres_url)})…", flush=True)
        add(*postgres_rows(postgres_url, page_scale, page_url, runs, sqlite_pages))
    health_url = sqlite_page_store(health_scale, store_folder)
    add(bench_health(health_url, health_scale, max(runs, 5)))
    add(bench_outcomes(health_url, health_scale, max(runs, 5)))
    with tempfile.TemporaryDirectory(prefix="pairpulse-bench-") as tmp:
        folder = Path(tmp)
        import_url = sqlite_page_store(import_scale, store_folder)
        add(bench_import(import_url, import_scale, folder, runs))
        add(bench_import_memory(import_url, import_scale, folder))
        add(bench_reminders(import_url, import_scale, folder, runs))
        add(bench_smtp(import_url, import_scale, folder))
        if mapping_rows:
            add(*bench_mapped_import(folder, runs, mapping_rows))
        for scale in seed_scales:
            add(bench_seed(scale, folder, runs if scale != "enterprise" else 1))
    for size in matching_sizes:
        add(bench_matching(size, runs))
    if browser:
        print("What people wait for in Chromium (the browser section)…", flush=True)
        add(*_browser_section(page_url, runs, postgres_url, page_scale, browser_options or {}))

    print()
    print_table(results)
    summary = verdict(results)
    print(summary)
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(
        json.dumps(
            {
                "page_scale": page_scale,
                "health_scale": health_scale,
                "import_scale": import_scale,
                "runs": runs,
                "cpus": os.cpu_count(),
                "verdict": summary,
                "rows": results,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"Results written to {results_path}")
    return results
