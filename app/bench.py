"""`python -m app bench`: the benchmarks, run on throw-away SQLite stores under a temp folder.

Measures how long `seed` takes per scale, how long scoring the health of every pair takes
(loading the program included), and the import throughput of an exported program (export →
import into an empty store); reports medians and writes `bench/results.json`.
"""

import json
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from app.report import program_health
from app.settings import default_as_of, load_settings
from data_access.db import make_engine, upgrade_store
from data_access.exporter import export_directory
from data_access.importer import read_directory, run_import
from data_access.queries import load_program
from sample_data.seed import seed_store

RESULTS_PATH = Path(__file__).resolve().parent.parent / "bench" / "results.json"
IMPORT_TARGET_ROWS_PER_S = 50_000


def _median_seconds(runs: int, action: Callable[[], object]) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def _fresh_engine(folder: Path, name: str):
    path = folder / f"{name}.db"
    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    upgrade_store(engine)
    return engine


def bench_seed(scale: str, folder: Path, runs: int) -> dict:
    """Median seconds to seed `scale` into a fresh SQLite store."""

    def seed_once() -> None:
        engine = _fresh_engine(folder, f"seed-{scale}")
        seed_store(engine, scale=scale)
        engine.dispose()

    median, times = _median_seconds(runs, seed_once)
    return {"what": f"seed --scale {scale}", "median_s": median, "runs_s": times}


def bench_health(scale: str, folder: Path, runs: int) -> dict:
    """Median seconds to load the program and score the health of every pair, on a `scale`
    store (the one `bench_seed` left, else a new one), as of the day it was seeded."""
    path = folder / f"seed-{scale}.db"
    if path.exists():
        engine = make_engine(f"sqlite:///{path}")
    else:
        engine = _fresh_engine(folder, f"seed-{scale}")
        seed_store(engine, scale=scale)
    as_of = default_as_of()
    settings = load_settings(engine)
    pairs = 0

    def score_once() -> None:
        nonlocal pairs
        pairs = len(program_health(load_program(engine, as_of=as_of), settings))

    median, times = _median_seconds(runs, score_once)
    engine.dispose()
    return {
        "what": f"health of all pairs, {scale} ({pairs:,} pairs)",
        "median_s": median,
        "runs_s": times,
    }


def bench_import(scale: str, folder: Path, runs: int) -> dict:
    """Rows per second importing the export of a seeded `scale` program into an empty store."""
    source_engine = _fresh_engine(folder, f"source-{scale}")
    seed_store(source_engine, scale=scale)
    export_dir = folder / f"export-{scale}"
    rows = sum(export_directory(export_dir, engine=source_engine).values())
    source_engine.dispose()

    def import_once() -> None:
        engine = _fresh_engine(folder, f"import-{scale}")
        report = run_import(read_directory(export_dir), engine=engine, actor="bench")
        assert report.ok and report.applied, report.as_text()
        engine.dispose()

    median, times = _median_seconds(runs, import_once)
    return {
        "what": f"import of the {scale} export ({rows:,} rows)",
        "rows": rows,
        "median_s": median,
        "runs_s": times,
        "rows_per_s": rows / median,
        "target_rows_per_s": IMPORT_TARGET_ROWS_PER_S,
    }


def run_benchmarks(
    scales: Sequence[str], import_scale: str, health_scale: str, runs: int
) -> list[dict]:
    """Run every benchmark; print a table as results arrive; return the results."""
    results = []
    with tempfile.TemporaryDirectory(prefix="pairpulse-bench-") as tmp:
        folder = Path(tmp)
        for scale in scales:
            results.append(bench_seed(scale, folder, runs if scale != "enterprise" else 1))
            _print_row(results[-1])
        results.append(bench_health(health_scale, folder, max(runs, 5)))
        _print_row(results[-1])
        results.append(bench_import(import_scale, folder, runs))
        _print_row(results[-1])
    RESULTS_PATH.parent.mkdir(exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Results written to {RESULTS_PATH}")
    return results


def _print_row(result: dict) -> None:
    line = f"{result['what']:<45} median {result['median_s']:8.2f} s"
    if "rows_per_s" in result:
        met = "met" if result["rows_per_s"] >= result["target_rows_per_s"] else "NOT met"
        line += (
            f"  {result['rows_per_s']:>10,.0f} rows/s "
            f"(target ≥ {result['target_rows_per_s']:,}: {met})"
        )
    print(line, flush=True)
