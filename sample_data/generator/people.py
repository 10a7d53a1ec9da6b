"""People and pairs, cohort by cohort: who joins, who is paired with whom, who leaves, and what
skills they bring and want."""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from sample_data.generator.common import (
    _allocate,
    _dates,
    _frame,
    _ids,
    _nullable,
    _on_weekday,
    _uniform_int,
)
from sample_data.generator.names import _names_and_emails
from sample_data.generator.plan import (
    ALUMNI_RETURN_CAP,
    ALUMNI_RETURN_CHANCE,
    CATEGORIES,
    COMPLETED,
    CUSTOM_CADENCE_SHARE,
    DEPARTMENT_WEIGHTS,
    DEPARTMENTS,
    DOUBLE_MENTOR_SHARE,
    ENDED_EARLY,
    ENDED_EARLY_LEAVES_CHANCE,
    GLOBAL,
    GRADUATE_LEAVES_CHANCE,
    LOCATIONS,
    LONG_GONE_DAYS,
    LONG_GONE_LEAVES_CHANCE,
    NOT_MET_YET,
    OPEN_END,
    OUTCOME_MIX,
    SKILLS,
    STARTING_COHORT_DAYS,
    WANTED_SKILL_WEIGHTS,
    CohortPlan,
    ScaleSpec,
)


class _Roster:
    """Everyone enrolled so far, in arrays sized for the whole scale."""

    def __init__(self, capacity: int) -> None:
        self.size = 0
        self.is_mentor = np.zeros(capacity, dtype=bool)
        self.department = np.zeros(capacity, dtype=np.int64)
        self.location = np.zeros(capacity, dtype=np.int64)
        self.joined = np.zeros(capacity, dtype=np.int64)
        self.capacity = np.ones(capacity, dtype=np.int64)
        # When an alumnus could join a later cohort; OPEN_END while in a pair or never paired.
        self.free_from = np.full(capacity, OPEN_END, dtype=np.int64)
        self.offered_return = np.zeros(capacity, dtype=bool)

    def enrol(
        self, *, mentor: bool, department: np.ndarray, location: np.ndarray, joined: np.ndarray
    ) -> np.ndarray:
        """Add people; return their indices."""
        index = np.arange(self.size, self.size + len(department))
        self.size += len(department)
        self.is_mentor[index] = mentor
        self.department[index] = department
        self.location[index] = location
        self.joined[index] = joined
        return index


def _location_choice(region: str, size: int, rng: np.random.Generator) -> np.ndarray:
    weights = np.array([loc.weight if region in (GLOBAL, loc.region) else 0.0 for loc in LOCATIONS])
    return rng.choice(len(LOCATIONS), size=size, p=weights / weights.sum())


def _department_choice(size: int, rng: np.random.Generator) -> np.ndarray:
    return rng.choice(len(DEPARTMENTS), size=size, p=DEPARTMENT_WEIGHTS / DEPARTMENT_WEIGHTS.sum())


def _other_department(
    department: np.ndarray, avoid: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """`department`, changed wherever it equals `avoid` (pairs cross departments)."""
    clash = department == avoid
    shifted = (avoid + rng.integers(1, len(DEPARTMENTS), size=len(avoid))) % len(DEPARTMENTS)
    return np.where(clash, shifted, department)


@dataclass
class _Cohorts:
    """The cohorts as built: start and end offsets, cadence, phase."""

    plans: tuple[CohortPlan, ...]
    start: np.ndarray
    end: np.ndarray
    cadence: np.ndarray
    phase: list[str]


def _place_cohorts(spec: ScaleSpec, anchor: date) -> _Cohorts:
    """Cohort dates relative to the anchor (starting on a Monday), oldest first."""
    plans = tuple(sorted(spec.cohorts, key=lambda p: -p.starts_days_before_anchor))
    start = -np.array([p.starts_days_before_anchor for p in plans])
    start -= (anchor.weekday() + start) % 7
    end = start + np.array([p.length_days for p in plans])
    phase = [
        "finished" if e < 0 else "starting" if s > -STARTING_COHORT_DAYS else "running"
        for s, e in zip(start, end, strict=True)
    ]
    cadence = np.array([p.cadence_days for p in plans])
    return _Cohorts(plans, start, end, cadence, phase)


def _returning_alumni(
    roster: _Roster,
    *,
    mentor: bool,
    region: str,
    start: int,
    limit: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Alumni of finished pairs who join this cohort (each alumnus is asked once)."""
    people = np.arange(roster.size)
    in_region = np.array([region in (GLOBAL, LOCATIONS[i].region) for i in range(len(LOCATIONS))])
    eligible = people[
        (roster.is_mentor[: roster.size] == mentor)
        & (roster.free_from[: roster.size] <= start)
        & ~roster.offered_return[: roster.size]
        & in_region[roster.location[: roster.size]]
    ]
    roster.offered_return[eligible] = True
    returning = eligible[rng.random(len(eligible)) < ALUMNI_RETURN_CHANCE][:limit]
    roster.free_from[returning] = OPEN_END
    return returning


def _staff_cohort(
    roster: _Roster, plan: CohortPlan, start: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Mentor and mentee of each of the cohort's pairs: (mentor, mentee) roster indices.

    Returning alumni fill some places first (never both sides of one pair, so no pair repeats),
    a few new mentors take two mentees, and everyone else is enrolled for this cohort. Every
    pair crosses departments.
    """
    n = plan.pairs
    cap = int(n * ALUMNI_RETURN_CAP)
    alumni_mentees = _returning_alumni(
        roster, mentor=False, region=plan.region, start=start, limit=cap, rng=rng
    )
    alumni_mentors = _returning_alumni(
        roster, mentor=True, region=plan.region, start=start, limit=cap, rng=rng
    )
    slots = rng.permutation(n)
    mentee = np.full(n, -1)
    mentor = np.full(n, -1)
    mentee[slots[: len(alumni_mentees)]] = alumni_mentees
    taken = len(alumni_mentees)
    mentor[slots[taken : taken + len(alumni_mentors)]] = alumni_mentors
    taken += len(alumni_mentors)
    doubles = int(n * DOUBLE_MENTOR_SHARE / 2)
    first_of_double = slots[taken : taken + doubles]
    second_of_double = slots[taken + doubles : taken + 2 * doubles]
    joined = start - _uniform_int(rng, 14, 60, n)

    new_mentor_slots = np.setdiff1d(np.flatnonzero(mentor < 0), second_of_double)
    department = _department_choice(len(new_mentor_slots), rng)
    known_mentee = mentee[new_mentor_slots] >= 0
    department[known_mentee] = _other_department(
        department[known_mentee], roster.department[mentee[new_mentor_slots[known_mentee]]], rng
    )
    mentor[new_mentor_slots] = roster.enrol(
        mentor=True,
        department=department,
        location=_location_choice(plan.region, len(new_mentor_slots), rng),
        joined=joined[new_mentor_slots],
    )
    mentor[second_of_double] = mentor[first_of_double]
    roster.capacity[mentor[first_of_double]] = 2
    singles = mentor[np.setdiff1d(new_mentor_slots, first_of_double)]
    roster.capacity[singles] = np.where(rng.random(len(singles)) < 0.1, 2, 1)

    new_mentee_slots = np.flatnonzero(mentee < 0)
    mentee[new_mentee_slots] = roster.enrol(
        mentor=False,
        department=_other_department(
            _department_choice(len(new_mentee_slots), rng),
            roster.department[mentor[new_mentee_slots]],
            rng,
        ),
        location=_location_choice(plan.region, len(new_mentee_slots), rng),
        joined=joined[new_mentee_slots],
    )
    return mentor, mentee


def _pair_dates(
    outcome: np.ndarray, start: int, end: int, anchor: date, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(started, ended) offsets of a cohort's pairs, on weekdays; ended is OPEN_END while open.

    Pairs kick off in the cohort's first two weeks, except those not met yet, which started in
    the last few days; completed pairs end with the cohort, others part early.
    """
    n = len(outcome)
    started = start + _uniform_int(rng, 0, 10, n)
    started = np.where(outcome == NOT_MET_YET, -_uniform_int(rng, 1, 5, n), started)
    started = np.minimum(_on_weekday(started, anchor, -1), -1)
    ended = np.full(n, OPEN_END)
    completed = outcome == COMPLETED
    ended[completed] = np.minimum(end + _uniform_int(rng, -7, 7, completed.sum()), -1)
    early = outcome == ENDED_EARLY
    stop = np.minimum(end, -7) - started[early]
    earliest = started[early] + np.minimum(30, stop // 2)
    ended[early] = _uniform_int(
        rng, earliest, np.maximum(earliest, started[early] + stop), early.sum()
    )
    closed = ended < OPEN_END
    ended[closed] = np.maximum(_on_weekday(ended[closed], anchor, -1), started[closed] + 1)
    return started, ended


def _build_pairs(
    spec: ScaleSpec, cohorts: _Cohorts, anchor: date, rng: np.random.Generator
) -> tuple[pd.DataFrame, _Roster]:
    """Every pair with its people, outcome, dates and cadence; the roster of everyone paired.

    Cohorts are staffed oldest first, so people whose pair completed can return in a later one.
    """
    roster = _Roster(2 * sum(p.pairs for p in cohorts.plans) + spec.unmatched_people)
    parts = []
    for index, plan in enumerate(cohorts.plans):
        start, end = int(cohorts.start[index]), int(cohorts.end[index])
        outcome = _allocate(plan.pairs, OUTCOME_MIX[cohorts.phase[index]], rng)
        mentor, mentee = _staff_cohort(roster, plan, start, rng)
        started, ended = _pair_dates(outcome, start, end, anchor, rng)
        completed = outcome == COMPLETED
        roster.free_from[mentor[completed]] = ended[completed] + 14
        roster.free_from[mentee[completed]] = ended[completed] + 14

        custom = rng.random(plan.pairs) < CUSTOM_CADENCE_SHARE
        alternatives = (7, 30) if plan.cadence_days == 14 else (14,)
        custom_cadence = np.where(custom, rng.choice(alternatives, size=plan.pairs), 0)
        parts.append(
            pd.DataFrame(
                {
                    "cohort": index,
                    "mentor": mentor,
                    "mentee": mentee,
                    "outcome": outcome,
                    "started": started,
                    "ended": ended,
                    "custom_cadence": custom_cadence,
                    "cadence": np.where(custom, custom_cadence, plan.cadence_days),
                }
            )
        )
    pairs = pd.concat(parts, ignore_index=True)
    return pairs.sort_values(["started", "cohort"], kind="stable", ignore_index=True), roster


def _enrol_unmatched(
    spec: ScaleSpec, cohorts: _Cohorts, roster: _Roster, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """People waiting for a match in the newest running cohorts' pools: (people, cohort index)."""
    running = np.array([i for i, phase in enumerate(cohorts.phase) if phase == "running"])
    newest = running[cohorts.start[running] == cohorts.start[running].max()]
    sizes = np.array([cohorts.plans[i].pairs for i in newest], dtype=float)
    cohort = np.sort(rng.choice(newest, size=spec.unmatched_people, p=sizes / sizes.sum()))
    is_mentor = rng.random(spec.unmatched_people) < 0.55
    people = np.empty(spec.unmatched_people, dtype=np.int64)
    for pool in newest:
        for mentor in (True, False):
            members = np.flatnonzero((cohort == pool) & (is_mentor == mentor))
            people[members] = roster.enrol(
                mentor=mentor,
                department=_department_choice(len(members), rng),
                location=_location_choice(cohorts.plans[pool].region, len(members), rng),
                joined=-_uniform_int(rng, 5, 70, len(members)),
            )
    return people, cohort


def _leaving_dates(pairs: pd.DataFrame, roster: _Roster, rng: np.random.Generator) -> np.ndarray:
    """`left_on` offsets (OPEN_END = still enrolled): leavers go within a month of their last
    pair closing (the day it closed, if it ended early)."""
    size = roster.size
    open_pair = np.isin(pairs["outcome"].to_numpy(), (COMPLETED, ENDED_EARLY), invert=True)
    history = pd.DataFrame(
        {
            "person": np.concatenate([pairs["mentor"], pairs["mentee"]]),
            "started": np.tile(pairs["started"].to_numpy(), 2),
            "outcome": np.tile(pairs["outcome"].to_numpy(), 2),
            "open": np.tile(open_pair, 2).astype(np.int64),
            "closed_on": np.tile(np.where(open_pair, -OPEN_END, pairs["ended"].to_numpy()), 2),
        }
    )
    person = (
        history.sort_values(["person", "started"], kind="stable")
        .groupby("person")
        .agg(
            has_open=("open", "max"),
            last_end=("closed_on", "max"),
            last_outcome=("outcome", "last"),
        )
        .reindex(np.arange(size), fill_value=-1)
    )
    has_open = person["has_open"].to_numpy() == 1
    last_end = person["last_end"].to_numpy()
    last_outcome = person["last_outcome"].to_numpy()
    chance = np.select(
        [
            last_outcome < 0,
            last_end < -LONG_GONE_DAYS,
            last_outcome == COMPLETED,
            last_outcome == ENDED_EARLY,
        ],
        [0.0, LONG_GONE_LEAVES_CHANCE, GRADUATE_LEAVES_CHANCE, ENDED_EARLY_LEAVES_CHANCE],
        default=0.0,
    )
    leaves = ~has_open & (rng.random(size) < chance)
    delay = np.where(last_outcome == ENDED_EARLY, 0, _uniform_int(rng, 0, 30, size))
    return np.where(leaves, np.minimum(last_end + delay, 0), OPEN_END)


def _skill_masks(
    pairs: pd.DataFrame, roster: _Roster, cohorts: _Cohorts, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Skill bitmasks (offered, wanted) per person and each mentee's top wanted skill.

    Mentees' top wish leans to their cohort's focus; most mentors offer what their mentee wants.
    """
    size = roster.size
    skill_count = len(SKILLS)
    wanted_weights = WANTED_SKILL_WEIGHTS / WANTED_SKILL_WEIGHTS.sum()
    top = rng.choice(skill_count, size=size, p=wanted_weights)
    focus_of_mentee = np.full(size, -1)
    cohort_focus = np.array([CATEGORIES.index(p.focus_area) for p in cohorts.plans])
    focus_of_mentee[pairs["mentee"].to_numpy()] = cohort_focus[pairs["cohort"].to_numpy()]
    leans = (focus_of_mentee >= 0) & (rng.random(size) < 0.4)
    for category, name in enumerate(CATEGORIES):
        skills = [skill for skill, (_s, of) in enumerate(SKILLS) if of == name]
        members = np.flatnonzero(leans & (focus_of_mentee == category))
        top[members] = rng.choice(skills, size=len(members))

    def random_masks(low: int, high: int, weights: np.ndarray) -> np.ndarray:
        draws = np.stack(
            [rng.choice(skill_count, size=size, p=weights) for _ in range(high)], axis=1
        )
        keep = np.arange(high) < _uniform_int(rng, low, high, size)[:, None]
        return np.bitwise_or.reduce(np.where(keep, 1 << draws, 0), axis=1)

    wanted = random_masks(0, 2, wanted_weights) | (1 << top)
    offered = random_masks(2, 4, np.full(skill_count, 1 / skill_count))
    covers = rng.random(len(pairs)) < 0.8
    mentors = pairs["mentor"].to_numpy()[covers]
    np.bitwise_or.at(offered, mentors, 1 << top[pairs["mentee"].to_numpy()[covers]])
    return offered, wanted, top


def _skill_text(masks: np.ndarray) -> np.ndarray:
    lookup = np.array(
        [
            ";".join(s for bit, (s, _c) in enumerate(SKILLS) if mask >> bit & 1) or None
            for mask in range(1 << len(SKILLS))
        ],
        dtype=object,
    )
    return lookup[masks]


def _participants_frame(
    roster: _Roster,
    left: np.ndarray,
    offered: np.ndarray,
    wanted: np.ndarray,
    anchor: date,
    seed: int,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The participants table, ordered by the day people joined; returns it and each person's id.

    Mentors are junior (levels 1–4, born 22–31 years before the anchor year), mentees senior
    (levels 6–10, born 41–64 years before).
    """
    size = roster.size
    mentor = roster.is_mentor[:size]
    location = roster.location[:size]
    order = np.lexsort((np.arange(size), roster.joined[:size]))
    person_id = np.empty(size, dtype=object)
    person_id[order] = _ids("P", size, 5)
    names, emails = _names_and_emails(location, seed, rng)
    level = np.where(
        mentor,
        rng.choice([1, 2, 3, 4], size=size, p=[0.15, 0.35, 0.35, 0.15]),
        rng.choice([6, 7, 8, 9, 10], size=size, p=[0.2, 0.3, 0.25, 0.15, 0.1]),
    )
    age = np.where(mentor, _uniform_int(rng, 22, 31, size), _uniform_int(rng, 41, 64, size))
    still_enrolled = left >= OPEN_END
    columns = {
        "participant_id": person_id,
        "name": names,
        "email": emails,
        "role": np.where(mentor, "mentor", "mentee").astype(object),
        "department": np.array(DEPARTMENTS, dtype=object)[roster.department[:size]],
        "job_level": _nullable(level, np.zeros(size, dtype=bool)),
        "birth_year": _nullable(anchor.year - age, np.zeros(size, dtype=bool)),
        "location": np.array([loc.city for loc in LOCATIONS], dtype=object)[location],
        "timezone": np.array([loc.timezone for loc in LOCATIONS], dtype=object)[location],
        "skills_offered": np.where(mentor, _skill_text(offered), None),
        "skills_wanted": np.where(mentor, None, _skill_text(wanted)),
        "capacity": np.where(mentor, roster.capacity[:size], 1),
        "joined_on": _dates(roster.joined[:size], anchor),
        "left_on": _dates(left, anchor, missing=still_enrolled),
    }
    frame = _frame("participants", columns).iloc[order].reset_index(drop=True)
    return frame, person_id
