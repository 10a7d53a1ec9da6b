"""`python -m app bench`: the benchmarks, run on throw-away SQLite stores under a temp folder.

Measures how long `seed` takes per scale, how long scoring the health of every pair takes
(loading the program included), the import throughput of an exported program (export →
import into an empty store), and the matching engine end to end (score matrix, assignment,
explanations) on synthetic pools of N mentees × N mentor places with every hard constraint on,
with its peak memory; reports medians and writes `bench/results.json`.
"""

import json
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from app.matching import MatchSettings, propose_pairs, score_matrix
from app.report import store_health
from app.settings import default_as_of, load_settings
from data_access.db import make_engine, upgrade_store
from data_access.exporter import export_directory
from data_access.importer import read_directory, run_import
from data_access.queries import load_health_inputs
from sample_data.seed import seed_store

RESULTS_PATH = Path(__file__).resolve().parent.parent / "bench" / "results.json"
IMPORT_TARGET_ROWS_PER_S = 50_000
#: Matching: pool size (mentees = mentor places) → target seconds, end to end.
MATCHING_TARGET_S = {2_000: 2.0, 5_000: 15.0}
DEFAULT_MATCHING_SIZES = (2_000, 5_000)
MATCHING_AS_OF = date(2025, 6, 1)
_BENCH_ZONES = (
    "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Singapore",
    "Australia/Sydney", "Africa/Johannesburg",
)  # fmt: skip


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
    """Median seconds to score the health of every pair as the screens do (reading the per-pair
    aggregates from the store included), on a `scale` store (the one `bench_seed` left, else a
    new one), as of the day it was seeded."""
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
        pairs = len(store_health(load_health_inputs(engine, as_of=as_of), settings))

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


def synthetic_pool(size: int, *, seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """`size` mentors (one place each) and `size` mentees drawn from a seeded RNG, like the
    demo's people (10 departments, 20 offices, 10 time zones, 12 skills), and `size` earlier
    pairs for the never-repeat rule: (mentors, mentees, history)."""
    rng = np.random.default_rng(seed)
    skills = np.array([f"skill {i}" for i in range(12)])

    def people(prefix: str, levels: tuple[int, int], years: tuple[int, int], column: str):
        return pd.DataFrame(
            {
                "participant_id": [f"{prefix}{i:06d}" for i in range(size)],
                "name": [f"{prefix} {i}" for i in range(size)],
                "department": rng.choice([f"Department {i}" for i in range(10)], size),
                "job_level": rng.integers(*levels, size),
                "birth_year": rng.integers(*years, size),
                "location": rng.choice([f"Office {i}" for i in range(20)], size),
                "timezone": rng.choice(_BENCH_ZONES, size),
                column: [
                    ";".join(rng.choice(skills, rng.integers(1, 5), replace=False))
                    for _ in range(size)
                ],
                "capacity": 1,
            }
        )

    mentors = people("M", (1, 5), (1995, 2004), "skills_offered")
    mentees = people("E", (4, 11), (1958, 1990), "skills_wanted")
    history = pd.DataFrame(
        {
            "mentor_id": mentors["participant_id"].to_numpy()[rng.integers(0, size, size)],
            "mentee_id": mentees["participant_id"].to_numpy(),
        }
    )
    return mentors, mentees, history


def bench_matching(size: int, runs: int) -> dict:
    """Median seconds to score and solve a `size` × `size` pool with every hard constraint on
    (junior mentor, other department, no repeat, at most 8 h apart), explanations included; peak
    memory from one more run under tracemalloc (NumPy's arrays are traced; SciPy's solver keeps
    a few arrays of its own that are not) and the process's peak resident size."""
    mentors, mentees, history = synthetic_pool(size)
    settings = MatchSettings(max_timezone_hours=8)
    matched = 0

    def match_once() -> None:
        nonlocal matched
        matrix = score_matrix(
            mentors, mentees, settings=settings, history=history, focus_area="skill 1",
            as_of=MATCHING_AS_OF,
        )  # fmt: skip
        matched = propose_pairs(matrix).figures.matched

    median, times = _median_seconds(runs, match_once)
    tracemalloc.start()
    match_once()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "what": f"matching {size:,} mentees × {size:,} places ({matched:,} matched)",
        "median_s": median,
        "runs_s": times,
        "peak_mb": peak / 2**20,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "target_s": MATCHING_TARGET_S.get(size),
    }


def run_benchmarks(
    scales: Sequence[str],
    import_scale: str,
    health_scale: str,
    runs: int,
    matching_sizes: Sequence[int] = DEFAULT_MATCHING_SIZES,
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
    for size in matching_sizes:
        results.append(bench_matching(size, runs))
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
    if "peak_mb" in result:
        line += f"  peak {result['peak_mb']:,.0f} MB traced, {result['max_rss_mb']:,.0f} MB RSS"
        if result["target_s"] is not None:
            met = "met" if result["median_s"] <= result["target_s"] else "NOT met"
            line += f" (target ≤ {result['target_s']:g} s: {met})"
    print(line, flush=True)
