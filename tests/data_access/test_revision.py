"""Revision counters (data_access.revision): every write raises its own kind's counter in its
own transaction — imports, the demo program, applied scenarios and settings the program's,
follow-ups theirs — reads raise none, and a write that fails leaves them as they were. The
app's caches are keyed on them (components/loaders.py), on SQLite and PostgreSQL."""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import OperationalError

from app.settings import ProgramSettings, save_settings
from data_access import follow_ups, revision
from data_access.db import table_counts
from data_access.importer import read_directory, run_import
from data_access.models import PROGRAM_TABLES, Goal, StoreCount, StoreRevision
from data_access.queries import load_program
from data_access.scenarios import apply_scenario, save_scenario
from sample_data.seed import seed_store
from tests.data_access.test_write_failures import FIXTURE_PROGRAM, failing

ZERO = dict.fromkeys(revision.DOMAINS, 0)


def _import(engine: Engine) -> None:
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied


def test_a_new_store_starts_at_zero_and_reads_raise_nothing(engine: Engine) -> None:
    assert revision.revisions(engine) == ZERO
    load_program(engine, as_of=date(2025, 3, 31))
    assert revision.revisions(engine) == ZERO


def test_an_import_and_the_demo_program_raise_the_program_revision(engine: Engine) -> None:
    _import(engine)
    assert revision.revisions(engine) == {**ZERO, revision.PROGRAM: 1}
    _import(engine)  # a re-import is a write too, even when it changes nothing
    assert revision.revisions(engine)[revision.PROGRAM] == 2
    seed_store(engine, scale="demo", replace=True)
    assert revision.revisions(engine) == {**ZERO, revision.PROGRAM: 3}


def test_settings_and_an_applied_scenario_raise_the_program_revision(engine: Engine) -> None:
    _import(engine)
    save_settings(engine, ProgramSettings(), actor="test")
    assert revision.revisions(engine)[revision.PROGRAM] == 2
    # U03 and U02 are free again by spring 2025 (their 2024 pairs are over).
    pairs = pd.DataFrame({"mentor_id": ["U03"], "mentee_id": ["U02"], "score": [50.0]})
    scenario_id = save_scenario(
        engine=engine, name="One pair", cohort_id="C2025", pool="unmatched", settings={},
        pairs=pairs, actor="test",
    )  # fmt: skip
    assert revision.revisions(engine)[revision.PROGRAM] == 2  # a saved scenario changes no data
    apply_scenario(engine=engine, scenario_id=scenario_id, start_on=date(2025, 4, 1), actor="t")
    assert revision.revisions(engine) == {**ZERO, revision.PROGRAM: 3}


def test_follow_ups_raise_only_their_own_revision(engine: Engine) -> None:
    _import(engine)
    program = revision.revisions(engine)[revision.PROGRAM]
    follow_ups.log_follow_up(engine, pair_id="P03", actor="t", note="called")
    follow_ups.snooze(engine, pair_id="P03", actor="t", until=date(2025, 4, 7))
    follow_ups.resolve(engine, pair_id="P03", actor="t")
    assert revision.revisions(engine) == {revision.PROGRAM: program, revision.FOLLOW_UPS: 3}


def test_a_write_that_fails_leaves_the_revisions_as_they_were(engine: Engine) -> None:
    _import(engine)
    before = revision.revisions(engine)
    with failing(engine, r'INSERT INTO "?follow_up"?'), pytest.raises(Exception):  # noqa: B017
        follow_ups.log_follow_up(engine, pair_id="P03", actor="t", note="lost")
    with failing(engine, r'INSERT INTO "?meeting"?'), pytest.raises(Exception):  # noqa: B017
        _import(engine)
    assert revision.revisions(engine) == before


def test_an_unknown_domain_is_refused(engine: Engine) -> None:
    with engine.begin() as connection, pytest.raises(ValueError, match="unknown revision"):
        revision.bump(connection, "everything")


def _recorded(engine: Engine) -> dict[str, int]:
    """The counts as written, checked to be the recorded ones (not counted afresh)."""
    with engine.connect() as connection:
        rows = connection.execute(select(StoreCount.name, StoreCount.revision)).all()
    current = revision.revisions(engine)[revision.PROGRAM]
    assert {name: of for name, of in rows} == dict.fromkeys(PROGRAM_TABLES, current)
    return revision.table_counts_as_written(engine)


def test_every_program_write_records_the_row_counts_it_leaves(engine: Engine) -> None:
    """The Data screen's counts, recorded by each kind of program write, are the tables' own."""
    assert revision.table_counts_as_written(engine) == table_counts(engine)  # nothing recorded
    _import(engine)
    assert _recorded(engine) == table_counts(engine) and table_counts(engine)["meetings"] > 0
    pairs = pd.DataFrame({"mentor_id": ["U03"], "mentee_id": ["U02"], "score": [50.0]})
    scenario_id = save_scenario(
        engine=engine, name="One pair", cohort_id="C2025", pool="unmatched", settings={},
        pairs=pairs, actor="test",
    )  # fmt: skip
    before = table_counts(engine)["pairs"]
    apply_scenario(engine=engine, scenario_id=scenario_id, start_on=date(2025, 4, 1), actor="t")
    assert _recorded(engine) == table_counts(engine)
    assert table_counts(engine)["pairs"] == before + 1
    save_settings(engine, ProgramSettings(), actor="test")
    fixture = _recorded(engine)
    assert fixture == table_counts(engine)
    seed_store(engine, scale="demo", replace=True)
    assert _recorded(engine) == table_counts(engine) != fixture  # the demo's, not the fixture's


def test_counts_of_another_revision_are_never_shown(engine: Engine) -> None:
    """A write that raised the revision without recording counts (an older version of the app
    during an upgrade, a hand-made fix) leaves the recorded ones behind: they are counted
    afresh, so the Data screen never shows a stale figure."""
    _import(engine)
    recorded = revision.table_counts_as_written(engine)
    with engine.begin() as connection:
        connection.execute(delete(Goal))
        connection.execute(
            update(StoreRevision)
            .where(StoreRevision.domain == revision.PROGRAM)
            .values(revision=StoreRevision.revision + 1)
        )
    assert revision.table_counts_as_written(engine) == {**recorded, "goals": 0}


def test_a_write_that_fails_leaves_the_recorded_counts_as_they_were(engine: Engine) -> None:
    _import(engine)
    recorded = _recorded(engine)
    with failing(engine, r'INSERT INTO "?store_count"?') as ran, pytest.raises(OperationalError):
        seed_store(engine, scale="demo", replace=True)  # fails at its last statement
    assert len(ran) > 10  # the demo's rows were written, then rolled back with the counts
    assert _recorded(engine) == recorded == table_counts(engine)
