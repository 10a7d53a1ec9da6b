"""Fuzzing the importer: a mutated program is either imported whole or refused whole, with a report.

Each example starts from the valid fixture program, breaks one of its files in one to three ways
(a bad cell, a broken header, a cut-off file, a repeated id, bytes that are not UTF-8…) and imports
the result into a store that already holds the fixture program. Whatever the files hold, no
traceback escapes: either the import is applied with no problem (and importing the same files
again changes nothing), or it is refused with problems that each name a file and a line, and not
one row of the store has changed.
"""

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from data_access.csv_format import FILE_FORMATS
from data_access.db import make_engine, table_counts
from data_access.importer import ImportSourceError, read_directory, run_import

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
FIXTURE_FILES = {path.name: path.read_bytes() for path in sorted(FIXTURE_PROGRAM.glob("*.csv"))}
FILE_NAMES = sorted(FIXTURE_FILES)

Rows = list[list[str]]
Files = dict[str, bytes]

# --- Mutations ------------------------------------------------------------------------------------

cell_text = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            " ",
            '"',
            '""',
            "a,b",
            'say "hi", then\nleave',
            "line one\nline two",
            "\r\n",
            "=cmd|' /C calc'!A0",
            "+1",
            "-1",
            "@SUM(A1)",
            "11",
            "0",
            "-5",
            "1e3",
            "NaN",
            "inf",
            "3.5",
            "2024-02-30",
            "2024-13-01",
            "01/02/2024",
            "9999-12-31",
            "0001-01-01",
            "mentor",
            "mentee",
            "MENTOR",
            "done",
            "C2024",
            "U01",
            "P01",
            "nobody",
            "x" * 5000,
            "🙂 ünïcödé 漢字",
            "\x00",
            "\u202e",
        ]
    ),
)


def _parse(content: bytes) -> Rows:
    return list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))


def _unparse(rows: Rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _on_rows(change: Callable[[st.DrawFn, Rows], None]) -> Callable[[st.DrawFn, bytes], bytes]:
    """A mutation of the parsed rows; a file no longer parseable as UTF-8 CSV is left as it is."""

    def mutate(draw: st.DrawFn, content: bytes) -> bytes:
        try:
            rows = _parse(content)
        except (UnicodeDecodeError, csv.Error):
            return content
        if not rows or not rows[0]:
            return content  # no header line to work from (emptied or starting blank)
        change(draw, rows)
        return _unparse(rows)

    mutate.__name__ = change.__name__
    return mutate


def _data_row(draw: st.DrawFn, rows: Rows) -> int | None:
    return draw(st.integers(1, len(rows) - 1)) if len(rows) > 1 else None


@_on_rows
def change_cell(draw: st.DrawFn, rows: Rows) -> None:
    row = draw(st.integers(0, len(rows) - 1))
    if rows[row]:
        column = draw(st.integers(0, len(rows[row]) - 1))
        rows[row][column] = draw(cell_text)


@_on_rows
def bad_value(draw: st.DrawFn, rows: Rows) -> None:
    """A value out of range or of the wrong kind in a column where it matters."""
    row = _data_row(draw, rows)
    if row is None:
        return
    targets = {
        "job_level": ["11", "0", "-1", "1e3", "NaN", "2.5"],
        "nps": ["-1", "11", "1e3", "NaN"],
        "satisfaction": ["0", "6", "NaN"],
        "progress_pct": ["101", "-1", "50%"],
        "capacity": ["-1", "1e3", "many"],
        "birth_year": ["1800", "3000", "NaN"],
        "duration_minutes": ["-30", "0", "1e3", "NaN"],
        "target_cadence_days": ["0", "-7", "1e3"],
        "role": ["boss", "MENTOR", ""],
        "status": ["finished", "", "DONE"],
        "kind": ["midterm", ""],
        "format": ["carrier pigeon"],
        "email": ["not an email", "a@@b"],
    }
    present = [(index, name) for index, name in enumerate(rows[0]) if name in targets]
    if present and row < len(rows) and rows[row]:
        index, name = draw(st.sampled_from(present))
        if index < len(rows[row]):
            rows[row][index] = draw(st.sampled_from(targets[name]))


@_on_rows
def swap_dates(draw: st.DrawFn, rows: Rows) -> None:
    """An end date before its start date (or a date that is not one)."""
    row = _data_row(draw, rows)
    dated = [index for index, name in enumerate(rows[0]) if name.endswith(("_date", "_on"))]
    if row is None or len(dated) < 2:
        return
    first, second = sorted(draw(st.permutations(dated))[:2])
    cells = rows[row]
    if second < len(cells):
        cells[first], cells[second] = "2030-01-01", "2000-01-01"


@_on_rows
def drop_column(draw: st.DrawFn, rows: Rows) -> None:
    index = draw(st.integers(0, len(rows[0]) - 1))
    header_only = draw(st.booleans())
    for cells in rows[:1] if header_only else rows:
        if index < len(cells):
            del cells[index]


@_on_rows
def duplicate_header(draw: st.DrawFn, rows: Rows) -> None:
    index = draw(st.integers(0, len(rows[0]) - 1))
    rows[0].append(rows[0][index])
    for cells in rows[1:]:
        cells.append(cells[index] if index < len(cells) else "")


@_on_rows
def reorder_columns(draw: st.DrawFn, rows: Rows) -> None:
    width = len(rows[0])
    order = draw(st.permutations(range(width)))
    rows[:] = [[cells[i] for i in order if i < len(cells)] for cells in rows]


@_on_rows
def rename_header(draw: st.DrawFn, rows: Rows) -> None:
    index = draw(st.integers(0, len(rows[0]) - 1))
    rows[0][index] = draw(
        st.sampled_from([rows[0][index].upper(), f" {rows[0][index]} ", "", "typo_column"])
    )


@_on_rows
def unknown_column(draw: st.DrawFn, rows: Rows) -> None:
    rows[0].append(draw(st.sampled_from(["notes", "extra", "Unnamed: 0", ""])))
    for cells in rows[1:]:
        cells.append(draw(cell_text))


@_on_rows
def duplicate_row(draw: st.DrawFn, rows: Rows) -> None:
    row = _data_row(draw, rows)
    if row is not None:
        rows.insert(draw(st.integers(1, len(rows))), list(rows[row]))


@_on_rows
def delete_row(draw: st.DrawFn, rows: Rows) -> None:
    row = _data_row(draw, rows)
    if row is not None:
        del rows[row]


@_on_rows
def extra_cells(draw: st.DrawFn, rows: Rows) -> None:
    row = _data_row(draw, rows)
    if row is not None:
        rows[row] += draw(st.lists(cell_text, min_size=1, max_size=3))


@_on_rows
def short_row(draw: st.DrawFn, rows: Rows) -> None:
    row = _data_row(draw, rows)
    if row is not None:
        del rows[row][draw(st.integers(0, len(rows[row]))) :]


@_on_rows
def header_only(draw: st.DrawFn, rows: Rows) -> None:
    del rows[1:]


@_on_rows
def blank_lines(draw: st.DrawFn, rows: Rows) -> None:
    rows.insert(draw(st.integers(0, len(rows))), [])


def truncate(draw: st.DrawFn, content: bytes) -> bytes:
    """The file cut off anywhere, possibly mid-row or mid-character."""
    return content[: draw(st.integers(0, len(content)))]


def add_bom(draw: st.DrawFn, content: bytes) -> bytes:
    return b"\xef\xbb\xbf" + content


def crlf(draw: st.DrawFn, content: bytes) -> bytes:
    return content.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def not_utf8(draw: st.DrawFn, content: bytes) -> bytes:
    """Bytes that are not UTF-8 somewhere (Latin-1 text, a lone continuation byte…)."""
    at = draw(st.integers(0, len(content)))
    junk = draw(st.sampled_from([b"\xe9", b"\xff\xfe", b"\x80", b"caf\xe9", b"\xc3"]))
    return content[:at] + junk + content[at:]


def unclosed_quote(draw: st.DrawFn, content: bytes) -> bytes:
    at = draw(st.integers(0, len(content)))
    return content[:at] + b'"' + content[at:]


def empty(draw: st.DrawFn, content: bytes) -> bytes:
    return draw(st.sampled_from([b"", b"\n", b"\r\n\r\n", b" ,\n"]))


def semicolons(draw: st.DrawFn, content: bytes) -> bytes:
    return content.replace(b",", b";")


MUTATIONS = [
    change_cell,
    bad_value,
    swap_dates,
    drop_column,
    duplicate_header,
    reorder_columns,
    rename_header,
    unknown_column,
    duplicate_row,
    delete_row,
    extra_cells,
    short_row,
    header_only,
    blank_lines,
    truncate,
    add_bom,
    crlf,
    not_utf8,
    unclosed_quote,
    empty,
    semicolons,
]


@st.composite
def mutated_programs(draw: st.DrawFn) -> Files:
    """The fixture program with one file changed by 1–3 mutations, or (sometimes) unchanged."""
    files = dict(FIXTURE_FILES)
    if draw(st.sampled_from(range(12))) == 0:
        event("mutation: none")
        return files
    name = draw(st.sampled_from(FILE_NAMES))
    content = files[name]
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3)):
        event(f"mutation: {mutation.__name__}")
        content = mutation(draw, content)
    files[name] = content
    return files


# --- The store ------------------------------------------------------------------------------------


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, ordered by primary key."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).all()
            ]
            for table in SQLModel.metadata.sorted_tables
        }


#: What every applied import writes besides its program rows: its audit row, a raised
#: revision counter and the row counts recorded with it (data_access.revision).
BOOKKEEPING = {"audit_log", "store_revision", "store_count"}


def without_audit(tables: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {name: rows for name, rows in tables.items() if name not in BOOKKEEPING}


def check_one_import(engine: Engine, folder: Path) -> str:
    """Import `folder` into `engine` and check it went in whole or not at all; the outcome."""
    before = snapshot(engine)
    try:
        report = run_import(read_directory(folder), engine=engine)
    except ImportSourceError as error:
        message = str(error)
        assert message.strip() and "\n" not in message and "Traceback" not in message, message
        assert snapshot(engine) == before
        return "refused: cannot read the files"
    text = report.as_text()
    assert "Traceback" not in text
    if report.applied:
        assert report.ok and report.problem_count == 0 and report.problems == [], text
        counts = table_counts(engine)
        after = snapshot(engine)
        for summary in report.files:
            # the file's new ids were added, at most its updated ids changed, nothing else did
            table = FILE_FORMATS[summary.file.lower().removesuffix(".csv")].table.__tablename__
            assert summary.rows == summary.new + summary.updated, text
            assert len(after[table]) == len(before[table]) + summary.new, text
            changed = set(before[table]) - set(after[table])
            assert len(changed) <= summary.updated, (table, changed)
        untouched = {name for name in before if name not in BOOKKEEPING} - {
            FILE_FORMATS[summary.file.lower().removesuffix(".csv")].table.__tablename__
            for summary in report.files
        }
        assert all(after[name] == before[name] for name in untouched)
        again = run_import(read_directory(folder), engine=engine)
        assert again.applied and again.ok, again.as_text()
        assert table_counts(engine) == counts
        assert without_audit(snapshot(engine)) == without_audit(after)
        assert all(summary.new == 0 for summary in again.files), again.as_text()
        return "imported"
    assert not report.ok and report.problems and report.problem_count >= len(report.problems)
    file_labels = {summary.file for summary in report.files} | set(FIXTURE_FILES)
    for problem in report.problems:
        assert problem.file in file_labels, problem
        assert problem.line >= 1 and problem.column and problem.problem.strip(), problem
        assert str(problem).startswith(f"{problem.file}:{problem.line} "), problem
    assert snapshot(engine) == before
    return "refused: problems reported"


@pytest.fixture
def filled_template(sqlite_url: str, tmp_path: Path) -> Path:
    """A SQLite store file that holds the fixture program, copied for every example."""
    engine = make_engine(sqlite_url)
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    engine.dispose()
    return Path(sqlite_url.removeprefix("sqlite:///"))


def write_program(folder: Path, files: Files) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content)


@pytest.mark.slow
@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(files=mutated_programs())
def test_a_mutated_program_is_imported_whole_or_refused_whole(
    files: Files, filled_template: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store.db"
    shutil.copyfile(filled_template, store)
    folder = tmp_path / "import"
    write_program(folder, files)
    engine = make_engine(f"sqlite:///{store}")
    try:
        outcome = check_one_import(engine, folder)
    finally:
        engine.dispose()
    event(outcome)
    if files == FIXTURE_FILES:
        assert outcome == "imported"


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(files=mutated_programs())
def test_a_mutated_program_is_imported_or_refused_whole_on_every_backend(
    files: Files, engine: Engine, tmp_path: Path
) -> None:
    # the store is emptied once per test, not per example: an example may import into what the
    # previous ones left, which the check allows (it compares the store before and after)
    folder = tmp_path / "import"
    if not table_counts(engine)["participants"]:
        assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    write_program(folder, files)
    event(check_one_import(engine, folder))


# --- Found by fuzzing -----------------------------------------------------------------------------


def test_a_quote_never_closed_refuses_the_file_instead_of_swallowing_its_last_rows(
    sqlite_url: str, tmp_path: Path
) -> None:
    # the csv module reads everything after a stray `"` as one cell: P02–P04 would be silently
    # dropped from the import and P01's focus area would hold the rest of the file
    engine = make_engine(sqlite_url)
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    files = dict(FIXTURE_FILES)
    files["pairs.csv"] = files["pairs.csv"].replace(b",completed,AI,\n", b',completed,"AI,\n')
    write_program(tmp_path / "import", files)
    before = snapshot(engine)

    report = run_import(read_directory(tmp_path / "import"), engine=engine)

    assert not report.applied
    assert [(p.file, p.line, p.column) for p in report.problems] == [("pairs.csv", 2, "(file)")]
    assert "never closed" in report.problems[0].problem
    assert snapshot(engine) == before
    engine.dispose()


def test_a_file_cut_off_inside_a_quoted_cell_is_refused(sqlite_url: str, tmp_path: Path) -> None:
    engine = make_engine(sqlite_url)
    files = dict(FIXTURE_FILES)
    content = files["surveys.csv"]
    files["surveys.csv"] = content[: content.index(b'"Eye-opening, I now') + len(b'"Eye-op')]
    write_program(tmp_path / "import", files)

    report = run_import(read_directory(tmp_path / "import"), engine=engine)

    assert not report.applied
    assert [(p.file, p.line, p.column) for p in report.problems] == [("surveys.csv", 3, "(file)")]
    assert table_counts(engine)["cohorts"] == 0
    engine.dispose()


def test_quoted_cells_over_several_lines_and_stray_quotes_inside_cells_still_import(
    sqlite_url: str, tmp_path: Path
) -> None:
    engine = make_engine(sqlite_url)
    files = dict(FIXTURE_FILES)
    files["meetings.csv"] = (
        files["meetings.csv"].replace(b"intro; goals", b'"intro;\ngoals, ""quoted"""')
        + b'M008,P01,2024-03-11,30,video,a 5" screen\n'
    )
    write_program(tmp_path / "import", files)

    report = run_import(read_directory(tmp_path / "import"), engine=engine)

    assert report.applied, report.as_text()
    assert table_counts(engine)["meetings"] == 8
    engine.dispose()
