"""Skill uplift shown as its two sides: the mentees' mean baseline and mean exit digital confidence.

`app.metrics.skill_uplift` is the metric (mean exit − mean baseline over the mentees who answered
both); the Surveys screen also shows the two means it is the difference of, and how many mentees
they come from, so that it can hide them under the anonymity rule's minimum group size.
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd

from app import metrics

KINDS = ("baseline", "exit")


@dataclass(frozen=True)
class UpliftSummary:
    """The mentees who answered both a baseline and an exit survey, their mean baseline and mean
    exit digital confidence (1–5, NaN with no such mentee), and the uplift (exit − baseline)."""

    mentees: int
    baseline: float
    exit: float

    @property
    def uplift(self) -> float:
        """Mean exit minus mean baseline: `app.metrics.skill_uplift` of the same answers."""
        return self.exit - self.baseline


def latest_confidence(surveys: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """Per mentee (index participant_id) who gave a digital confidence in both a baseline and an
    exit survey: columns baseline and exit, each their latest answer of that kind."""
    mentees = participants.loc[participants["role"] == "mentee", "participant_id"]
    answers = surveys[
        surveys["participant_id"].isin(mentees)
        & surveys["kind"].isin(KINDS)
        & surveys["digital_confidence"].notna()
    ]
    latest = (
        answers.sort_values("submitted_on")
        .groupby(["participant_id", "kind"])["digital_confidence"]
        .last()
        .unstack("kind")
        .reindex(columns=list(KINDS))
    )
    return latest.dropna().astype(float)


def skill_uplift_summary(
    surveys: pd.DataFrame, participants: pd.DataFrame, *, as_of: date
) -> UpliftSummary:
    """`UpliftSummary` of the responses submitted on or before `as_of`."""
    both = latest_confidence(metrics.responses_as_of(surveys, as_of=as_of), participants)
    return UpliftSummary(
        mentees=len(both),
        baseline=float(both["baseline"].mean()),
        exit=float(both["exit"].mean()),
    )
