"""Store-side figures: seeding, the health of every pair, the import (speed and memory) and the
what-if matching engine on synthetic pools."""

import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from app.bench.stores import _fresh_engine
from app.bench.table import _median_seconds, row
from app.bench.targets import (
    _BENCH_ZONES,
    HEALTH_TARGET_S,
    IMPORT_MEMORY_TARGET_GB,
    IMPORT_TARGET_ROWS_PER_S,
    MATCHING_AS_OF,
    MATCHING_TARGET_S,
    OUTCOMES_TARGET_S,
    PAGE_ANCHOR,
    ROOT,
)
from app.headlines import store_health
from app.matching.scoring import score_matrix
from app.matching.settings import MatchSettings
from app.matching.solver import propose_pairs
from app.settings import load_settings
from data_access.db import make_engine
from data_access.exporter import export_directory
from data_access.health_inputs import load_health_inputs
from data_access.importer import read_directory, run_import
from sample_data.seed import seed_store


def bench_seed(scale: str, folder: Path, runs: int) -> dict:
    """Median seconds to seed `scale` into a fresh SQLite store (no target)."""

    def seed_once() -> None:
        engine = _fresh_engine(folder, f"seed-{scale}")
        seed_store(engine, scale=scale)
        engine.dispose()

    median, times = _median_seconds(runs, seed_once)
    return row(f"seed --scale {scale}", median, "s", runs=times)


def bench_health(url: str, scale: str, runs: int) -> dict:
    """Median seconds to score the health of every pair as the screens do (reading the per-pair
    aggregates from the store included) on the `scale` store at `url`, as of `PAGE_ANCHOR`."""
    engine = make_engine(url)
    settings = load_settings(engine)
    pairs = 0

    def score_once() -> None:
        nonlocal pairs
        pairs = len(store_health(load_health_inputs(engine, as_of=PAGE_ANCHOR), settings))

    median, times = _median_seconds(runs, score_once)
    engine.dispose()
    return row(
        f"health + stalled of all pairs, {scale} ({pairs:,} pairs)",
        median,
        "s",
        runs=times,
        target=HEALTH_TARGET_S,
        pairs=pairs,
    )


def bench_outcomes(url: str, scale: str, runs: int) -> dict:
    """Median seconds to compare participants' retention and promotion with comparable
    colleagues (`app.outcomes`) on the `scale` store at `url`, as of `PAGE_ANCHOR`: reading the
    workforce, participants and pairs from the store included; `compute_s` is the comparison
    alone (the median over the same runs)."""
    from app.outcomes import compare_outcomes, participant_starts
    from data_access.workforce import outcome_inputs

    engine = make_engine(url)
    minimum = load_settings(engine).min_respondents
    employees = 0
    computing: list[float] = []

    def compare_once() -> None:
        nonlocal employees
        inputs = outcome_inputs(engine, PAGE_ANCHOR)
        employees = len(inputs["employees"])
        start = time.perf_counter()
        compare_outcomes(
            inputs["employees"],
            inputs["promotions"],
            participant_starts(inputs["participants"], inputs["pairs"]),
            as_of=PAGE_ANCHOR,
            minimum=minimum,
        )
        computing.append(time.perf_counter() - start)

    median, times = _median_seconds(runs, compare_once)
    engine.dispose()
    return row(
        f"outcomes vs comparable colleagues, {scale} ({employees:,} employees)",
        median,
        "s",
        runs=times,
        target=OUTCOMES_TARGET_S,
        compute_s=statistics.median(computing),
    )


_IMPORT_CHILD = """
import resource, sys
from pathlib import Path
from data_access.db import make_engine, upgrade_store
from data_access.importer import read_directory, run_import
engine = make_engine(f"sqlite:///{sys.argv[2]}")
upgrade_store(engine)
assert run_import(read_directory(Path(sys.argv[1])), engine=engine, actor="bench").applied
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def bench_import_memory(url: str, scale: str, folder: Path) -> dict:
    """The peak resident memory of a process that imports the export of the `scale` store at
    `url` into an empty SQLite store and does nothing else (Python and the libraries included)."""
    source = make_engine(url)
    export_dir = folder / f"export-{scale}"
    if not export_dir.exists():
        export_directory(export_dir, engine=source)
    source.dispose()
    store = folder / f"import-memory-{scale}.db"
    store.unlink(missing_ok=True)
    done = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", _IMPORT_CHILD, str(export_dir), str(store)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the import memory process failed: {done.stderr[-2000:]}")
    value = int(done.stdout.split()[-1]) / 2**20  # KiB → GB (GiB)
    return row(
        f"peak memory, one process importing the {scale} export",
        value,
        "GB",
        runs=[value],
        target=IMPORT_MEMORY_TARGET_GB,
    )


def bench_import(url: str, scale: str, folder: Path, runs: int) -> dict:
    """Rows per second importing the export of the `scale` store at `url` into an empty SQLite
    store (the export is not timed)."""
    source = make_engine(url)
    export_dir = folder / f"export-{scale}"
    rows = sum(export_directory(export_dir, engine=source).values())
    source.dispose()

    def import_once() -> None:
        engine = _fresh_engine(folder, f"import-{scale}")
        report = run_import(read_directory(export_dir), engine=engine, actor="bench")
        assert report.ok and report.applied, report.as_text()
        engine.dispose()

    median, times = _median_seconds(runs, import_once)
    return row(
        f"import of the {scale} export ({rows:,} rows)",
        rows / median,
        "rows/s",
        runs=[rows / seconds for seconds in times],
        target=IMPORT_TARGET_ROWS_PER_S,
        at_least=True,
        rows=rows,
        median_s=median,
    )


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
    return row(
        f"matching {size:,} mentees × {size:,} places ({matched:,} matched)",
        median,
        "s",
        runs=times,
        target=MATCHING_TARGET_S.get(size),
        peak_mb=peak / 2**20,
        max_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
