"""Rows of the benchmark table: a figure beside its target, printed and judged."""

import statistics
import time
from collections.abc import Callable, Sequence


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
    if unit == "MB":
        return f"{value:,.2f} MB"
    if unit == "msg/s":
        return f"{value:,.0f} msg/s"
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
