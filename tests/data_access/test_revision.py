"""Revision counters (data_access.revision): every write raises its own kind's counter in its
own transaction — imports, the demo program, applied scenarios and settings the program's,
follow-ups theirs — reads raise none, and a write that fails leaves them as they were. The
app's caches are keyed on them (components/loaders.py), on SQLite and PostgreSQL."""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine

from app.settings import ProgramSettings, save_settings
from data_access import follow_ups, revision
from data_access.importer import read_directory, run_import
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
