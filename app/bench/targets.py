"""Where the benchmarks keep their stores and results, and the target of every figure."""

from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
#: Participants' outcomes against comparable colleagues (app/outcomes.py), enterprise program.
OUTCOMES_TARGET_S = 1.0
#: Working out the reminder e-mails due and queueing them, enterprise program.
REMINDERS_TARGET_S = 10.0
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
