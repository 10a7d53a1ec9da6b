"""Skill uplift shown as its two sides: the mentees' mean baseline and mean exit digital confidence.

`app.metrics.skill_uplift` is the metric (mean exit − mean baseline over the mentees who answered
both); the Surveys screen also shows the two means it is the difference of, and how many mentees
they come from, so that it can hide them under the anonymity rule's minimum group size.
"""

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from app import metrics
from app.privacy import BY_SUBTRACTION, SUPPRESSED, published_through


@dataclass(frozen=True)
class UpliftSummary:
    """The mentees who answered both a baseline and an exit survey, their mean baseline and mean
    exit digital confidence (1–5, NaN with no such mentee), and the uplift (exit − baseline)."""

    mentees: int
    baseline: float
    exit: float
    #: Why the figures are withheld beyond the mentee count (empty when they are not).
    withheld: str = ""

    @property
    def uplift(self) -> float:
        """Mean exit minus mean baseline: `app.metrics.skill_uplift` of the same answers."""
        return self.exit - self.baseline


def skill_uplift_summary(
    surveys: pd.DataFrame, participants: pd.DataFrame, *, as_of: date
) -> UpliftSummary:
    """`UpliftSummary` of the responses submitted by `app.privacy.published_through(as_of)`
    (complete months only, as every survey figure)."""
    answered = metrics.responses_as_of(surveys, as_of=published_through(as_of))
    both = metrics.latest_confidence(answered, participants)
    return UpliftSummary(
        mentees=len(both),
        baseline=float(both["baseline"].mean()),
        exit=float(both["exit"].mean()),
    )


def over_chosen_cohorts(summary: UpliftSummary, total: pd.Series) -> UpliftSummary:
    """`summary` of the chosen cohorts, withheld unless `total` — the "All" row of a survey
    breakdown over those cohorts (`app.privacy.survey_breakdown(..., cohorts=...)`) — shows
    digital confidence. Uplift is no sum of cells, so this is what keeps the whole program's
    uplift minus the chosen cohorts' from describing a group the rule hides."""
    if summary.mentees and not (bool(total["shown"]) and pd.notna(total["digital_confidence"])):
        return replace(summary, withheld=f"{SUPPRESSED}: {BY_SUBTRACTION}")
    return summary
