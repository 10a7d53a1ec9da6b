"""A write that fails part-way leaves nothing half-written, on SQLite and PostgreSQL.

Each test makes the database driver fail on one statement in the middle (or at the very end) of
a multi-statement write — as a dropped connection or a full disk would — and then compares
every table of the store, row by row, with what it held before.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import SQLModel

from app.matching.settings import MatchSettings
from data_access.app_users import grant_role, remove_access
from data_access.db import store_failure, table_counts
from data_access.follow_ups import log_follow_up
from data_access.importer import read_directory, run_import
from data_access.scenarios import apply_scenario, save_scenario
from data_access.settings_store import store_settings
from sample_data.seed import seed_store
from tests.data_access.test_scenarios import PROPOSED, START
from tests.data_access.test_scenarios import store as scenario_store  # noqa: F401 (fixture)

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
#: What the driver says, per backend, when the disk or the connection gives way mid-write.
INJECTED = {
    "sqlite": "disk I/O error (injected in the middle of the write)",
    "postgresql": "server closed the connection unexpectedly (injected in the middle of the write)",
}


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    with engine.connect() as connection:
        return {
            table.name: sorted(
                (tuple(str(value) for value in row) for row in connection.execute(select(table))),
            )
            for table in SQLModel.metadata.sorted_tables
        }


@contextmanager
def failing(engine: Engine, statement: str, nth: int = 1) -> Iterator[list[str]]:
    """Make the driver raise its own OperationalError on the `nth` statement that starts with
    `statement` (a regular expression, e.g. `INSERT INTO "?pair"?\\b`); yields the statements
    that ran, so a test can show the failure came after other writes."""
    dbapi = engine.dialect.loaded_dbapi
    pattern = re.compile(rf"\s*{statement}", re.IGNORECASE)
    ran: list[str] = []
    matched = 0

    def before(_connection, _cursor, sql, _parameters, _context, _executemany) -> None:
        nonlocal matched
        if re.match(r"\s*(INSERT|UPDATE|DELETE)", sql, re.IGNORECASE):
            ran.append(sql)
        if pattern.match(sql):
            matched += 1
            if matched == nth:
                raise dbapi.OperationalError(INJECTED[engine.dialect.name])

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield ran
    finally:
        event.remove(engine, "before_cursor_execute", before)


def writes_before_the_failure(ran: list[str]) -> int:
    return len(ran) - 1


def import_fixture_program(engine: Engine) -> None:
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied


@pytest.mark.parametrize(
    "statement",
    [r'INSERT INTO "?pair"?\b', r'INSERT INTO "?survey_response"?\b', r'INSERT INTO "?audit_log"?'],
    ids=["third-file", "last-file", "audit-row"],
)
def test_an_import_that_fails_part_way_writes_nothing(engine: Engine, statement: str) -> None:
    before = snapshot(engine)
    with failing(engine, statement) as ran, pytest.raises(OperationalError, match="injected"):
        import_fixture_program(engine)
    assert writes_before_the_failure(ran) >= 2  # cohorts and participants had been sent
    assert snapshot(engine) == before
    assert not any(table_counts(engine).values())
    import_fixture_program(engine)  # and the store takes the same import afterwards
    assert table_counts(engine)["pairs"] > 0


def test_a_reimport_that_fails_part_way_keeps_the_previous_program(
    engine: Engine, tmp_path: Path
) -> None:
    import_fixture_program(engine)
    before = snapshot(engine)
    changed = tmp_path / "program"
    changed.mkdir()
    for file in FIXTURE_PROGRAM.iterdir():
        text = file.read_text(encoding="utf-8")
        (changed / file.name).write_text(text.replace("Spring", "Autumn"), encoding="utf-8")
    with failing(engine, r'INSERT INTO "?meeting"?\b'), pytest.raises(OperationalError):
        run_import(read_directory(changed), engine=engine)
    assert snapshot(engine) == before


def test_applying_a_scenario_that_fails_at_its_audit_row_changes_no_pair(
    scenario_store: Engine,  # noqa: F811
) -> None:
    engine = scenario_store
    scenario_id = save_scenario(
        engine=engine,
        name="Spring",
        cohort_id="C1",
        pool="rematch",
        settings=MatchSettings().to_dict(),
        pairs=PROPOSED,
        actor="ana@example.com",
        replaces_pair_ids=["P1"],
    )
    before = snapshot(engine)
    with (
        failing(engine, r'INSERT INTO "?audit_log"?') as ran,
        pytest.raises(OperationalError, match="injected"),
    ):
        apply_scenario(engine=engine, scenario_id=scenario_id, start_on=START, actor="ana")
    # The replaced pair was ended, the new pairs inserted, the scenario marked — then it failed.
    assert writes_before_the_failure(ran) == 3
    assert snapshot(engine) == before
    assert apply_scenario(engine=engine, scenario_id=scenario_id, start_on=START, actor="ana")


def test_saving_a_scenario_that_fails_at_its_pairs_leaves_no_scenario(
    scenario_store: Engine,  # noqa: F811
) -> None:
    engine = scenario_store
    before = snapshot(engine)
    with failing(engine, r'INSERT INTO "?scenario_pair"?'), pytest.raises(OperationalError):
        save_scenario(
            engine=engine,
            name="Spring",
            cohort_id="C1",
            pool="rematch",
            settings=MatchSettings().to_dict(),
            pairs=PROPOSED,
            actor="ana@example.com",
        )
    assert snapshot(engine) == before


def test_settings_that_fail_at_their_audit_row_are_not_saved(engine: Engine) -> None:
    before = snapshot(engine)
    with failing(engine, r'INSERT INTO "?audit_log"?'), pytest.raises(OperationalError):
        store_settings(engine, {"healthy_from": 80, "watch_from": 40}, actor="ana")
    assert snapshot(engine) == before


def test_access_changes_that_fail_at_their_audit_row_are_not_saved(engine: Engine) -> None:
    grant_role(engine, "ana@example.org", "program_manager", actor="setup")
    grant_role(engine, "bo@example.org", "coordinator", actor="setup")
    before = snapshot(engine)
    for change, args in (
        (grant_role, ("cy@example.org", "executive")),
        (grant_role, ("bo@example.org", "executive")),
        (remove_access, ("bo@example.org",)),
    ):
        with failing(engine, r'INSERT INTO "?audit_log"?'), pytest.raises(OperationalError):
            change(engine, *args, actor="ana")
        assert snapshot(engine) == before


def test_a_follow_up_that_fails_is_not_stored(engine: Engine) -> None:
    import_fixture_program(engine)
    before = snapshot(engine)
    with failing(engine, r'INSERT INTO "?follow_up"?'), pytest.raises(OperationalError):
        log_follow_up(engine, pair_id="P01", actor="ana", note="Called both")
    assert snapshot(engine) == before


def test_replacing_the_program_with_the_demo_fails_whole(engine: Engine) -> None:
    import_fixture_program(engine)
    before = snapshot(engine)
    # The old program is deleted first, then the demo written table by table: fail at goals.
    with failing(engine, r'INSERT INTO "?goal"?\b') as ran, pytest.raises(OperationalError):
        seed_store(engine, scale="demo", anchor=date(2026, 11, 23), replace=True)
    assert any(sql.lstrip().upper().startswith("DELETE") for sql in ran)
    assert snapshot(engine) == before


def test_the_injected_failure_reads_as_an_unreachable_store(engine: Engine) -> None:
    # What the app's guard will say about it (tests/screens/test_store_failures.py).
    with failing(engine, r'INSERT INTO "?audit_log"?'), pytest.raises(DBAPIError) as caught:
        store_settings(engine, {"healthy_from": 80}, actor="ana")
    assert store_failure(caught.value) == "unreachable"


def test_a_bug_is_not_read_as_a_store_failure(engine: Engine) -> None:
    # A missing table is an OperationalError on SQLite too; the guard must not call it an outage.
    with engine.connect() as connection, pytest.raises(DBAPIError) as caught:
        connection.exec_driver_sql("SELECT * FROM no_such_table")
    assert store_failure(caught.value) is None
