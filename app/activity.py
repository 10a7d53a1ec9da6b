"""Meeting and goal activity for the Meetings and Goals screens: plain pandas over the program's
frames, built only on the definitions of `app.metrics` (one definition of each metric).

Goals are read as they stood on the as-of date (`metrics.goals_as_of`) and only those of pairs
that existed then count, each with its pair's cohort. Adherence comes from the health frame
(`app.headlines.program_health`), so it is the cadence adherence every other screen shows.
"""

from datetime import date

import numpy as np
import pandas as pd

from app import metrics
from app.headlines import Headline

UNCATEGORISED = "uncategorised"
RECENT_MEETING_DAYS = 30


def program_goals(goals: pd.DataFrame, pairs: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """The goals of `pairs` as they stood on `as_of`, with each pair's `cohort_id` and a blank
    category read as "uncategorised". `pairs` are the pairs that had started by `as_of`."""
    current = metrics.goals_as_of(goals, as_of=as_of)
    current = current.merge(pairs[["pair_id", "cohort_id"]], on="pair_id", how="inner")
    current["category"] = current["category"].fillna(UNCATEGORISED)
    return current


def completion_by(goals: pd.DataFrame, column: str) -> pd.DataFrame:
    """Goal completion (`metrics.goal_completion`) per value of `column` of `goals`.

    Columns: `column`, goals (not dropped), done, completion (0–1, NaN when every goal of the
    group was dropped). Sorted by `column`.
    """
    rows = [
        {
            column: value,
            "goals": int((group["status"] != "dropped").sum()),
            "done": int((group["status"] == "done").sum()),
            "completion": metrics.goal_completion(group),
        }
        for value, group in goals.groupby(column, sort=True)
    ]
    return pd.DataFrame(rows, columns=[column, "goals", "done", "completion"])


def overdue_goals(goals: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """The overdue goals (`metrics.overdue`) of `goals` with `days_overdue` (days from `due_on`
    to `as_of`), most overdue first."""
    late = goals[metrics.overdue(goals, as_of=as_of)].copy()
    late["days_overdue"] = (pd.Timestamp(as_of) - late["due_on"]).dt.days.astype(int)
    return late.sort_values(["days_overdue", "goal_id"], ascending=[False, True])


def days_to_complete(goals: pd.DataFrame) -> pd.Series:
    """Per done goal of `goals` (as of a date, so completed by then) with both dates: days from
    `created_on` to `completed_on`, indexed by goal_id."""
    done = goals[(goals["status"] == "done") & goals["created_on"].notna()]
    done = done[done["completed_on"].notna()]
    days = (done["completed_on"] - done["created_on"]).dt.days.astype(int)
    return pd.Series(days.to_numpy(), index=done["goal_id"], name="days_to_complete")


def days_to_complete_distribution(days: pd.Series, *, width_days: int = 14) -> pd.DataFrame:
    """How many goals took how long (`days_to_complete`), in bins of `width_days` from 0 up to
    the longest. Columns: days_from, days_to (the bin is days_from ≤ days < days_to), goals."""
    if days.empty:
        return pd.DataFrame({"days_from": [], "days_to": [], "goals": []}, dtype=int)
    bins = days.clip(lower=0).to_numpy() // width_days
    counts = np.bincount(bins, minlength=int(bins.max()) + 1)
    starts = np.arange(len(counts)) * width_days
    return pd.DataFrame({"days_from": starts, "days_to": starts + width_days, "goals": counts})


def active_adherence(health: pd.DataFrame) -> pd.Series:
    """Cadence adherence (0–1) of the active pairs of `health` whose adherence is known."""
    active = health[health["status"] == metrics.ACTIVE]
    return active["cadence_adherence"].dropna()


def adherence_distribution(health: pd.DataFrame, *, step: float = 0.1) -> pd.DataFrame:
    """How many active pairs fall in each adherence band of width `step` (0–10 %, …, 90–100 %;
    100 % counts in the last band). Columns: band_start, band_end (0–1), pairs."""
    edges = np.round(np.arange(0.0, 1.0 + step / 2, step), 10)
    starts, ends = edges[:-1], edges[1:]
    adherence = active_adherence(health).to_numpy()
    positions = np.clip(np.searchsorted(ends, adherence, side="right"), 0, len(starts) - 1)
    counts = np.bincount(positions, minlength=len(starts))
    return pd.DataFrame({"band_start": starts, "band_end": ends, "pairs": counts.astype(int)})


def adherence_by_cohort(health: pd.DataFrame) -> pd.DataFrame:
    """Per cohort with active pairs: active_pairs, mean_adherence (of those with a known
    adherence, 0–1) and stalled_pairs. Sorted by cohort_id."""
    active = health[health["status"] == metrics.ACTIVE]
    grouped = active.groupby("cohort_id", sort=True)
    return pd.DataFrame(
        {
            "active_pairs": grouped.size().astype(int),
            "mean_adherence": grouped["cadence_adherence"].mean(),
            "stalled_pairs": grouped["stalled"].sum().astype(int),
        }
    ).reset_index()


def week_by_cohort(
    per_week: pd.DataFrame, cohort_ids: list[str], week_starts: pd.DatetimeIndex
) -> pd.DataFrame:
    """Meetings per week (columns `week_starts`) and cohort (rows `cohort_ids`), 0 where none,
    from the sparse counts of `data_access.activity.meetings_per_week`."""
    grid = per_week.pivot_table(
        index="cohort_id", columns="week_start", values="meetings", aggfunc="sum"
    )
    return grid.reindex(index=cohort_ids, columns=week_starts).fillna(0).astype(int)


def meetings_figures(health: pd.DataFrame, recent_meetings: int) -> list[Headline]:
    """The Meetings screen's headline figures: meetings held in the last 30 days
    (`recent_meetings`), active pairs, their mean cadence adherence, stalled pairs."""
    active = health[health["status"] == metrics.ACTIVE]
    return [
        Headline(f"Meetings in the last {RECENT_MEETING_DAYS} days", float(recent_meetings)),
        Headline("Active pairs", float(len(active))),
        Headline("Cadence adherence (active pairs)", active["cadence_adherence"].mean(), "%"),
        Headline("Stalled pairs", float(active["stalled"].sum())),
    ]


def goals_figures(goals: pd.DataFrame, *, as_of: date) -> list[Headline]:
    """The Goals screen's headline figures for `goals` (as of `as_of`, see `program_goals`):
    goal completion, goals done, overdue goals, median days to complete."""
    return [
        Headline("Goal completion", metrics.goal_completion(goals), "%"),
        Headline("Goals done", float((goals["status"] == "done").sum())),
        Headline("Overdue goals", float(metrics.overdue(goals, as_of=as_of).sum())),
        Headline("Median days to complete", float(days_to_complete(goals).median())),
    ]
