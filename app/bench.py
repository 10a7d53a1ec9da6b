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
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.headlines import store_health
from app.matching.scoring import score_matrix
from app.matching.settings import MatchSettings
from app.matching.solver import propose_pairs
from app.settings import load_settings
from data_access.db import make_engine, normalise_url, store_is_empty, table_counts, upgrade_store
from data_access.exporter import export_directory
from data_access.health_inputs import load_health_inputs
from data_access.importer import read_directory, run_import
from sample_data.seed import seed_store

ROOT = Path(__file__).resolve().parent.parent
BENCH_FOLDER = ROOT / "bench"
RESULTS_PATH = BENCH_FOLDER / "results.json"
#: The day the page stores' program is built around (and the as-of of every timed figure).
PAGE_ANCHOR = date(2026, 11, 23)
POSTGRES_URL_ENV = "PAIRPULSE_BENCH_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/pairpulse_bench"

# The performance targets (docs/architecture.md, Benchmarks).
PAGE_COLD_TARGET_S = 3.0
PAGE_WARM_TARGET_S = 0.5
HEALTH_TARGET_S = 1.0
IMPORT_TARGET_ROWS_PER_S = 50_000
PEAK_MEMORY_TARGET_GB = 1.5
#: Any import, whatever its input, at most this much memory (the process, at its peak).
IMPORT_MEMORY_TARGET_GB = 1.0
BLANK_PAGE = "blank Streamlit page"
POSTGRES_FACTOR = 1.5  # PostgreSQL's page time at most this many times SQLite's
#: Matching: pool size (mentees = mentor places) → target seconds, end to end.
MATCHING_TARGET_S = {2_000: 2.0, 5_000: 15.0}
DEFAULT_MATCHING_SIZES = (2_000, 5_000)
MATCHING_AS_OF = date(2025, 6, 1)
PAGES_TIMEOUT_S = 3 * 3600
_BENCH_ZONES = (
    "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Singapore",
    "Australia/Sydney", "Africa/Johannesburg",
)  # fmt: skip


# --- Rows ----------------------------------------------------------------------------------------
def row(
    what: str,
    value: float | None,
    unit: str,
    *,
    runs: Sequence[float] = (),
    target: float | None = None,
    at_least: bool = False,
    target_text: str | None = None,
    ratio_to_blank: float | None = None,
    skipped: str | None = None,
    **extra: object,
) -> dict:
    """One result as results.json holds it: `value` in `unit` (median of `runs`), `target` (an
    upper bound, a lower bound when `at_least`), whether it is `met`, and for the pages the
    `ratio_to_blank`. A `skipped` row says why it has no figure; its target counts as not met."""
    if target is None:
        met = None
    elif value is None:
        met = False
    else:
        met = bool(value >= target) if at_least else bool(value <= target)
    if target is not None and target_text is None:
        target_text = f"{'≥' if at_least else '≤'} {_figure(target, unit)}"
    return {
        "what": what,
        "value": value,
        "unit": unit,
        "target": target,
        "target_kind": None if target is None else ("at least" if at_least else "at most"),
        "target_text": target_text or "",
        "met": met,
        "runs": list(runs),
        "ratio_to_blank": ratio_to_blank,
        "skipped": skipped,
        **extra,
    }


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "rows/s":
        return f"{value:,.0f} rows/s"
    if unit == "GB":
        return f"{value:.2f} GB"
    if value < 0.1:
        return f"{value:.3f} s"
    return f"{value:.2f} s" if value < 100 else f"{value:,.0f} s"


def _met_text(result: dict) -> str:
    if result["skipped"]:
        return f"skipped: {result['skipped']}"
    return {True: "met", False: "NOT met", None: ""}[result["met"]]


def _cells(result: dict) -> list[str]:
    ratio = result["ratio_to_blank"]
    return [
        result["what"],
        _figure(result["value"], result["unit"]) if not result["skipped"] else "—",
        result["target_text"],
        _met_text(result),
        "" if ratio is None else f"{ratio:,.1f}×",
    ]


TABLE_HEADER = ["what", "figure", "target", "met", "ratio to blank page"]


def print_table(results: Sequence[dict]) -> None:
    """The results as one table, the target beside each figure."""
    lines = [TABLE_HEADER, *(_cells(result) for result in results)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(TABLE_HEADER))]

    def render(cells: list[str]) -> str:
        return " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    print(render(lines[0]).rstrip())
    print("-+-".join("-" * width for width in widths))
    for cells in lines[1:]:
        print(render(cells).rstrip())


def verdict(results: Sequence[dict]) -> str:
    """The last line printed: "All targets met", or how many were not and which; names what was
    not measured (a skipped row without a target of its own, such as PostgreSQL when it is down)."""
    missed = [result["what"] for result in results if result["met"] is False]
    unmeasured = [
        f"{result['what']} ({result['skipped']})"
        for result in results
        if result["skipped"] and result["met"] is None
    ]
    if missed:
        summary = f"{len(missed)} targets NOT met: {'; '.join(missed)}"
    elif unmeasured:
        summary = "All measured targets met"
    else:
        return "All targets met"
    return summary + (f"; not measured: {'; '.join(unmeasured)}" if unmeasured else "")


def _print_row(result: dict) -> None:
    print("  " + " | ".join(cell for cell in _cells(result) if cell), flush=True)


def _median_seconds(runs: int, action: Callable[[], object]) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


# --- Stores --------------------------------------------------------------------------------------
def _fresh_engine(folder: Path, name: str):
    path = folder / f"{name}.db"
    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    upgrade_store(engine)
    return engine


def sqlite_page_store(scale: str, folder: Path = BENCH_FOLDER) -> str:
    """The URL of the SQLite store `folder/pages-SCALE.db` holding the `scale` program anchored on
    `PAGE_ANCHOR`, seeded the first time and reused after."""
    path = folder / f"pages-{scale}.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_store(engine)
    if store_is_empty(engine):
        print(f"Seeding {scale} into {path} (once; reused by later runs)…", flush=True)
        seed_store(engine, scale=scale, anchor=PAGE_ANCHOR)
    engine.dispose()
    return f"sqlite:///{path}"


def default_postgres_url() -> str:
    """`PAIRPULSE_BENCH_POSTGRES_URL`, else a local server's `pairpulse_bench` database."""
    return os.environ.get(POSTGRES_URL_ENV) or DEFAULT_POSTGRES_URL


def hide_password(url: str) -> str:
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def postgres_page_store(url: str, scale: str, same_as: str) -> str:
    """`url` holding the same `scale` program as the store at `same_as`: the database is created
    when missing (through the server's `postgres` database) and seeded when it is empty or holds
    other row counts; reused otherwise. Raises when the server cannot be reached."""
    url = normalise_url(url)
    parsed = make_url(url)
    admin = create_engine(
        parsed.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 5},
    )
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            ).first()
            if not exists:
                print(f"Creating the database {parsed.database}…", flush=True)
                # A name cannot be a bound parameter: the dialect quotes it as an identifier.
                name = connection.dialect.identifier_preparer.quote_identifier(parsed.database)
                connection.execute(text(f"CREATE DATABASE {name}"))
    finally:
        admin.dispose()
    reference = make_engine(same_as)
    expected = table_counts(reference)
    reference.dispose()
    engine = make_engine(url)
    try:
        upgrade_store(engine)
        if table_counts(engine) != expected:
            print(f"Seeding {scale} into {hide_password(url)} (once; reused later)…", flush=True)
            seed_store(engine, scale=scale, anchor=PAGE_ANCHOR, replace=not store_is_empty(engine))
    finally:
        engine.dispose()
    return url


def _reason(error: BaseException) -> str:
    """The first line of what went wrong, without SQLAlchemy's wrapping."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return (lines[0] if lines else type(cause).__name__)[:160]


# --- Pages ---------------------------------------------------------------------------------------
def time_pages(url: str, runs: int, *, blank: bool) -> dict:
    """Every screen's script run on the store at `url`, cold and warm, `runs` times each, timed in
    a child process (`python -m scripts.page_times --url`); with `blank`, a blank page too. The
    child's report: {"screens": [...], "blank": {...} | None, "max_rss_mb": …}."""
    with tempfile.TemporaryDirectory(prefix="pairpulse-pages-") as tmp:
        out = Path(tmp) / "pages.json"
        command = [
            sys.executable, "-m", "scripts.page_times", "--url", url, "--runs", str(runs),
            "--json-out", str(out),
        ]  # fmt: skip
        if blank:
            command.append("--blank")
        done = subprocess.run(command, cwd=ROOT, timeout=PAGES_TIMEOUT_S, check=False)  # noqa: S603
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"the page timing process exited with status {done.returncode}")
        return json.loads(out.read_text())


def page_rows(report: dict) -> list[dict]:
    """Rows for the blank page and every screen, cold and warm, each with its target and
    its ratio to the blank page of the same kind."""
    blank = report.get("blank")
    rows = []
    if blank:
        for kind in ("cold", "warm"):
            rows.append(
                row(
                    f"{BLANK_PAGE}, {kind}",
                    blank[f"{kind}_median_s"],
                    "s",
                    runs=blank[f"{kind}_runs_s"],
                    ratio_to_blank=1.0,
                    screen=BLANK_PAGE,
                    kind=kind,
                )
            )
    for screen in report["screens"]:
        for kind, target in (("cold", PAGE_COLD_TARGET_S), ("warm", PAGE_WARM_TARGET_S)):
            what = f"{screen['screen']}, {kind}"
            if screen.get("error"):
                rows.append(row(what, None, "s", target=target, skipped=screen["error"]))
                continue
            value = screen[f"{kind}_median_s"]
            ratio = value / blank[f"{kind}_median_s"] if blank else None
            rows.append(
                row(what, value, "s", runs=screen[f"{kind}_runs_s"], target=target,
                    ratio_to_blank=ratio, screen=screen["screen"], kind=kind)
            )  # fmt: skip
    return rows


def memory_row(report: dict) -> dict:
    """The peak resident memory of the process that served every page."""
    value = report["max_rss_mb"] / 1024
    return row(
        "peak memory, one process serving every page",
        value,
        "GB",
        runs=[value],
        target=PEAK_MEMORY_TARGET_GB,
    )


def postgres_rows(
    url: str, scale: str, sqlite_url: str, runs: int, sqlite_rows: Sequence[dict]
) -> list[dict]:
    """The screens on PostgreSQL, each against 1.5 × the same screen's SQLite figure; one skipped
    row (with the reason) when the server cannot be reached or the run fails."""
    try:
        store = postgres_page_store(url, scale, sqlite_url)
        report = time_pages(store, runs, blank=False)
    except Exception as error:  # noqa: BLE001 — any failure is reported as a row, not a crash
        return [
            row(
                f"PostgreSQL pages ({hide_password(url)})",
                None,
                "s",
                target_text=f"≤ {POSTGRES_FACTOR:g} × SQLite",
                skipped=_reason(error),
            )
        ]
    sqlite = {(r.get("screen"), r.get("kind")): r["value"] for r in sqlite_rows}
    blank = {kind: sqlite.get((BLANK_PAGE, kind)) for kind in ("cold", "warm")}
    rows = []
    for screen in report["screens"]:
        for kind in ("cold", "warm"):
            what = f"PostgreSQL: {screen['screen']}, {kind}"
            base = sqlite.get((screen["screen"], kind))
            target = None if base is None else POSTGRES_FACTOR * base
            text_ = (
                None if base is None else f"≤ {POSTGRES_FACTOR:g} × SQLite = {_figure(target, 's')}"
            )
            if screen.get("error"):
                rows.append(row(what, None, "s", target=target, target_text=text_,
                                skipped=screen["error"]))  # fmt: skip
                continue
            value = screen[f"{kind}_median_s"]
            rows.append(
                row(what, value, "s", runs=screen[f"{kind}_runs_s"], target=target,
                    target_text=text_,
                    ratio_to_blank=value / blank[kind] if blank.get(kind) else None,
                    ratio_to_sqlite=None if not base else value / base,
                    screen=screen["screen"], kind=kind)
            )  # fmt: skip
    return rows


# --- Store-side figures --------------------------------------------------------------------------
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


def run_benchmarks(
    *,
    page_scale: str = "enterprise",
    health_scale: str = "enterprise",
    import_scale: str = "enterprise",
    runs: int = 3,
    matching_sizes: Sequence[int] = DEFAULT_MATCHING_SIZES,
    seed_scales: Sequence[str] = (),
    postgres_url: str | None = None,
    results_path: Path = RESULTS_PATH,
    store_folder: Path = BENCH_FOLDER,
) -> list[dict]:
    """Run every benchmark, print each row as it arrives, then the table and the verdict; write
    the rows to `results_path`; return them. `postgres_url` None skips PostgreSQL."""
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
    add(bench_health(sqlite_page_store(health_scale, store_folder), health_scale, max(runs, 5)))
    with tempfile.TemporaryDirectory(prefix="pairpulse-bench-") as tmp:
        folder = Path(tmp)
        import_url = sqlite_page_store(import_scale, store_folder)
        add(bench_import(import_url, import_scale, folder, runs))
        add(bench_import_memory(import_url, import_scale, folder))
        for scale in seed_scales:
            add(bench_seed(scale, folder, runs if scale != "enterprise" else 1))
    for size in matching_sizes:
        add(bench_matching(size, runs))

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
