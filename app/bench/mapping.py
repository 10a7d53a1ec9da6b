"""Import through a mapping vs the native import: a Google Forms-style survey export of
`rows` answers (words, US timestamps, e-mails) imported with the `google_forms_pulse` preset,
against the same answers as a native surveys.csv, each into a fresh SQLite store that holds the
demo's people and pairs; and the peak memory of a process doing only the mapped import."""

import csv
import io
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from app.bench.stores import _fresh_engine
from app.bench.table import _median_seconds, row
from data_access.db import make_engine
from data_access.importer import read_directory, run_import
from data_access.importer.mapping import convert, preset, read_source, run_mapped_import
from sample_data.exports import make_exports

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "sample_data" / "demo"
#: The mapped import may take at most this many times the native import's time per row.
MAPPED_IMPORT_FACTOR = 1.5
MAPPED_ROWS = 200_000

_MAPPED_CHILD = """
import resource, sys
from pathlib import Path
from data_access.db import make_engine
from data_access.importer.mapping import preset, read_source, run_mapped_import
engine = make_engine(f"sqlite:///{sys.argv[2]}")
path = Path(sys.argv[1])
table, warnings = read_source(path.name, path.read_bytes())
report = run_mapped_import(table, preset("google_forms_pulse"), engine=engine, actor="bench")
assert report.applied, report.as_text()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def survey_export(rows: int) -> bytes:
    """A Google Forms responses CSV of `rows` answers by the demo's people who are in exactly
    one pair from 3 to 5 November 2026 (so each can be placed), every timestamp different."""
    days = [make_exports.SURVEY_DAY + timedelta(days=n) for n in range(3)]
    pools = [{p["email"] for p in make_exports.respondents(10_000, day)} for day in days]
    emails = sorted(set.intersection(*pools))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(make_exports.GOOGLE_FORMS_HEADER)
    for index in range(rows):
        day: date = days[index % 3]
        second = index // 3
        clock = f"{second // 3600 % 24}:{second // 60 % 60:02d}:{second % 60:02d}"
        stamp = f"{day.month}/{day.day}/{day.year} {clock}"
        answer = index % 8
        writer.writerow(
            [
                stamp,
                emails[(index // 3 // 86_400 + index) % len(emails)],
                make_exports.SATISFIED[answer],
                make_exports.AGREE[answer],
                make_exports.AGREE[(answer + 3) % 8],
                make_exports.NPS[answer],
                make_exports.COMMENTS[answer],
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _people_store(folder: Path) -> Path:
    """A SQLite store with the demo's cohorts, people and pairs, made once: its path."""
    path = folder / "mapping-people.db"
    if path.exists():
        return path
    engine = _fresh_engine(folder, "mapping-people")
    people = folder / "mapping-people"
    people.mkdir(exist_ok=True)
    for name in ("cohorts", "employees", "participants", "pairs"):
        shutil.copy(DEMO / f"{name}.csv", people)
    assert run_import(read_directory(people), engine=engine, actor="bench").applied
    engine.dispose()
    return path


def _copy_store(template: Path, folder: Path, name: str) -> str:
    path = folder / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def bench_mapped_import(folder: Path, runs: int, rows: int = MAPPED_ROWS) -> list[dict]:
    """Rows/s of the native import and of the mapped import of the same `rows` answers, and the
    peak memory of a process doing the mapped import."""
    template = _people_store(folder)
    export = folder / "google_forms_export.csv"
    export.write_bytes(survey_export(rows))
    mapping = preset("google_forms_pulse")
    # the same answers in the import format: the mapping's own output, written once
    native = folder / "native-surveys"
    native.mkdir(exist_ok=True)
    engine = make_engine(_copy_store(template, folder, "mapping-convert"))
    table, _ = read_source(export.name, export.read_bytes())
    converted = convert(table, mapping, engine=engine).table
    engine.dispose()
    assert not converted.problems, converted.problems[:3]
    with (native / "surveys.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(converted.header)
        writer.writerows(converted.rows)
    del table, converted

    def native_once() -> None:
        engine = make_engine(_copy_store(template, folder, "mapping-native"))
        report = run_import(read_directory(native), engine=engine, actor="bench")
        assert report.applied, report.as_text()
        engine.dispose()

    def mapped_once() -> None:
        engine = make_engine(_copy_store(template, folder, "mapping-mapped"))
        source, warnings = read_source(export.name, export.read_bytes())
        report = run_mapped_import(source, mapping, engine=engine, actor="bench")
        assert report.applied, report.as_text()
        engine.dispose()

    native_s, native_times = _median_seconds(runs, native_once)
    mapped_s, mapped_times = _median_seconds(runs, mapped_once)
    native_rate = rows / native_s
    store = _copy_store(template, folder, "mapping-memory").removeprefix("sqlite:///")
    done = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", _MAPPED_CHILD, str(export), store],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the mapped import process failed: {done.stderr[-2000:]}")
    peak_gb = int(done.stdout.split()[-1]) / 2**20  # KiB → GiB
    return [
        row(
            f"native import of {rows:,} survey answers",
            native_rate,
            "rows/s",
            runs=[rows / s for s in native_times],
            rows=rows,
            median_s=native_s,
        ),
        row(
            f"mapped import of a {rows:,}-row Google Forms export",
            rows / mapped_s,
            "rows/s",
            runs=[rows / s for s in mapped_times],
            target=native_rate / MAPPED_IMPORT_FACTOR,
            at_least=True,
            target_text=f"≥ native ÷ {MAPPED_IMPORT_FACTOR:g}",
            rows=rows,
            median_s=mapped_s,
            ratio_to_native=mapped_s / native_s,
        ),
        row(
            "peak memory, one process doing the mapped import",
            peak_gb,
            "GB",
            runs=[peak_gb],
            target=1.0,
        ),
    ]
