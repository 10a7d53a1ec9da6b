"""Skill uplift as its two sides: the mentees' mean baseline and mean exit digital confidence."""

from datetime import date

import pandas as pd
import pytest

from app import metrics
from app.metrics import as_timestamps, latest_confidence
from app.uplift import UpliftSummary, over_chosen_cohorts, skill_uplift_summary
from sample_data.generator import generate_program

AS_OF = date(2026, 6, 30)


def test_the_two_means_of_the_documented_example() -> None:
    participants = pd.DataFrame(
        {"participant_id": ["a", "b", "c", "m"], "role": ["mentee", "mentee", "mentee", "mentor"]}
    )
    surveys = pd.DataFrame(
        {
            "participant_id": ["a", "a", "a", "b", "b", "c", "m", "m"],
            "kind": [
                "baseline",
                "baseline",
                "exit",
                "baseline",
                "exit",
                "baseline",
                "baseline",
                "exit",
            ],
            "digital_confidence": [5, 2, 4, 1, 4, 1, 5, 1],
            "submitted_on": pd.to_datetime(
                [
                    "2026-01-01",
                    "2026-01-15",  # a's latest baseline: 2, not the earlier 5
                    "2026-06-01",
                    "2026-01-01",
                    "2026-06-01",
                    "2026-01-01",
                    "2026-01-01",
                    "2026-06-01",
                ]
            ),
        }
    )
    # a: 2 → 4, b: 1 → 4; c has no exit, m is a mentor.
    assert latest_confidence(surveys, participants).to_dict("index") == {
        "a": {"baseline": 2.0, "exit": 4.0},
        "b": {"baseline": 1.0, "exit": 4.0},
    }
    summary = skill_uplift_summary(surveys, participants, as_of=AS_OF)
    assert (summary.mentees, summary.baseline, summary.exit) == (2, 1.5, 4.0)
    assert summary.uplift == pytest.approx(2.5)
    # Before the exit surveys were submitted nobody had answered both.
    early = skill_uplift_summary(surveys, participants, as_of=date(2026, 5, 31))
    assert early.mentees == 0 and pd.isna(early.uplift)


def test_the_uplift_is_the_metric_on_the_demo_program() -> None:
    program = generate_program(scale="demo", anchor=AS_OF)
    surveys = as_timestamps(program["surveys"], ["submitted_on"])
    participants = program["participants"]
    summary = skill_uplift_summary(surveys, participants, as_of=AS_OF)
    assert summary.mentees > 10
    assert summary.uplift == pytest.approx(metrics.skill_uplift(surveys, participants))


def _total(shown: bool, confidence: float) -> pd.Series:
    return pd.Series({"shown": shown, "digital_confidence": confidence})


def test_uplift_over_chosen_cohorts_follows_their_digital_confidence() -> None:
    summary = UpliftSummary(mentees=6, baseline=2.0, exit=3.5)
    assert over_chosen_cohorts(summary, _total(True, 3.1)) == summary
    for total in (_total(True, float("nan")), _total(False, float("nan"))):
        withheld = over_chosen_cohorts(summary, total)
        assert withheld.withheld == "hidden: would reveal a small group by subtraction"
        assert withheld.mentees == 6  # the count stays; the screen shows neither mean
    nobody = UpliftSummary(mentees=0, baseline=float("nan"), exit=float("nan"))
    assert over_chosen_cohorts(nobody, _total(False, float("nan"))).withheld == ""
