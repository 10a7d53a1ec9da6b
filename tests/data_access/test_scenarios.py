"""Saved what-if scenarios on SQLite and PostgreSQL: save, list, load, apply in one transaction."""

from datetime import UTC, date

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from app.matching.pool import pool_from_program, propose_for_pool
from app.matching.settings import MatchSettings
from data_access.models import AuditLog, Cohort, Pair, Participant, Scenario
from data_access.scenarios import (
    ScenarioError,
    apply_scenario,
    list_scenarios,
    load_scenario,
    matching_frames,
    save_scenario,
)
from data_access.writes import upsert_rows

START = date(2025, 6, 2)


def _person(pid: str, role: str, **extra) -> dict:
    row = {column.name: None for column in Participant.__table__.columns}
    return {**row, "participant_id": pid, "name": f"Name {pid}", "role": role, "capacity": 1,
            "joined_on": date(2025, 1, 1), **extra}  # fmt: skip


def _pair(pid: str, mentor: str, mentee: str, status: str = "active") -> dict:
    return {"pair_id": pid, "cohort_id": "C1", "mentor_id": mentor, "mentee_id": mentee,
            "started_on": date(2025, 2, 1), "ended_on": None, "status": status,
            "focus_area": None, "target_cadence_days": None}  # fmt: skip


@pytest.fixture
def store(engine: Engine) -> Engine:
    with engine.begin() as connection:
        upsert_rows(
            connection,
            Cohort,
            [{"cohort_id": "C1", "name": "One", "start_date": date(2025, 1, 1),
              "end_date": None, "focus_area": "AI", "target_cadence_days": 14}],
        )  # fmt: skip
        upsert_rows(
            connection,
            Participant,
            [
                _person("M1", "mentor", job_level=2, department="IT", skills_offered="AI"),
                _person("M2", "mentor", job_level=2, department="IT", capacity=2),
                _person("E1", "mentee", job_level=8, department="HR", skills_wanted="AI"),
                _person("E2", "mentee", job_level=8, department="HR"),
                _person("E3", "mentee", job_level=8, department="HR"),
            ],
        )
        upsert_rows(connection, Pair, [_pair("P1", "M1", "E1"), _pair("S1-1", "M2", "E3")])
    return engine


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            model.__name__: connection.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Pair, Scenario, AuditLog)
        }


def _pairs(engine: Engine) -> dict[str, tuple]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(Pair.pair_id, Pair.mentor_id, Pair.mentee_id, Pair.status, Pair.ended_on)
        ).all()
    return {row.pair_id: tuple(row[1:]) for row in rows}


PROPOSED = pd.DataFrame(
    {"mentor_id": ["M1", "M2"], "mentee_id": ["E2", "E1"], "score": [71.5, 64.0],
     "reasons": ["skills: 0 of 0", None]}
)  # fmt: skip


def _save(engine: Engine, name: str = "Spring", **extra) -> int:
    return save_scenario(
        engine=engine,
        name=name,
        cohort_id="C1",
        pool="rematch",
        settings=MatchSettings().to_dict(),
        pairs=PROPOSED,
        actor="ana@example.com",
        **extra,
    )


def test_a_saved_scenario_lists_and_loads_with_its_settings_and_pairs(store: Engine) -> None:
    scenario_id = _save(store, replaces_pair_ids=["P1"])
    listed = list_scenarios(store)
    assert listed[["id", "name", "cohort_id", "pool", "pairs"]].to_dict("records") == [
        {"id": scenario_id, "name": "Spring", "cohort_id": "C1", "pool": "rematch", "pairs": 2}
    ]
    assert listed.loc[0, "created_at"].tzinfo is not None
    scenario = load_scenario(store, scenario_id)
    assert MatchSettings.from_dict(scenario.settings) == MatchSettings()
    assert scenario.replaces_pair_ids == ("P1",)
    assert scenario.created_at.tzinfo == UTC and scenario.applied_at is None
    assert scenario.pairs.to_dict("records") == [
        {"mentor_id": "M2", "mentee_id": "E1", "score": 64.0, "reasons": None},
        {"mentor_id": "M1", "mentee_id": "E2", "score": 71.5, "reasons": "skills: 0 of 0"},
    ]


def test_a_duplicate_name_is_refused_and_nothing_is_added(store: Engine) -> None:
    _save(store)
    before = _counts(store)
    with pytest.raises(ScenarioError, match="A scenario named 'Spring' already exists"):
        _save(store, name=" Spring ")
    assert _counts(store) == before
    with pytest.raises(ScenarioError, match="needs a name"):
        _save(store, name="  ")


def test_applying_writes_exactly_the_pairs_ends_the_replaced_and_audits(store: Engine) -> None:
    scenario_id = _save(store, replaces_pair_ids=["P1"])
    before = _pairs(store)
    new_ids = apply_scenario(
        engine=store, scenario_id=scenario_id, start_on=START, actor="ana@example.com",
        cohort_id="C1",
    )  # fmt: skip
    # "S1-1" is taken already by an imported pair, so numbering skips it when the id is 1.
    expected_ids = (
        ["S1-2", "S1-3"] if scenario_id == 1 else [f"S{scenario_id}-1", f"S{scenario_id}-2"]
    )
    assert new_ids == expected_ids
    after = _pairs(store)
    assert set(after) - set(before) == set(new_ids)
    assert {after[i][:3] for i in new_ids} == {("M2", "E1", "active"), ("M1", "E2", "active")}
    assert after["P1"] == ("M1", "E1", "ended_early", START)
    assert after["S1-1"] == before["S1-1"]
    scenario = load_scenario(store, scenario_id)
    assert scenario.applied_by == "ana@example.com" and scenario.applied_at.tzinfo == UTC
    with store.connect() as connection:
        audit = connection.execute(select(AuditLog)).mappings().all()
    assert len(audit) == 1
    assert audit[0]["action"] == "apply_scenario" and audit[0]["actor"] == "ana@example.com"
    assert "'Spring'" in audit[0]["detail"] and "2 pairs" in audit[0]["detail"]
    assert audit[0]["at"].tzinfo is not None


def test_applying_twice_is_refused_and_changes_nothing(store: Engine) -> None:
    scenario_id = _save(store, replaces_pair_ids=["P1"])
    apply_scenario(engine=store, scenario_id=scenario_id, start_on=START, actor="ana")
    before = _counts(store)
    with pytest.raises(ScenarioError, match="was already applied on .* by ana"):
        apply_scenario(engine=store, scenario_id=scenario_id, start_on=START, actor="ana")
    assert _counts(store) == before


def test_a_person_taken_by_a_pair_that_stays_makes_the_apply_fail_whole(store: Engine) -> None:
    scenario_id = _save(store)  # does not replace P1, where E1 is
    before_pairs, before_counts = _pairs(store), _counts(store)
    with pytest.raises(ScenarioError, match="mentee E1 is already in an open pair"):
        apply_scenario(engine=store, scenario_id=scenario_id, start_on=START, actor="ana")
    assert _pairs(store) == before_pairs and _counts(store) == before_counts
    assert load_scenario(store, scenario_id).applied_at is None


def test_a_mentor_over_capacity_is_refused(store: Engine) -> None:
    # M1 has one place and P1 (M1–E1) stays: one more pair for M1 is too many.
    pairs = pd.DataFrame({"mentor_id": ["M1"], "mentee_id": ["E2"], "score": [50.0]})
    scenario_id = save_scenario(
        engine=store, name="Extra", cohort_id="C1", pool="unmatched", settings={},
        pairs=pairs, actor="ana",
    )  # fmt: skip
    with pytest.raises(ScenarioError, match="mentor M1 would be in 2 open pairs but has 1"):
        apply_scenario(engine=store, scenario_id=scenario_id, start_on=START, actor="ana")


def test_an_unknown_scenario_or_cohort_is_refused(store: Engine) -> None:
    with pytest.raises(ScenarioError, match="There is no scenario 99"):
        apply_scenario(engine=store, scenario_id=99, start_on=START, actor="ana")
    scenario_id = _save(store, replaces_pair_ids=["P1"])
    with pytest.raises(ScenarioError, match="There is no cohort 'C9'"):
        apply_scenario(
            engine=store, scenario_id=scenario_id, start_on=START, actor="ana", cohort_id="C9"
        )


def test_the_engine_reads_the_store_and_its_proposal_applies(store: Engine) -> None:
    frames = matching_frames(store)
    assert "email" not in frames.participants and "name" in frames.participants
    pool = pool_from_program(
        frames.participants, frames.pairs, cohorts=frames.cohorts, cohort_id="C1",
        mode="rematch", as_of=START,
    )  # fmt: skip
    proposal = propose_for_pool(pool)
    scenario_id = save_scenario(
        engine=store, name="Re-match", cohort_id="C1", pool="rematch",
        settings=MatchSettings().to_dict(), pairs=proposal.pairs, actor="ana",
        replaces_pair_ids=pool.current["pair_id"].tolist(),
    )  # fmt: skip
    before = _pairs(store)
    new_ids = apply_scenario(engine=store, scenario_id=scenario_id, start_on=START, actor="ana")
    proposed = set(zip(proposal.pairs["mentor_id"], proposal.pairs["mentee_id"], strict=True))
    already = {row[:2] for row in before.values() if row[2] == "active"} & proposed
    after = _pairs(store)
    assert {row[:2] for row in after.values() if row[2] == "active"} == proposed
    assert len(new_ids) == len(proposed - already)  # pairs proposed again are kept, not copied


def test_a_rematch_keeps_a_pair_it_proposes_again_with_its_history(store: Engine) -> None:
    again = pd.DataFrame(
        {"mentor_id": ["M1", "M2"], "mentee_id": ["E1", "E2"], "score": [80.0, 60.0],
         "reasons": [None, None]}
    )  # fmt: skip
    scenario_id = save_scenario(
        engine=store, name="Keep", cohort_id="C1", pool="rematch",
        settings=MatchSettings(keep_existing=True).to_dict(), pairs=again,
        actor="ana@example.com", replaces_pair_ids=["P1"],
    )  # fmt: skip
    before = _pairs(store)
    new_ids = apply_scenario(engine=store, scenario_id=scenario_id, start_on=START, actor="ana")
    after = _pairs(store)
    assert after["P1"] == before["P1"] == ("M1", "E1", "active", None)  # neither ended nor copied
    assert len(new_ids) == 1 and after[new_ids[0]][:3] == ("M2", "E2", "active")
    assert set(after) - set(before) == set(new_ids)
    with store.connect() as connection:
        detail = connection.execute(select(AuditLog.detail)).scalar_one()
    assert "1 pairs in cohort C1" in detail and "0 pairs ended, 1 kept" in detail
