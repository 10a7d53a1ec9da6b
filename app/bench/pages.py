"""Page figures: every screen timed in a child process, its rows, memory, and PostgreSQL."""

import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from app.bench.stores import _reason, hide_password, postgres_page_store
from app.bench.table import _figure, row
from app.bench.targets import (
    BLANK_PAGE,
    PAGE_COLD_TARGET_S,
    PAGE_WARM_TARGET_S,
    PAGES_TIMEOUT_S,
    PEAK_MEMORY_TARGET_GB,
    POSTGRES_FACTOR,
    ROOT,
)


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
