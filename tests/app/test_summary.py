"""The executive summary's figures on the hand-made fixture program (tests/fixtures/program),
as of 2025-03-31 unless said otherwise; the hand working is in tests/app/test_headlines.py."""

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from sqlalchemy import Engine

from app.cohort_narrowing import program_for_cohorts
from app.headlines import program_health, store_activity
from app.privacy import published_through
from app.settings import ProgramSettings
from app.summary import (
    ExecutiveSummary,
    Snapshot,
    Verdict,
    adherence_distribution,
    cohort_stage,
    executive_summary,
    previous_as_of,
    uplift_respondents,
)
from data_access.health_inputs import load_activity_inputs
from data_access.importer import read_directory, run_import
from data_access.queries import load_program
from sample_data.seed import seed_store

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
AS_OF = date(2025, 3, 31)
RULE_OF_THREE = ProgramSettings(min_respondents=3)
#: The demo program's "today" in the tests that seed it.
DEMO_AS_OF = date(2026, 6, 30)


@pytest.fixture
def fixture_engine(engine: Engine) -> Engine:
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    return engine


def _summary(
    engine: Engine,
    settings: ProgramSettings = RULE_OF_THREE,
    cohort_ids: tuple[str, ...] = (),
    as_of: date = AS_OF,
) -> ExecutiveSummary:
    def snapshot(day: date) -> Snapshot:
        whole = load_program(engine, as_of=day)
        program = program_for_cohorts(whole, cohort_ids)
        return Snapshot(program, program_health(program, settings), whole)

    return executive_summary(snapshot(as_of), snapshot(previous_as_of(as_of)), settings, cohort_ids)


@pytest.mark.parametrize(
    ("as_of", "previous"),
    [
        (date(2025, 3, 31), date(2024, 12, 31)),
        (date(2025, 5, 31), date(2025, 2, 28)),
        (date(2024, 2, 29), date(2023, 11, 29)),
    ],
)
def test_the_comparison_is_three_months_earlier(as_of: date, previous: date) -> None:
    assert previous_as_of(as_of) == previous


def test_kpis_are_the_hand_computed_headline_figures(fixture_engine: Engine) -> None:
    summary = _summary(fixture_engine)
    assert {kpi.label: kpi.value_text() for kpi in summary.kpis} == {
        "Enrolled mentors": "2",
        "Enrolled mentees": "3",
        "Active pairs": "1",
        "Match rate": "40%",
        "Retention": "75%",
        "Goal completion": "33%",
        "Skill uplift": "hidden",  # +1.5, but over 2 mentees
        # +25 and 3.8 / 5, but U06 alone answered since 28 Feb: set beside that month's end
        # they would give U06's answers (docs/metrics.md, "Across as-of dates").
        "NPS": "hidden",
        "Satisfaction": "hidden",
        "Stalled pairs": "0",
    }
    assert summary.kpi("NPS").current.formatted() == "+25"
    assert summary.kpi("Satisfaction").current.formatted() == "3.8 / 5"
    assert "changed it since an earlier month" in summary.kpi("NPS").hidden
    uplift = summary.kpi("Skill uplift")
    assert uplift.current.formatted() == "+1.5"
    assert uplift.hidden == "hidden: fewer than 3 respondents"


def test_changes_against_the_previous_quarter(fixture_engine: Engine) -> None:
    # 31 Dec 2024: no active pair, U01–U04 enrolled (U03 left), goals 1 done of 3 counted → 50 %.
    summary = _summary(fixture_engine)
    assert summary.previous_as_of == date(2024, 12, 31)
    changes = {kpi.label: kpi.delta_text() for kpi in summary.kpis}
    assert changes["Active pairs"] == "+1"
    assert changes["Match rate"] == "+40 pts"
    assert changes["Goal completion"] == "-17 pts"
    assert changes["Stalled pairs"] == "+0"
    assert changes["Retention"] is None  # nobody was enrolled on 31 Dec 2023
    # One person (U06) answered since: a change in NPS or satisfaction would give their answer.
    assert changes["NPS"] is None and changes["Satisfaction"] is None
    assert summary.kpi("NPS").previous_hidden == "hidden: would reveal a small group by subtraction"
    assert summary.kpi("Stalled pairs").spec.lower_is_better


def test_survey_kpis_under_five_respondents_are_hidden(fixture_engine: Engine) -> None:
    summary = _summary(fixture_engine, ProgramSettings())
    for label in ("NPS", "Satisfaction", "Skill uplift"):
        assert summary.kpi(label).value_text() == "hidden"
        assert summary.kpi(label).hidden == "hidden: fewer than 5 respondents"
    assert summary.kpi("Match rate").value_text() == "40%"


def test_narrowing_to_a_cohort_cannot_reveal_a_hidden_one(fixture_engine: Engine) -> None:
    # With the rule at 3, the whole program's NPS stood over the 2024 pilot's 3 respondents at the
    # end of July 2024; Spring 2025's one person (U06) answered since, so the whole program's NPS
    # is hidden (rule across as-of dates) and with it nothing subtracts to U06: the pilot's own 3
    # respondents can be shown, narrowed to it.
    whole = _summary(fixture_engine)
    assert whole.kpi("NPS").hidden == (
        "hidden: fewer than 3 respondents changed it since an earlier month's figure"
    )
    pilot = _summary(fixture_engine, cohort_ids=("C2024",))
    assert (pilot.kpi("NPS").hidden, pilot.kpi("NPS").current.formatted()) == ("", "+33")
    # Within the pilot, 1 mentor and 2 mentees answered: each role is hidden as small.
    assert pilot.by_role["role"].tolist() == ["Mentee", "Mentor"]
    assert set(pilot.by_role["note"]) == {"hidden: fewer than 3 respondents"}
    assert pilot.by_role[["satisfaction", "nps"]].isna().all().all()
    assert pilot.by_role["respondents"].isna().all()
    # Both cohorts are the whole program: its figures.
    both = _summary(fixture_engine, cohort_ids=("C2024", "C2025"))
    assert both.kpi("NPS").value_text() == whole.kpi("NPS").value_text()
    assert both.kpi("Satisfaction").value_text() == whole.kpi("Satisfaction").value_text()


def test_health_bands_and_cadence(fixture_engine: Engine) -> None:
    summary = _summary(fixture_engine)
    assert summary.bands == {"Healthy": 0, "Watch": 1, "At risk": 0, "Too early": 0}
    # P03: 2 meetings of 3.5 expected → 57 %.
    cadence = summary.cadence
    assert (cadence.active, cadence.measured, cadence.on_cadence) == (1, 1, 0)
    assert cadence.mean == pytest.approx(2 / 3.5)
    assert cadence.bins == {"Under 40 %": 0, "40–79 %": 1, "80 % or more": 0}


def test_cadence_bins_put_each_share_in_one_bin() -> None:
    health = pd.DataFrame(
        {
            "status": ["active"] * 6 + ["completed"],
            "cadence_adherence": [0.0, 0.39, 0.4, 0.79, 0.8, np.nan, 1.0],
        }
    )
    cadence = adherence_distribution(health)
    assert cadence.bins == {"Under 40 %": 2, "40–79 %": 2, "80 % or more": 1}
    assert (cadence.active, cadence.measured, cadence.on_cadence) == (6, 5, 1)
    assert cadence.share_on_cadence == pytest.approx(0.2)


def test_cohort_comparison(fixture_engine: Engine) -> None:
    table = _summary(fixture_engine).cohorts.set_index("cohort_id")
    assert list(table["cohort"]) == ["2024 pilot", "Spring 2025, global"]
    pilot, spring = table.loc["C2024"], table.loc["C2025"]
    assert (pilot["active_pairs"], spring["active_pairs"]) == (0, 1)
    assert np.isnan(pilot["share_healthy"]) and spring["share_healthy"] == 0.0
    assert spring["cadence_adherence"] == pytest.approx(2 / 3.5)
    # Pilot: G01 done, G02 dropped, G03 open → 1 / 2; Spring: G04 not started → 0.
    assert (pilot["goal_completion"], spring["goal_completion"]) == (0.5, 0.0)
    # Spring 2025 has one respondent. The total of every cohort is hidden since it answered (it
    # alone changed the total after the pilot's figures stood), so the pilot's 3 are shown.
    assert spring["survey_note"] == "hidden: fewer than 3 respondents"
    assert spring[["satisfaction", "nps"]].isna().all()
    assert pilot["survey_note"] == "digital_confidence hidden: fewer than 3 respondents answered"
    assert pilot["nps"] == pytest.approx(100 / 3)


def test_highlights_are_computed_from_the_figures(fixture_engine: Engine) -> None:
    assert _summary(fixture_engine).highlights == [
        "0% of active pairs are Healthy (0 of 1); 0 at risk.",
        "No active pair is stalled.",
        "0% of active pairs (0 of 1) held at least 80% of their expected meetings over the last "
        "90 days.",
        # A finished pilot is not compared with a cohort in its ninth week.
        "Goal completion is not compared between cohorts: no two are at the same stage yet, so "
        "it is too early to compare.",
    ]
    # On 15 Apr 2025 P03 has not met for 43 days (> 2 × 14): stalled.
    later = _summary(fixture_engine, as_of=date(2025, 4, 15))
    assert "Spring 2025, global has the most stalled pairs: 1 of 1 active pairs." in (
        later.highlights
    )


def test_cohorts_are_compared_only_at_the_same_stage(fixture_engine: Engine) -> None:
    table = _summary(fixture_engine).cohorts.set_index("cohort_id")
    # The pilot ended on 12 Jul 2024; Spring 2025 started on 3 Feb 2025: 56 days, week 9.
    assert table.loc["C2024", "stage"] == "Finished"
    assert table.loc["C2025", "stage"] == "Weeks 1–12"
    summary = _summary(fixture_engine)
    assert not any("leads goal completion" in sentence for sentence in summary.highlights)


@pytest.mark.parametrize(
    ("start", "end", "stage"),
    [
        (date(2025, 3, 31), None, "Weeks 1–12"),
        (date(2025, 1, 7), None, "Weeks 1–12"),  # day 83: week 12
        (date(2025, 1, 6), None, "Weeks 13–26"),  # day 84: week 13
        (date(2024, 7, 1), None, "Weeks 27–52"),
        (date(2023, 1, 1), date(2026, 1, 1), "Over a year"),
        (date(2023, 1, 1), date(2025, 3, 30), "Finished"),
        (date(2025, 4, 1), None, "Not started"),
    ],
)
def test_cohort_stage_by_weeks_since_the_start(start: date, end: date | None, stage: str) -> None:
    assert cohort_stage(start, end, AS_OF) == stage


def test_survey_figures_carry_their_respondents(engine: Engine) -> None:
    seed_store(engine, scale="demo", anchor=DEMO_AS_OF)
    summary = _summary(engine, ProgramSettings(), as_of=DEMO_AS_OF)
    whole = load_program(engine, as_of=DEMO_AS_OF)
    # survey figures count the answers up to the end of the last complete month
    published = pd.Timestamp(published_through(DEMO_AS_OF))
    answered = whole.surveys[whole.surveys["submitted_on"] <= published]
    nps = summary.kpi("NPS")
    assert nps.respondents == answered["participant_id"].nunique() > 0
    assert nps.respondents_text() == f"over {nps.respondents:,} respondents"
    uplift = summary.kpi("Skill uplift")
    assert uplift.respondents == uplift_respondents(whole.surveys, whole.participants) > 0
    assert (
        f"Skill uplift {uplift.current.formatted()} points from baseline to exit (mentees' "
        f"digital confidence, 1–5; over {uplift.respondents} mentees)."
    ) in summary.highlights
    shown = summary.cohorts[summary.cohorts["nps"].notna()]
    assert shown["survey_respondents"].notna().all()
    for row in shown.itertuples():
        in_cohort = answered[answered["cohort_id"] == row.cohort_id]
        assert row.survey_respondents == in_cohort["participant_id"].nunique()
    assert summary.kpi("Match rate").respondents_text() == ""


def test_the_verdict_weighs_the_figures_against_the_targets(fixture_engine: Engine) -> None:
    # Fixture on 31 Mar 2025: 0 of 1 active pair Healthy, 0 of 1 on cadence, goals 1 of 3 done.
    off = _summary(fixture_engine).verdict
    assert off.on_track is False
    assert off.text == (
        "Off track — below target: healthy pairs 0% (target 60%), pairs on cadence 0% "
        "(target 70%), goal completion 33% (target 50%)."
    )
    easy = ProgramSettings(
        min_respondents=3, target_healthy=0, target_on_cadence=0, target_goal_completion=30
    )
    on = _summary(fixture_engine, easy).verdict
    assert on.on_track is True and on.text.startswith("On track — every target met:")
    assert "goal completion 33% (target 30%)" in on.text
    assert _summary(fixture_engine, as_of=date(2023, 1, 1)).verdict == (
        Verdict(None, "No verdict yet: nothing to measure against the targets.")
    )


def test_targets_are_settings_and_bad_targets_are_refused() -> None:
    defaults = ProgramSettings()
    assert (defaults.target_healthy, defaults.target_on_cadence) == (60, 70)
    assert defaults.target_goal_completion == 50
    for bad in ({"target_healthy": 101}, {"target_goal_completion": -1}):
        with pytest.raises(ValidationError):
            ProgramSettings(**bad)


def test_uplift_counts_mentees_who_answered_baseline_and_exit(fixture_engine: Engine) -> None:
    program = load_program(fixture_engine, as_of=AS_OF)
    assert uplift_respondents(program.surveys, program.participants) == 2  # U02, U04
    earlier = load_program(fixture_engine, as_of=date(2024, 3, 1))
    assert uplift_respondents(earlier.surveys, earlier.participants) == 0


def test_an_empty_program_has_a_summary_with_nothing_in_it(engine: Engine) -> None:
    summary = _summary(engine)
    assert summary.pairs == 0 and summary.highlights == []
    assert summary.kpi("Active pairs").value_text() == "0"
    assert summary.kpi("Match rate").value_text() == "—"
    assert summary.cohorts.empty and summary.by_role.empty


def _kpi_table(summary: ExecutiveSummary) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (kpi.label, kpi.current.value, kpi.previous.value, kpi.hidden, kpi.previous_hidden)
            for kpi in summary.kpis
        ],
        columns=["label", "now", "before", "hidden", "hidden_before"],
    )


@pytest.mark.parametrize("cohorts", [0, 1, 2])
def test_the_quarter_earlier_needs_only_the_meeting_half_of_health(
    engine: Engine, cohorts: int
) -> None:
    """The page reads only `pair_activity` for the earlier date (no goals or answers): the
    summary, every KPI now and before and every table, is the one full health gives."""
    seed_store(engine, scale="demo", anchor=DEMO_AS_OF)
    settings = ProgramSettings()
    before_day = previous_as_of(DEMO_AS_OF)
    whole_now = load_program(engine, as_of=DEMO_AS_OF)
    whole_before = load_program(engine, as_of=before_day)
    running = program_health(whole_before, settings).query("status == 'active'")["cohort_id"]
    chosen = tuple(sorted(set(running)))[:cohorts]  # cohorts with pairs running back then
    now, before = (program_for_cohorts(whole, chosen) for whole in (whole_now, whole_before))
    now_snapshot = Snapshot(now, program_health(now, settings), whole_now)
    activity = store_activity(
        load_activity_inputs(engine, as_of=before_day, cohort_ids=chosen), settings
    )
    full = executive_summary(
        now_snapshot,
        Snapshot(before, program_health(before, settings), whole_before),
        settings,
        chosen,
    )
    lean = executive_summary(
        Snapshot(now, now_snapshot.health, whole_now),
        Snapshot(before, activity, whole_before),
        settings,
        chosen,
    )
    assert "health_score" not in activity and full.kpi("Active pairs").previous.value > 0
    pd.testing.assert_frame_equal(_kpi_table(lean), _kpi_table(full), check_exact=True)
    pd.testing.assert_frame_equal(lean.cohorts, full.cohorts, check_exact=True)
    pd.testing.assert_frame_equal(lean.by_role, full.by_role, check_exact=True)
    assert (lean.bands, lean.cadence, lean.highlights) == (
        full.bands,
        full.cadence,
        full.highlights,
    )
