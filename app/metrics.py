"""The program's metrics (docs/metrics.md), one definition each, as of an explicit date.

Every function takes plain DataFrames in the import format's columns (dates as pandas
timestamps, see `as_timestamps`) and an `as_of` date. Nothing dated after `as_of` counts:
pairs that had not started, meetings not yet held, goals not yet completed, responses not yet
submitted and people who had not yet left are read as they stood on that day.
"""

from datetime import date, timedelta

import numpy as np
import pandas as pd

# One declaration of the cadence window: the store's aggregate (data_access.queries) and the
# pandas definitions here count the same days.
from data_access.queries import ADHERENCE_WINDOW_DAYS

DEFAULT_CADENCE_DAYS = 14
DEFAULT_STALL_FACTOR = 2.0
UPLIFT_KINDS = ("baseline", "exit")
RETENTION_LOOKBACK_DAYS = 365

ACTIVE = "active"
ENDED_STATUSES = ("completed", "ended_early")


def as_timestamps(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy of `frame` with `columns` as pandas timestamps (blank → NaT)."""
    frame = frame.copy()
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def _day(as_of: date) -> pd.Timestamp:
    return pd.Timestamp(as_of)


def pairs_as_of(pairs: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """The pairs that existed on `as_of`, with `status` as it stood that day.

    A pair that started after `as_of` did not exist yet. A pair that ended (completed or ended
    early) after `as_of` was still active on that day. Paused pairs carry no date, so they stay
    paused.
    """
    day = _day(as_of)
    existing = pairs[pairs["started_on"] <= day].copy()
    ended_later = existing["ended_on"].notna() & (existing["ended_on"] > day)
    existing.loc[ended_later, "status"] = ACTIVE
    existing.loc[ended_later, "ended_on"] = pd.NaT
    return existing


def target_cadence_days(pairs: pd.DataFrame, cohorts: pd.DataFrame) -> pd.Series:
    """Per pair (indexed by `pair_id`): its own target cadence, else its cohort's, else 14 days."""
    cohort_cadence = cohorts.set_index("cohort_id")["target_cadence_days"]
    cadence = pairs["target_cadence_days"].astype("Float64")
    cadence = cadence.fillna(pairs["cohort_id"].map(cohort_cadence).astype("Float64"))
    cadence = cadence.fillna(DEFAULT_CADENCE_DAYS)
    return pd.Series(cadence.to_numpy(dtype=float), index=pairs["pair_id"], name="cadence_days")


def adherence_window(
    pairs: pd.DataFrame, *, as_of: date, window_days: int = ADHERENCE_WINDOW_DAYS
) -> tuple[pd.Series, pd.Series]:
    """Per pair (indexed by `pair_id`): the first and last day of its cadence-adherence window.

    The window ends on `as_of`, or on `ended_on` for a pair that ended by then, and reaches back
    `window_days` days, or to `started_on` if the pair is younger. `pairs` must be as of `as_of`.
    """
    indexed = pairs.set_index("pair_id")
    end = indexed["ended_on"].fillna(_day(as_of)).clip(upper=_day(as_of))
    start = end - timedelta(days=window_days)
    start = start.where(start > indexed["started_on"], indexed["started_on"])
    return start.rename("window_start"), end.rename("window_end")


def meeting_stats(
    pairs: pd.DataFrame,
    meetings: pd.DataFrame,
    *,
    as_of: date,
    window_days: int = ADHERENCE_WINDOW_DAYS,
) -> pd.DataFrame:
    """Per pair (indexed by `pair_id`): `last_meeting_on` (the last meeting held on or before
    `as_of`, NaT if none) and `meetings_in_window` (meetings held inside its adherence window).

    This is the definition; `data_access.queries.meeting_stats` computes the same in SQL for
    large stores, and a test keeps the two equal. `pairs` must be as of `as_of`.
    """
    start, end = adherence_window(pairs, as_of=as_of, window_days=window_days)
    held = meetings[meetings["pair_id"].isin(start.index) & (meetings["held_on"] <= _day(as_of))]
    held = held.join(start, on="pair_id").join(end, on="pair_id")
    in_window = (held["held_on"] >= held["window_start"]) & (held["held_on"] <= held["window_end"])
    stats = pd.DataFrame(
        {
            "last_meeting_on": held.groupby("pair_id")["held_on"].max(),
            "meetings_in_window": in_window.groupby(held["pair_id"]).sum(),
        }
    ).reindex(start.index)
    stats["last_meeting_on"] = pd.to_datetime(stats["last_meeting_on"]).astype("datetime64[ns]")
    stats["meetings_in_window"] = stats["meetings_in_window"].fillna(0).astype(int)
    return stats


def days_since_last_meeting(pairs: pd.DataFrame, stats: pd.DataFrame, *, as_of: date) -> pd.Series:
    """Per pair: days from its last meeting (or, with none yet, from `started_on`) to `as_of`.

    `stats` is `meeting_stats` (or its SQL twin) for the same pairs and date.
    """
    since = stats["last_meeting_on"].fillna(pairs.set_index("pair_id")["started_on"])
    return (_day(as_of) - since).dt.days.rename("days_since_last_meeting")


def stalled(
    pairs: pd.DataFrame,
    stats: pd.DataFrame,
    cohorts: pd.DataFrame,
    *,
    as_of: date,
    stall_factor: float = DEFAULT_STALL_FACTOR,
) -> pd.Series:
    """Per pair: True for an active pair whose days since its last meeting exceed
    `stall_factor` × its target cadence. Completed, ended and paused pairs are never stalled.

    `pairs` must be as of `as_of` (see `pairs_as_of`); `stats` is their `meeting_stats`.
    """
    days = days_since_last_meeting(pairs, stats, as_of=as_of)
    limit = target_cadence_days(pairs, cohorts) * stall_factor
    active = pairs.set_index("pair_id")["status"].eq(ACTIVE)
    return (active & (days > limit)).rename("stalled")


def cadence_adherence(
    pairs: pd.DataFrame,
    stats: pd.DataFrame,
    cohorts: pd.DataFrame,
    *,
    as_of: date,
    window_days: int = ADHERENCE_WINDOW_DAYS,
) -> pd.Series:
    """Per pair: meetings held ÷ meetings expected over its adherence window (the trailing
    `window_days`, or since the pair started if shorter; see `adherence_window`), where
    expected = days ÷ target cadence; capped at 1. NaN for a window of no days (a pair that
    starts on `as_of`). `stats` is `meeting_stats` for the same pairs, date and window.
    """
    start, end = adherence_window(pairs, as_of=as_of, window_days=window_days)
    expected = (end - start).dt.days.astype(float) / target_cadence_days(pairs, cohorts)
    ratio = stats["meetings_in_window"] / expected.replace(0.0, np.nan)
    return ratio.clip(upper=1.0).rename("cadence_adherence")


def goals_as_of(goals: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """The goals that existed on `as_of`, with `status` as it stood that day.

    A goal created after `as_of` did not exist yet. A goal completed after `as_of` was still in
    progress on that day. Goals with no `created_on` are taken to have existed all along.
    """
    day = _day(as_of)
    existing = goals[goals["created_on"].isna() | (goals["created_on"] <= day)].copy()
    completed_later = existing["completed_on"].notna() & (existing["completed_on"] > day)
    existing.loc[completed_later, "status"] = "in_progress"
    existing.loc[completed_later, "completed_on"] = pd.NaT
    return existing


def goal_completion(goals: pd.DataFrame) -> float:
    """`done` ÷ (all − `dropped`) over `goals` (as of a date, see `goals_as_of`); NaN if none."""
    counted = goals[goals["status"] != "dropped"]
    if counted.empty:
        return float("nan")
    return float((counted["status"] == "done").mean())


def overdue(goals: pd.DataFrame, *, as_of: date) -> pd.Series:
    """Per goal: True when `due_on` is before `as_of` and the status is neither done nor dropped."""
    open_goal = ~goals["status"].isin(["done", "dropped"])
    return (open_goal & (goals["due_on"] < _day(as_of))).rename("overdue")


def net_promoter_score(scores: pd.Series) -> float:
    """NPS of 0–10 answers: % of 9–10 minus % of 0–6, on −100…100; NaN with no answers."""
    answered = scores.dropna()
    if answered.empty:
        return float("nan")
    return nps_from_counts(int((answered >= 9).sum()), int((answered <= 6).sum()), len(answered))


def nps_from_counts(promoters: float, detractors: float, answered: float) -> float:
    """NPS from how many answered 9–10 (`promoters`), 0–6 (`detractors`) and at all
    (`answered`): the one formula, also for counts summed per group; NaN with no answers."""
    if not answered:
        return float("nan")
    return float(round((promoters / answered - detractors / answered) * 100, 10))


def responses_as_of(surveys: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """The survey responses submitted on or before `as_of`."""
    return surveys[surveys["submitted_on"] <= _day(as_of)]


def latest_confidence(surveys: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """Per mentee (index participant_id) who gave a `digital_confidence` in both a baseline and
    an exit survey: columns baseline and exit, each their latest answer of that kind."""
    mentees = participants.loc[participants["role"] == "mentee", "participant_id"]
    # The cheap tests first: matching ids against every mentee is the costly one.
    answers = surveys[surveys["digital_confidence"].notna()]
    answers = answers[answers["kind"].isin(UPLIFT_KINDS)]
    answers = answers[answers["participant_id"].isin(mentees)]
    latest = (
        answers.sort_values("submitted_on")
        .groupby(["participant_id", "kind"])["digital_confidence"]
        .last()
        .unstack("kind")
        .reindex(columns=list(UPLIFT_KINDS))
    )
    return latest.dropna().astype(float)


def skill_uplift(surveys: pd.DataFrame, participants: pd.DataFrame) -> float:
    """Mean exit minus mean baseline `digital_confidence`, over the mentees who answered both.

    A mentee who answered a kind more than once counts with their latest answer of that kind
    (`latest_confidence`). NaN when no mentee answered both.
    """
    both = latest_confidence(surveys, participants)
    if both.empty:
        return float("nan")
    return float(both["exit"].mean() - both["baseline"].mean())


def enrolled(participants: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """The people enrolled on `as_of`: joined on or before it (or no date) and not left by then."""
    day = _day(as_of)
    joined = participants["joined_on"].isna() | (participants["joined_on"] <= day)
    still_here = participants["left_on"].isna() | (participants["left_on"] > day)
    return participants[joined & still_here]


def match_rate(participants: pd.DataFrame, pairs: pd.DataFrame, *, as_of: date) -> float:
    """Enrolled participants in an active pair ÷ enrolled participants, on `as_of`; NaN if none.

    `pairs` must already be as of `as_of` (see `pairs_as_of`).
    """
    people = enrolled(participants, as_of=as_of)["participant_id"]
    if people.empty:
        return float("nan")
    active = pairs[pairs["status"] == ACTIVE]
    matched = set(active["mentor_id"]) | set(active["mentee_id"])
    return float(people.isin(matched).mean())


def retention(participants: pd.DataFrame, *, as_of: date) -> float:
    """Share of the people enrolled 12 months before `as_of` who have not left before `as_of`.

    NaN when nobody was enrolled 12 months before.
    """
    cohort = enrolled(participants, as_of=as_of - timedelta(days=RETENTION_LOOKBACK_DAYS))
    if cohort.empty:
        return float("nan")
    left_before = cohort["left_on"].notna() & (cohort["left_on"] < _day(as_of))
    return float((~left_before).mean())


def meetings_per_pair_per_month(
    pairs: pd.DataFrame, meetings: pd.DataFrame, *, as_of: date
) -> pd.DataFrame:
    """Per calendar month up to `as_of`'s: meetings held, pairs running, and their ratio.

    A pair runs in a month when it started by the month's last day and had not ended before its
    first day (as of `as_of`: an end after `as_of` does not count yet). Months run from the first
    pair's start. Columns: month (a `Period`), meetings, pairs, meetings_per_pair (NaN with no
    pair running).
    """
    current = pairs_as_of(pairs, as_of=as_of)
    if current.empty:
        return pd.DataFrame(columns=["month", "meetings", "pairs", "meetings_per_pair"])
    months = pd.period_range(current["started_on"].min(), _day(as_of), freq="M")
    held = meetings[
        meetings["pair_id"].isin(current["pair_id"]) & (meetings["held_on"] <= _day(as_of))
    ]
    held_per_month = held["held_on"].dt.to_period("M").value_counts()
    starts = current["started_on"].dt.to_period("M")
    ends = current["ended_on"].dt.to_period("M")
    running = [int(((starts <= month) & (ends.isna() | (ends >= month))).sum()) for month in months]
    frame = pd.DataFrame(
        {
            "month": months,
            "meetings": [int(held_per_month.get(month, 0)) for month in months],
            "pairs": running,
        }
    )
    frame["meetings_per_pair"] = frame["meetings"] / frame["pairs"].replace(0, np.nan)
    return frame
