"""`python -m app bench`, run small: what a reader of its table and of results.json checks.

One run at the demo scale (one run per figure, a 50 × 50 matching pool) with PostgreSQL pointed at
a port nothing listens on, so that the run also shows the PostgreSQL pages skipped with a reason
rather than crashing.
"""

import contextlib
import io
import json

import pytest

from app.bench import PAGE_COLD_TARGET_S, PAGE_WARM_TARGET_S, print_table, verdict
from app.cli import main
from components.access import SCREENS

UNREACHABLE_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:1/pairpulse_bench"


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, dict]:
    """(exit status, what it printed, results.json) of one small run into a temp folder."""
    folder = tmp_path_factory.mktemp("bench")
    results = folder / "results.json"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(
            [
                "bench", "--page-scale", "demo", "--health-scale", "demo",
                "--import-scale", "demo", "--runs", "1", "--matching-sizes", "50",
                "--postgres-url", UNREACHABLE_POSTGRES, "--results", str(results),
                "--store-dir", str(folder), "--mapping-rows", "3000",
                "--no-browser",  # its own test: tests/browser/test_browser_bench.py
            ]
        )  # fmt: skip
    return status, out.getvalue(), json.loads(results.read_text())


def _table(printed: str) -> list[list[str]]:
    """The final table's rows as cells (between its header and the verdict line)."""
    lines = printed.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("what ") and "|" in line)
    rows = []
    for line in lines[start + 2 :]:
        if "|" not in line:
            break
        rows.append([cell.strip() for cell in line.split(" | ")])
    return rows


def test_every_screen_has_a_cold_and_a_warm_figure_beside_its_target(bench_run) -> None:
    status, printed, report = bench_run
    assert status == 0
    table = {cells[0]: cells for cells in _table(printed)}
    for screen in SCREENS:
        for kind, target in (("cold", PAGE_COLD_TARGET_S), ("warm", PAGE_WARM_TARGET_S)):
            cells = table[f"{screen.title}, {kind}"]
            assert cells[1].endswith(" s") and cells[1] != "—"
            assert cells[2] == f"≤ {target:.2f} s"
            assert cells[3] in ("met", "NOT met")
            assert cells[4].endswith("×")
    rows = {result["what"]: result for result in report["rows"]}
    for screen in SCREENS:
        cold = rows[f"{screen.title}, cold"]
        assert cold["value"] > 0 and cold["unit"] == "s" and len(cold["runs"]) == 1


def test_the_blank_page_is_measured_and_each_page_is_a_ratio_to_it(bench_run) -> None:
    _, _, report = bench_run
    rows = {result["what"]: result for result in report["rows"]}
    for kind in ("cold", "warm"):
        blank = rows[f"blank Streamlit page, {kind}"]
        assert blank["value"] > 0 and blank["target"] is None
        for screen in SCREENS:
            page = rows[f"{screen.title}, {kind}"]
            assert page["ratio_to_blank"] == pytest.approx(page["value"] / blank["value"])


def test_met_agrees_with_each_figure_and_its_target(bench_run) -> None:
    _, printed, report = bench_run
    with_target = [result for result in report["rows"] if result["target"] is not None]
    assert {"s", "rows/s", "GB"} <= {result["unit"] for result in with_target}
    for result in with_target:
        if result["target_kind"] == "at least":
            assert result["met"] == (result["value"] >= result["target"]), result
        else:
            assert result["met"] == (result["value"] <= result["target"]), result
    missed = [result["what"] for result in report["rows"] if result["met"] is False]
    verdict_line = next(
        line for line in printed.splitlines() if "targets met" in line or "NOT met:" in line
    )
    assert verdict_line == report["verdict"] == verdict(report["rows"])
    if missed:
        assert verdict_line.startswith(f"{len(missed)} targets NOT met: ")
        assert all(what in verdict_line for what in missed)
    else:
        assert verdict_line.startswith("All measured targets met")  # PostgreSQL was not measured


def test_results_json_holds_the_rows_of_the_printed_table(bench_run, capsys) -> None:
    _, printed, report = bench_run
    printed_rows = _table(printed)
    assert [cells[0] for cells in printed_rows] == [result["what"] for result in report["rows"]]
    print_table(report["rows"])  # the same rows render to the same table
    assert _table(capsys.readouterr().out) == printed_rows
    whats = " / ".join(result["what"] for result in report["rows"])
    for expected in ("peak memory", "health + stalled of all pairs", "import of the demo export",
                     "matching 50 mentees"):  # fmt: skip
        assert expected in whats


def test_an_unreachable_postgresql_gives_a_skipped_row_not_a_crash(bench_run) -> None:
    status, printed, report = bench_run
    assert status == 0
    skipped = [result for result in report["rows"] if result["what"].startswith("PostgreSQL")]
    assert len(skipped) == 1
    assert skipped[0]["value"] is None and skipped[0]["met"] is None
    assert "refused" in skipped[0]["skipped"].lower() or "connect" in skipped[0]["skipped"].lower()
    row = next(cells for cells in _table(printed) if cells[0].startswith("PostgreSQL"))
    assert row[3].startswith("skipped: ")
    assert "PostgreSQL pages" in report["verdict"]  # named as not measured


def test_the_results_go_where_asked_and_the_stores_are_reused(tmp_path, bench_run) -> None:
    from app.bench import RESULTS_PATH, sqlite_page_store

    _, printed, report = bench_run
    assert str(RESULTS_PATH) not in printed  # a test run leaves bench/results.json alone
    assert report["page_scale"] == "demo" and report["runs"] == 1
    store = sqlite_page_store("demo", tmp_path)
    modified = (tmp_path / "pages-demo.db").stat().st_mtime_ns
    assert sqlite_page_store("demo", tmp_path) == store  # the second call seeds nothing
    assert (tmp_path / "pages-demo.db").stat().st_mtime_ns == modified


def test_the_peak_memory_of_an_import_is_measured_in_its_own_process(bench_run) -> None:
    _, _, results = bench_run
    rows = results["rows"]
    memory = next(r for r in rows if r["what"].startswith("peak memory, one process importing"))
    assert memory["unit"] == "GB" and memory["target"] == 1.0
    # a real process's peak: more than the interpreter alone, far less than the target at demo
    assert 0.05 < memory["value"] < memory["target"]
    assert memory["met"] is True


def test_the_import_through_a_mapping_is_timed_beside_the_native_import(bench_run) -> None:
    _, _, results = bench_run
    rows = {r["what"]: r for r in results["rows"]}
    native = rows["native import of 3,000 survey answers"]
    mapped = rows["mapped import of a 3,000-row Google Forms export"]
    assert native["unit"] == mapped["unit"] == "rows/s"
    assert mapped["target"] == pytest.approx(native["value"] / 1.5)
    assert mapped["ratio_to_native"] == pytest.approx(native["value"] / mapped["value"])
    memory = rows["peak memory, one process doing the mapped import"]
    assert 0.05 < memory["value"] < 1.0
