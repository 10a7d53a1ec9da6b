"""Pair health (docs/metrics.md): a 0–100 score from three explained components, a band, reasons.

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
from app.formats import plural

HEALTHY = "Healthy"
WATCH = "Watch"
AT_RISK = "At risk"
TOO_EARLY = "Too early"
BANDS = (HEALTHY, WATCH, AT_RISK, TOO_EARLY)
COMPONENTS = ("meetings", "goals", "sentiment")


#: The health score's defaults (docs/metrics.md), declared once: `HealthSettings` and the
#: program's settings (`app.settings.ProgramSettings`) both take them from here.
DEFAULT_WEIGHTS = {"meetings": 0.5, "goals": 0.25, "sentiment": 0.25}
DEFAULT_HEALTHY_FROM = 70
DEFAULT_WATCH_FROM = 40
DEFAULT_TOO_EARLY_DAYS = 14


@dataclass(frozen=True)
class HealthSettings:
    """The knobs of the health score; defaults are docs/metrics.md's."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    healthy_from: float = float(DEFAULT_HEALTHY_FROM)
    watch_from: float = float(DEFAULT_WATCH_FROM)
    too_early_days: int = DEFAULT_TOO_EARLY_DAYS
    stall_factor: float = metrics.DEFAULT_STALL_FACTOR


def meetings_component(
    days_since: pd.Series, cadence: pd.Series, adherence: pd.Series, *, stall_factor: float
) -> pd.Series:
    """0–100 per pair: mean of recency (100 within one cadence, 0 at `stall_factor` cadences)
    and adherence × 100 (recency alone where adherence is unknown)."""
    overdue_cadences = (days_since / cadence - 1.0) / (stall_factor - 1.0)
    recency = (100.0 * (1.0 - overdue_cadences)).clip(0.0, 100.0)
    return pd.concat([recency, adherence * 100.0], axis=1).mean(axis=1, skipna=True)


def goal_counts(goals: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """Per pair with goals that are not dropped (indexed by `pair_id`): `goals` (how many),
    `progress_pct_sum` (a float: done counts as 100, a blank progress as 0) and `overdue_goals`.

    This is the definition; `data_access.health_inputs.goal_counts` computes the same in SQL, and a
    test keeps the two equal. `goals` must already be as of `as_of` (see `metrics.goals_as_of`).
    """
    counted = goals[goals["status"] != "dropped"]
    done = (counted["status"] == "done").to_numpy()
    progress = np.where(done, 100, counted["progress_pct"].fillna(0).to_numpy(dtype=float))
    overdue = metrics.overdue(counted, as_of=as_of).to_numpy()
    per_goal = pd.DataFrame(
        {"goals": 1, "progress_pct_sum": progress, "overdue_goals": overdue.astype("int64")},
        index=pd.Index(counted["pair_id"].to_numpy(), name="pair_id"),
    )
    return per_goal.groupby(level=0).sum()


def goals_component(counts: pd.DataFrame) -> pd.Series:
    """0–100 per pair of `goal_counts`: the mean progress of its goals averaged with the share of
    them not overdue."""
    progress = counts["progress_pct_sum"] / (100.0 * counts["goals"])
    not_overdue = 1.0 - counts["overdue_goals"] / counts["goals"]
    return 100.0 * (progress + not_overdue) / 2.0


SENTIMENT_COLUMNS = tuple(
    f"{role}_{measure}"
    for measure in ("satisfaction", "relationship_quality")
    for role in ("mentor", "mentee")
)


def latest_sentiment(pairs: pd.DataFrame, surveys: pd.DataFrame) -> pd.DataFrame:
    """Per pair: the latest satisfaction and relationship quality of its mentor and its mentee
    (columns like `mentee_satisfaction`), from responses that name the pair. When one person
    gave several answers on their latest day, the lowest of them counts.

    This is the definition; `data_access.health_inputs.latest_sentiment` computes the same in
    SQL, and a test keeps the two equal.
    """
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
        answered = answers[answers[measure].notna()].sort_values(
            ["submitted_on", measure], ascending=[True, False], kind="stable"
        )
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


_SENTIMENT_REASONS = tuple(
    (role, measure, label)
    for role in ("mentee", "mentor")
    for measure, label in (
        ("satisfaction", "satisfaction"),
        ("relationship_quality", "relationship quality"),
    )
)


def _reasons(frame: pd.DataFrame) -> list[str]:
    """Plain-language reasons for each pair's score, most pressing first.

    Each kind of reason is worked out for the whole column at once, and its text written only
    for the pairs it applies to; then each pair's reasons are joined in order.
    """
    rows = len(frame)
    band_ = frame["band"].to_numpy()
    status = frame["status"].to_numpy(dtype=object)
    days = frame["days_since_last_meeting"].to_numpy()
    cadence = frame["cadence_days"].to_numpy()
    stalled = frame["stalled"].to_numpy(dtype=bool)
    adherence = frame["cadence_adherence"].to_numpy(dtype=float)
    overdue_goals = frame["overdue_goals"].to_numpy()
    too_early = band_ == TOO_EARLY
    not_active = ~too_early & (status != metrics.ACTIVE)
    judged = ~too_early & ~not_active
    never_met = frame["last_meeting_on"].isna().to_numpy()

    parts: list[np.ndarray] = []

    def reason(applies: np.ndarray, text) -> None:
        column = np.full(rows, None, dtype=object)
        for at in np.flatnonzero(applies):
            column[at] = text(at)
        parts.append(column)

    reason(
        judged & never_met & stalled,
        lambda at: f"no meeting yet, started {days[at]} days ago; target every {int(cadence[at])}",
    )
    reason(
        judged & ~never_met & stalled,
        lambda at: f"no meeting for {days[at]} days; target every {int(cadence[at])}",
    )
    reason(
        judged & ~never_met & ~stalled & (days > cadence.astype(int)),
        lambda at: f"last meeting {days[at]} days ago; target every {int(cadence[at])}",
    )
    reason(
        judged & ~np.isnan(adherence) & (adherence < 0.5),
        lambda at: f"cadence adherence {adherence[at]:.0%}",
    )
    reason(
        judged & (overdue_goals != 0),
        lambda at: f"{plural(int(overdue_goals[at]), 'goal')} overdue",
    )
    for role, measure, label in _SENTIMENT_REASONS:
        values = frame[f"{role}_{measure}"].to_numpy(dtype=float)
        reason(
            judged & ~np.isnan(values) & (values <= 2),
            lambda at, role=role, label=label, values=values: f"{role} {label} {int(values[at])}/5",
        )

    reasons = ["; ".join(filter(None, found)) or "on track" for found in zip(*parts, strict=True)]
    days_since_start = frame["days_since_start"].to_numpy()
    for at in np.flatnonzero(too_early):
        reasons[at] = f"started {plural(int(days_since_start[at]), 'day')} ago: too early to judge"
    for at in np.flatnonzero(not_active):
        reasons[at] = f"pair is {status[at].replace('_', ' ')}"
    return reasons


def _days_since_last_meeting_while_running(
    frame: pd.DataFrame, current: pd.DataFrame, *, as_of: date
) -> pd.Series:
    """Recency for the meetings component: an ended pair is judged on the day it ended."""
    ended_on = current.set_index("pair_id")["ended_on"]
    days_since_end = (pd.Timestamp(as_of) - ended_on).dt.days.fillna(0).clip(lower=0)
    return (frame["days_since_last_meeting"] - days_since_end).clip(lower=0).astype(float)


def pair_health_from_rows(
    pairs: pd.DataFrame,
    stats: pd.DataFrame,
    goals: pd.DataFrame,
    surveys: pd.DataFrame,
    cohorts: pd.DataFrame,
    *,
    as_of: date,
    settings: HealthSettings | None = None,
) -> pd.DataFrame:
    """`pair_health` from the goal and survey response rows instead of their per-pair aggregates:
    the reference the tests hold the production path to (and what a test builds from frames in
    memory). Every screen, the PDF and the CLI score pairs with `pair_health` on the aggregates
    `data_access.health_inputs.load_health_inputs` reads.

    `stats` is the pairs' `metrics.meeting_stats` as of the same date (or its SQL twin,
    `data_access.queries.meeting_stats`); the other inputs are in the import format's columns
    with dates as timestamps, and anything in them dated after `as_of` is ignored. The columns
    are `pair_health`'s.
    """
    current = metrics.pairs_as_of(pairs, as_of=as_of)
    return pair_health(
        pairs,
        stats,
        goal_counts(metrics.goals_as_of(goals, as_of=as_of), as_of=as_of),
        latest_sentiment(current, metrics.responses_as_of(surveys, as_of=as_of)),
        cohorts,
        as_of=as_of,
        settings=settings,
    )


def pair_activity(
    pairs: pd.DataFrame,
    stats: pd.DataFrame,
    cohorts: pd.DataFrame,
    *,
    as_of: date,
    settings: HealthSettings | None = None,
) -> pd.DataFrame:
    """The meeting half of `pair_health` (its first step), which needs no goals or answers:
    every pair that existed on `as_of`, indexed by `pair_id`, with the columns of `pair_health`
    up to `stalled` (cohort_id, mentor_id, mentee_id, status, cadence_days, last_meeting_on,
    days_since_last_meeting, days_since_start, cadence_adherence, stalled), the same values.
    `stats` is as in `pair_health`."""
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
    return frame


def pair_health(
    pairs: pd.DataFrame,
    stats: pd.DataFrame,
    goals: pd.DataFrame,
    sentiment: pd.DataFrame,
    cohorts: pd.DataFrame,
    *,
    as_of: date,
    settings: HealthSettings | None = None,
) -> pd.DataFrame:
    """Health of every pair that existed on `as_of`, indexed by `pair_id`: the one definition of
    the score, its band and reasons. `stats` is the pairs' `metrics.meeting_stats`, `goals` their
    `goal_counts` and `sentiment` their `latest_sentiment`, all as of `as_of` (in production
    the SQL twins in `data_access.queries` and `data_access.health_inputs`, so that a large store
    is scored without reading every goal and response); `pairs` and `cohorts` are in the import
    format's columns.
    Columns: status (as of the date), cadence_days, last_meeting_on, days_since_last_meeting,
    cadence_adherence, stalled, overdue_goals, the latest sentiment answers, the three component
    scores, health_score (0–100, NaN for a pair with nothing to measure), band and reasons."""
    settings = settings or HealthSettings()
    current = metrics.pairs_as_of(pairs, as_of=as_of)
    frame = pair_activity(pairs, stats, cohorts, as_of=as_of, settings=settings)

    goals = goals.reindex(frame.index)
    frame["overdue_goals"] = goals["overdue_goals"].fillna(0).astype("int64")
    sentiment = sentiment.reindex(index=frame.index, columns=list(SENTIMENT_COLUMNS))
    sentiment = sentiment.astype(float)
    frame = frame.join(sentiment)

    components = pd.DataFrame(
        {
            "meetings": meetings_component(
                _days_since_last_meeting_while_running(frame, current, as_of=as_of),
                frame["cadence_days"],
                frame["cadence_adherence"],
                stall_factor=settings.stall_factor,
            ),
            "goals": goals_component(goals),
            "sentiment": sentiment_component(sentiment),
        }
    )
    frame[[f"{name}_score" for name in COMPONENTS]] = components[list(COMPONENTS)].to_numpy()
    score = weighted_score(components, settings.weights)
    score = score.where(~frame["stalled"], score.clip(upper=settings.healthy_from - 1))
    frame["health_score"] = score.round(1)
    too_early = frame["days_since_start"] < settings.too_early_days
    frame["band"] = band(frame["health_score"], too_early=too_early, settings=settings)
    frame["reasons"] = _reasons(frame)
    return frame
