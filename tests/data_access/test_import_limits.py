"""No input takes the importer's memory: a ZIP that unpacks to far more than it weighs, a workbook
with a cell in its last column on every row and a CSV file beyond the limit are refused in one
sentence (exit status 2) with the importer's peak memory under 1 GB, measured in a child process
under an address-space limit; a damaged ZIP and a formula without a saved result are named."""

import io
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from data_access.importer import (
    MAX_COLUMNS,
    ImportSourceError,
    read_directory,
    read_uploads,
    run_import,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PEAK_LIMIT_BYTES = 1_000_000_000  # the peak resident memory any import may reach
#: The child's address space: a safety net that ends a runaway import long before the machine
#: suffers (Python with pandas, numpy and SQLAlchemy reserves far more than it touches).
ADDRESS_SPACE_BYTES = 4_000_000_000
COHORT_HEADER = ["cohort_id", "name", "start_date", "end_date", "focus_area", "target_cadence_days"]
MEETINGS_HEADER = "meeting_id,pair_id,held_on,duration_minutes,format,topics\n"


def _zip_bomb(path: Path) -> Path:
    """A ZIP of a few hundred KB holding a 300 MB meetings.csv."""
    row = b"M0000001,PR00001,2026-01-05,45,video,feedback culture;mobile apps\n"
    block = row * (1_000_000 // len(row))
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("meetings.csv", "w", force_zip64=True) as member,
    ):
        member.write(MEETINGS_HEADER.encode())
        for _ in range(300):
            member.write(block)
    return path


def _wide_workbook(path: Path) -> Path:
    """An XLSX workbook of about 100 KB: a meetings header and one cell in column XFD (16,384)
    on each of 20,000 rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "meetings"
    sheet.append(MEETINGS_HEADER.strip().split(","))
    for row in range(2, 20_002):
        sheet.cell(row=row, column=16_384, value=1)
    workbook.save(path)
    return path


def _large_csv(path: Path) -> Path:
    """A 200 MB meetings.csv of distinct rows (the size the Data screen accepts)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(MEETINGS_HEADER)
        number, written = 0, 0
        while written < 200_000_000:
            lines = "".join(
                f"M{number + index:09d},PR{(number + index) % 25_000:05d},2026-01-05,45,video,"
                f"topic {(number + index) % 997}\n"
                for index in range(100_000)
            )
            number += 100_000
            written += handle.write(lines)
    return path


def _import_in_child(source: Path, store_url: str) -> tuple[int, str, int]:
    """`python -m app import SOURCE --dry-run` in a child process under the address-space limit:
    its exit status, what it printed on stderr and its peak resident memory in bytes."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))

    child = subprocess.Popen(
        [sys.executable, "-m", "app", "import", str(source), "--dry-run"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": store_url, "PAIRPULSE_DEMO_DATA": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=limit,
    )
    assert child.stderr is not None
    err = child.stderr.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, err, usage.ru_maxrss * 1024


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_zip_bomb, "more than the 160 MB one import may hold"),
        (_wide_workbook, None),
        (_large_csv, "more than 10,000,000 cells, more than one import may check at once"),
    ],
    ids=["zip bomb", "wide workbook", "large csv"],
)
def test_no_input_takes_more_than_1_gb(make, says, tmp_path: Path, sqlite_url: str) -> None:
    name = {"_zip_bomb": "bomb.zip", "_wide_workbook": "wide.xlsx", "_large_csv": "meetings.csv"}
    source = make(tmp_path / name[make.__name__])
    status, err, peak = _import_in_child(source, sqlite_url)
    print(f"{make.__name__}: peak {peak / 1e6:,.0f} MB, exit {status}")
    source.unlink()
    if says is None:  # nothing but the header: refused as holding no rows, quickly
        assert status == 0, err
    else:
        assert status == 2, err
        assert says in err and "Traceback" not in err, err
    assert peak <= PEAK_LIMIT_BYTES, f"peak memory {peak / 1e9:.2f} GB"


def _meetings_zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_with_a_damaged_member_is_refused_in_one_sentence(
    tmp_path: Path, sqlite_url: str
) -> None:
    content = (MEETINGS_HEADER + "M1,PR1,2026-01-05,45,video,\n").encode()
    archive = _meetings_zip(**{"meetings.csv": content})
    damaged = archive.replace(b"video", b"vidEo", 1)  # stored, not compressed: the CRC fails
    with pytest.raises(ImportSourceError) as refused:
        read_uploads([("program.zip", damaged)])
    assert str(refused.value) == (
        "program.zip: member meetings.csv is damaged (CRC check failed), so nothing was imported."
    )
    path = tmp_path / "program.zip"
    path.write_bytes(damaged)
    status, err, _ = _import_in_child(path, sqlite_url)
    assert status == 2
    assert "member meetings.csv is damaged (CRC check failed)" in err and "Traceback" not in err


def test_a_csv_row_wider_than_the_limit_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "program"
    folder.mkdir()
    (folder / "meetings.csv").write_text(
        MEETINGS_HEADER + "M1,PR1,2026-01-05,45,video," + "x," * MAX_COLUMNS + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportSourceError, match=r"meetings.csv: line 2 has 1,005 cells"):
        read_directory(folder)


def test_a_formula_without_a_saved_result_is_a_problem_not_a_blank(engine) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "cohorts"
    sheet.append(COHORT_HEADER)
    sheet.append(["C1", "Pilot", "2026-01-05", "2026-06-30", "AI", 14])
    sheet["F2"] = "=7*2"  # openpyxl saves a formula without its result, as some tools do
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run_import(read_uploads([("program.xlsx", buffer.getvalue())]), engine=engine)
    assert not report.applied
    assert [str(problem) for problem in report.problems] == [
        "cohorts:2 target_cadence_days — is a formula with no saved result (=7*2); open the "
        "workbook in Excel or LibreOffice and save it, or paste the values instead"
    ]


def test_cells_far_right_of_the_header_are_not_read(engine) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "cohorts"
    sheet.append(COHORT_HEADER)
    sheet.append(["C1", "Pilot", "2026-01-05", "2026-06-30", "AI", 14])
    sheet[f"{get_column_letter(16_384)}2"] = "far away"
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run_import(read_uploads([("program.xlsx", buffer.getvalue())]), engine=engine)
    assert report.ok and report.applied, report.as_text()
