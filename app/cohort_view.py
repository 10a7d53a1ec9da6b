"""The Cohort health screen's view of the program: each pair's health beside who is in it, the
filter bar's choices, the order of the pair table, and one pair's meetings and goals as its
detail shows them. Plain pandas; figures come from `app.health` and `app.metrics`.
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd

from app import metrics
from app.health import AT_RISK, BANDS, HEALTHY, TOO_EARLY, WATCH
from app.privacy import GENERATIONS, UNKNOWN, generation

#: Pair statuses in the order the filter offers them.
STATUSES = (metrics.ACTIVE, "paused", "completed", "ended_early")
PEOPLE = ("mentor", "mentee")
_BAND_URGENCY = {AT_RISK: 0, WATCH: 1, HEALTHY: 2, TOO_EARLY: 3}
_STATUS_URGENCY = {metrics.ACTIVE: 0, "paused": 1}


def focus_areas(value: object) -> tuple[str, ...]:
    """The focus areas in one cell ("AI; data analytics" → ("AI", "data analytics"))."""
    if not isinstance(value, str):
        return ()
    return tuple(area.strip() for area in value.split(";") if area.strip())


def pair_rows(health: pd.DataFrame, directory: pd.DataFrame) -> pd.DataFrame:
    """`health` (indexed by pair_id, as `app.headlines.program_health` gives it) with a `pair_id`
    column and, from `directory` (`data_access.queries.pair_directory`): cohort_name, each
    person's name, department and generation (Unknown when missing), and `focus_areas` (a
    tuple: the pair's, else its cohort's)."""
    people = directory.reindex(health.index)
    rows = health.copy()
    rows.insert(0, "pair_id", health.index)
    rows["cohort_name"] = people["cohort_name"].fillna(rows["cohort_id"])
    for person in PEOPLE:
        rows[f"{person}_name"] = people[f"{person}_name"]
        rows[f"{person}_department"] = people[f"{person}_department"].fillna(UNKNOWN)
        rows[f"{person}_generation"] = generation(people[f"{person}_birth_year"])
    rows["focus_areas"] = people["focus_area"].map(focus_areas)
    return rows


def _either_person(rows: pd.DataFrame, attribute: str) -> pd.DataFrame:
    return rows[[f"{person}_{attribute}" for person in PEOPLE]]


def departments(rows: pd.DataFrame) -> list[str]:
    """Every department of a mentor or mentee in `rows`, sorted, Unknown last."""
    present = set(_either_person(rows, "department").to_numpy().ravel())
    known = sorted(present - {UNKNOWN}, key=str.casefold)
    return known + [UNKNOWN] if UNKNOWN in present else known


def generations(rows: pd.DataFrame) -> list[str]:
    """Every generation of a mentor or mentee in `rows`, oldest first, Unknown last."""
    present = set(_either_person(rows, "generation").to_numpy().ravel())
    order = [name for _, _, name in GENERATIONS] + [UNKNOWN]
    return [name for name in order if name in present]


def focus_area_choices(rows: pd.DataFrame) -> list[str]:
    """Every focus area of a pair in `rows`, sorted case-insensitively."""
    return sorted({area for areas in rows["focus_areas"] for area in areas}, key=str.casefold)


@dataclass(frozen=True)
class PairFilters:
    """The filter bar's choices; an empty choice means all. A department or generation matches
    a pair when either of its two people has it; a focus area, when it is one of the pair's."""

    statuses: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    generations: tuple[str, ...] = ()
    focus_areas: tuple[str, ...] = ()


def filter_pairs(rows: pd.DataFrame, filters: PairFilters) -> pd.DataFrame:
    """The rows of `rows` (from `pair_rows`) that every chosen filter matches."""
    keep = pd.Series(True, index=rows.index)
    if filters.statuses:
        keep &= rows["status"].isin(filters.statuses)
    if filters.bands:
        keep &= rows["band"].isin(filters.bands)
    if filters.departments:
        keep &= _either_person(rows, "department").isin(filters.departments).any(axis=1)
    if filters.generations:
        keep &= _either_person(rows, "generation").isin(filters.generations).any(axis=1)
    if filters.focus_areas:
        chosen = set(filters.focus_areas)
        keep &= rows["focus_areas"].map(lambda areas: bool(chosen.intersection(areas)))
    return rows[keep]


def most_urgent_first(rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` in the order a coordinator works through them: active pairs, then paused, then
    ended ones; within those, At risk, Watch, Healthy, Too early; stalled pairs first; then the
    lowest health score (pairs with nothing to measure last), then the longest since meeting."""
    order = pd.DataFrame(
        {
            "status": rows["status"].map(_STATUS_URGENCY).fillna(len(_STATUS_URGENCY)),
            "band": rows["band"].map(_BAND_URGENCY),
            "not_stalled": ~rows["stalled"].astype(bool),
            "score": rows["health_score"],
            "waiting": -rows["days_since_last_meeting"],
            "pair": rows["pair_id"],
        },
        index=rows.index,
    )
    ordered = order.sort_values(list(order.columns), na_position="last", kind="stable")
    return rows.loc[ordered.index]


def band_distribution(rows: pd.DataFrame) -> pd.Series:
    """How many pairs of `rows` fall in each health band, in band order (zeros included)."""
    return rows["band"].value_counts().reindex(list(BANDS), fill_value=0).rename("pairs")


def meeting_gaps(meetings: pd.DataFrame, *, started_on: pd.Timestamp) -> pd.DataFrame:
    """Each meeting (`held_on`, oldest first) with `days_since_previous`: days since the pair's
    previous meeting, or since `started_on` for its first."""
    held = meetings.sort_values("held_on").reset_index(drop=True)
    previous = held["held_on"].shift(1).fillna(started_on)
    held["days_since_previous"] = (held["held_on"] - previous).dt.days
    return held


def goals_with_overdue(goals: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """A pair's goals as they stood on `as_of` (`metrics.goals_as_of`), with `overdue`
    (`metrics.overdue`)."""
    current = metrics.goals_as_of(goals, as_of=as_of)
    return current.assign(overdue=metrics.overdue(current, as_of=as_of))
