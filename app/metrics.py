"""The program's metrics (PRODUCT.md §4), one definition each, as of an explicit date.

Every function takes plain DataFrames in the import format's columns (dates as pandas
timestamps, see `as_timestamps`) and an `as_of` date. Nothing dated after `as_of` counts:
pairs that had not started, meetings not yet held, goals not yet completed, responses not yet
submitted and people who had not yet left are read as they stood on that day.
"""

from datetime import date, timedelta

import numpy as np
import pandas as pd

DEFAULT_CADENCE_DAYS = 14
DEFAULT_STALL_FACTOR = 2.0
ADHERENCE_WINDOW_DAYS = 90
RETENTION_LOOKBACK_DAYS = 365

ACTIVE = "active"
ENDED_STATUSES = ("completed", "ended_early")


def as_timestamps(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy of `frame` with `columns` as pandas timestamps (blank → NaT)."""
    frame = frame.copy()
    for column in columns:
        frame[column] = pd.to_datetime(frame[column])
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


def last_meeting_on(pairs: pd.DataFrame, meetings: pd.DataFrame, *, as_of: date) -> pd.Series:
    """Per pair: the date of its last meeting held on or before `as_of` (NaT if none)."""
    held = meetings[meetings["held_on"] <= _day(as_of)]
    last = held.groupby("pair_id")["held_on"].max()
    return pairs["pair_id"].map(last).set_axis(pairs["pair_id"]).rename("last_meeting_on")


def days_since_last_meeting(
    pairs: pd.DataFrame, meetings: pd.DataFrame, *, as_of: date
) -> pd.Series:
    """Per pair: days from its last meeting (or, with none yet, from `started_on`) to `as_of`."""
    last = last_meeting_on(pairs, meetings, as_of=as_of)
    since = last.fillna(pairs.set_index("pair_id")["started_on"])
    return (_day(as_of) - since).dt.days.rename("days_since_last_meeting")


def stalled(
    pairs: pd.DataFrame,
    meetings: pd.DataFrame,
    cohorts: pd.DataFrame,
    *,
    as_of: date,
    stall_factor: float = DEFAULT_STALL_FACTOR,
) -> pd.Series:
    """Per pair: True for an active pair whose days since its last meeting exceed
    `stall_factor` × its target cadence. Completed, ended and paused pairs are never stalled.

    `pairs` must already be as of `as_of` (see `pairs_as_of`).
    """
    days = days_since_last_meeting(pairs, meetings, as_of=as_of)
    limit = target_cadence_days(pairs, cohorts) * stall_factor
    active = pairs.set_index("pair_id")["status"].eq(ACTIVE)
    return (active & (days > limit)).rename("stalled")


def cadence_adherence(
    pairs: pd.DataFrame,
    meetings: pd.DataFrame,
    cohorts: pd.DataFrame,
    *,
    as_of: date,
    window_days: int = ADHERENCE_WINDOW_DAYS,
) -> pd.Series:
    """Per pair: meetings held ÷ meetings expected over the trailing `window_days` (or since the
    pair started, if shorter), where expected = days ÷ target cadence; capped at 1.

    The window ends on `as_of`, or on `ended_on` for a pair that has ended. A pair with no day in
    its window (it starts on `as_of`) has no adherence yet (NaN).
    """
    indexed = pairs.set_index("pair_id")
    window_end = indexed["ended_on"].fillna(_day(as_of)).clip(upper=_day(as_of))
    window_start = (window_end - timedelta(days=window_days)).where(
        lambda start: start > indexed["started_on"], indexed["started_on"]
    )
    days = (window_end - window_start).dt.days.astype(float)
    expected = days / target_cadence_days(pairs, cohorts)

    in_pairs = meetings[meetings["pair_id"].isin(indexed.index)]
    joined = in_pairs.join(window_start.rename("start"), on="pair_id").join(
        window_end.rename("end"), on="pair_id"
    )
    inside = joined[(joined["held_on"] >= joined["start"]) & (joined["held_on"] <= joined["end"])]
    held = inside.groupby("pair_id").size().reindex(indexed.index, fill_value=0)
    ratio = (held / expected.replace(0, np.nan)).clip(upper=1.0)
    return ratio.rename("cadence_adherence")


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
    promoters = (answered >= 9).mean()
    detractors = (answered <= 6).mean()
    return float(round((promoters - detractors) * 100, 10))


def responses_as_of(surveys: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """The survey responses submitted on or before `as_of`."""
    return surveys[surveys["submitted_on"] <= _day(as_of)]


def skill_uplift(surveys: pd.DataFrame, participants: pd.DataFrame) -> float:
    """Mean exit minus mean baseline `digital_confidence`, over the mentees who answered both.

    A mentee who answered a kind more than once counts with their latest answer of that kind.
    NaN when no mentee answered both.
    """
    mentees = participants.loc[participants["role"] == "mentee", "participant_id"]
    answers = surveys[
        surveys["participant_id"].isin(mentees)
        & surveys["kind"].isin(["baseline", "exit"])
        & surveys["digital_confidence"].notna()
    ]
    latest = (
        answers.sort_values("submitted_on")
        .groupby(["participant_id", "kind"])["digital_confidence"]
        .last()
        .unstack("kind")
    )
    if not {"baseline", "exit"} <= set(latest.columns):
        return float("nan")
    both = latest.dropna(subset=["baseline", "exit"])
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
