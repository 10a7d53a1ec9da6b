"""Pair health (PRODUCT.md §4): a 0–100 score from three explained components, a band, reasons.

- **meetings**: recency against the target cadence (100 up to one cadence since the last
  meeting, falling linearly to 0 at the stall limit) averaged with cadence adherence;
- **goals**: progress (done = 100 %, else `progress_pct`) averaged with the share of goals not
  overdue, over the pair's goals that are not dropped;
- **sentiment**: the latest satisfaction and relationship quality (1–5 → 0–100) from each of
  the two people.

A component with nothing to measure (no goals, no survey answers) is left out and the others
are re-weighted. Bands: Healthy ≥ 70, Watch 40–69, At risk < 40; a pair younger than 14 days is
Too early. A stalled pair is never Healthy: its score is capped just below the Healthy line.
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from app import metrics

HEALTHY = "Healthy"
WATCH = "Watch"
AT_RISK = "At risk"
TOO_EARLY = "Too early"
BANDS = (HEALTHY, WATCH, AT_RISK, TOO_EARLY)
COMPONENTS = ("meetings", "goals", "sentiment")


@dataclass(frozen=True)
class HealthSettings:
    """The knobs of the health score; defaults are PRODUCT.md §4's."""

    weights: dict[str, float] = field(
        default_factory=lambda: {"meetings": 0.5, "goals": 0.25, "sentiment": 0.25}
    )
    healthy_from: float = 70.0
    watch_from: float = 40.0
    too_early_days: int = 14
    stall_factor: float = metrics.DEFAULT_STALL_FACTOR


def meetings_component(
    days_since: pd.Series, cadence: pd.Series, adherence: pd.Series, *, stall_factor: float
) -> pd.Series:
    """0–100 per pair: mean of recency (100 within one cadence, 0 at `stall_factor` cadences)
    and adherence × 100 (recency alone where adherence is unknown)."""
    overdue_cadences = (days_since / cadence - 1.0) / (stall_factor - 1.0)
    recency = (100.0 * (1.0 - overdue_cadences)).clip(0.0, 100.0)
    return pd.concat([recency, adherence * 100.0], axis=1).mean(axis=1, skipna=True)


def goals_component(goals: pd.DataFrame, *, as_of: date) -> tuple[pd.Series, pd.Series]:
    """0–100 per pair with goals that are not dropped (NaN for others), and each pair's count of
    overdue goals. `goals` must already be as of `as_of` (see `metrics.goals_as_of`)."""
    counted = goals[goals["status"] != "dropped"].copy()
    counted["progress"] = np.where(
        counted["status"] == "done", 1.0, counted["progress_pct"].fillna(0).astype(float) / 100.0
    )
    counted["overdue"] = metrics.overdue(counted, as_of=as_of)
    by_pair = counted.groupby("pair_id")
    score = 100.0 * (by_pair["progress"].mean() + (1.0 - by_pair["overdue"].mean())) / 2.0
    return score, by_pair["overdue"].sum().astype(int)


def latest_sentiment(pairs: pd.DataFrame, surveys: pd.DataFrame) -> pd.DataFrame:
    """Per pair: the latest satisfaction and relationship quality of its mentor and its mentee
    (columns like `mentee_satisfaction`), from responses that name the pair."""
    answers = surveys[surveys["pair_id"].isin(pairs["pair_id"])]
    roles = pd.concat(
        [
            pairs[["pair_id", "mentor_id"]]
            .rename(columns={"mentor_id": "participant_id"})
            .assign(role="mentor"),
            pairs[["pair_id", "mentee_id"]]
            .rename(columns={"mentee_id": "participant_id"})
            .assign(role="mentee"),
        ]
    )
    answers = answers.merge(roles, on=["pair_id", "participant_id"])
    latest = {}
    for measure in ("satisfaction", "relationship_quality"):
        answered = answers[answers[measure].notna()].sort_values("submitted_on")
        last = answered.groupby(["pair_id", "role"])[measure].last().unstack("role")
        for role in ("mentor", "mentee"):
            latest[f"{role}_{measure}"] = last[role] if role in last else pd.Series(dtype=float)
    return pd.DataFrame(latest).reindex(pairs["pair_id"]).astype(float)


def sentiment_component(sentiment: pd.DataFrame) -> pd.Series:
    """0–100 per pair: the mean of the latest 1–5 answers, mapped so that 1 → 0 and 5 → 100."""
    return ((sentiment.mean(axis=1, skipna=True) - 1.0) / 4.0 * 100.0).rename("sentiment")


def weighted_score(components: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """The weighted mean of the components present per pair (missing ones are re-weighted)."""
    weight = pd.Series(weights).reindex(components.columns).fillna(0.0)
    present = components.notna()
    total_weight = present.mul(weight, axis=1).sum(axis=1)
    total = components.fillna(0.0).mul(weight, axis=1).sum(axis=1)
    return (total / total_weight.replace(0.0, np.nan)).rename("health_score")


def band(score: pd.Series, *, too_early: pd.Series, settings: HealthSettings) -> pd.Series:
    """The band of each score: Healthy, Watch or At risk; Too early for young pairs."""
    bands = np.select(
        [too_early, score >= settings.healthy_from, score >= settings.watch_from],
        [TOO_EARLY, HEALTHY, WATCH],
        default=AT_RISK,
    )
    return pd.Series(bands, index=score.index, name="band")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _reasons(row) -> str:
    """Plain-language reasons for one pair's score, most pressing first."""
    if row.band == TOO_EARLY:
        return f"started {_plural(int(row.days_since_start), 'day')} ago: too early to judge"
    if row.status != metrics.ACTIVE:
        return f"pair is {row.status.replace('_', ' ')}"
    reasons = []
    cadence = int(row.cadence_days)
    if pd.isna(row.last_meeting_on):
        if row.stalled:
            reasons.append(
                f"no meeting yet, started {row.days_since_last_meeting} days ago; "
                f"target every {cadence}"
            )
    elif row.stalled:
        reasons.append(f"no meeting for {row.days_since_last_meeting} days; target every {cadence}")
    elif row.days_since_last_meeting > cadence:
        reasons.append(
            f"last meeting {row.days_since_last_meeting} days ago; target every {cadence}"
        )
    if pd.notna(row.cadence_adherence) and row.cadence_adherence < 0.5:
        reasons.append(f"cadence adherence {row.cadence_adherence:.0%}")
    if row.overdue_goals:
        reasons.append(f"{_plural(int(row.overdue_goals), 'goal')} overdue")
    for role in ("mentee", "mentor"):
        for measure, label in (
            ("satisfaction", "satisfaction"),
            ("relationship_quality", "relationship quality"),
        ):
            value = getattr(row, f"{role}_{measure}")
            if pd.notna(value) and value <= 2:
                reasons.append(f"{role} {label} {int(value)}/5")
    return "; ".join(reasons) if reasons else "on track"


def _days_since_last_meeting_while_running(
    frame: pd.DataFrame, current: pd.DataFrame, *, as_of: date
) -> pd.Series:
    """Recency for the meetings component: an ended pair is judged on the day it ended."""
    ended_on = current.set_index("pair_id")["ended_on"]
    days_since_end = (pd.Timestamp(as_of) - ended_on).dt.days.fillna(0).clip(lower=0)
    return (frame["days_since_last_meeting"] - days_since_end).clip(lower=0).astype(float)


def pair_health(
    pairs: pd.DataFrame,
    stats: pd.DataFrame,
    goals: pd.DataFrame,
    surveys: pd.DataFrame,
    cohorts: pd.DataFrame,
    *,
    as_of: date,
    settings: HealthSettings | None = None,
) -> pd.DataFrame:
    """Health of every pair that existed on `as_of`, indexed by `pair_id`.

    `stats` is the pairs' `metrics.meeting_stats` as of the same date (or its SQL twin,
    `data_access.queries.meeting_stats`); the other inputs are in the import format's columns
    with dates as timestamps, and anything in them dated after `as_of` is ignored.
    Columns: status (as of the date), cadence_days, last_meeting_on, days_since_last_meeting,
    cadence_adherence, stalled, overdue_goals, the latest sentiment answers, the three component
    scores, health_score (0–100, NaN for a pair with nothing to measure), band and reasons.
    """
    settings = settings or HealthSettings()
    current = metrics.pairs_as_of(pairs, as_of=as_of)
    stats = stats.reindex(current["pair_id"])
    stats["meetings_in_window"] = stats["meetings_in_window"].fillna(0)
    indexed = current.set_index("pair_id")
    frame = indexed[["cohort_id", "mentor_id", "mentee_id", "status"]].copy()
    frame["cadence_days"] = metrics.target_cadence_days(current, cohorts)
    frame["last_meeting_on"] = stats["last_meeting_on"]
    frame["days_since_last_meeting"] = metrics.days_since_last_meeting(current, stats, as_of=as_of)
    frame["days_since_start"] = (pd.Timestamp(as_of) - indexed["started_on"]).dt.days
    frame["cadence_adherence"] = metrics.cadence_adherence(current, stats, cohorts, as_of=as_of)
    frame["stalled"] = metrics.stalled(
        current, stats, cohorts, as_of=as_of, stall_factor=settings.stall_factor
    )

    goal_score, overdue_goals = goals_component(
        metrics.goals_as_of(goals, as_of=as_of), as_of=as_of
    )
    frame["overdue_goals"] = overdue_goals.reindex(frame.index, fill_value=0)
    sentiment = latest_sentiment(current, metrics.responses_as_of(surveys, as_of=as_of))
    frame = frame.join(sentiment)

    components = pd.DataFrame(
        {
            "meetings": meetings_component(
                _days_since_last_meeting_while_running(frame, current, as_of=as_of),
                frame["cadence_days"],
                frame["cadence_adherence"],
                stall_factor=settings.stall_factor,
            ),
            "goals": goal_score.reindex(frame.index),
            "sentiment": sentiment_component(sentiment),
        }
    )
    frame[[f"{name}_score" for name in COMPONENTS]] = components[list(COMPONENTS)].to_numpy()
    score = weighted_score(components, settings.weights)
    score = score.where(~frame["stalled"], score.clip(upper=settings.healthy_from - 1))
    frame["health_score"] = score.round(1)
    too_early = frame["days_since_start"] < settings.too_early_days
    frame["band"] = band(frame["health_score"], too_early=too_early, settings=settings)
    frame["reasons"] = [_reasons(row) for row in frame.itertuples()]
    return frame
