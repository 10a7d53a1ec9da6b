"""The whole program: every stage in order, into the six tables of the import format."""

from datetime import date

import numpy as np
import pandas as pd

from sample_data.generator.common import (
    _dates,
    _frame,
    _ids,
    _nullable,
    _rng,
    _season,
    default_anchor,
)
from sample_data.generator.people import (
    _build_pairs,
    _Cohorts,
    _enrol_unmatched,
    _leaving_dates,
    _participants_frame,
    _place_cohorts,
    _skill_masks,
)
from sample_data.generator.plan import CATEGORIES, OPEN_END, OUTCOME_STATUS, SCALES, SKILL_CATEGORY
from sample_data.generator.surveys import _pair_answers, _surveys_frame, _waiting_answers
from sample_data.generator.timelines import _goals_frame, _meetings_frame, _pair_timelines
from sample_data.generator.workforce import workforce

STAGE_PAIRS, STAGE_PEOPLE, STAGE_TIMELINES, STAGE_MEETINGS, STAGE_GOALS, STAGE_SURVEYS = range(6)
STAGE_CHECK_INS = 6
#: The workforce's own stream, far from the others.
STAGE_WORKFORCE = 20
#: The share of meetings and answers of the last CHECK_IN_DAYS that came through check-in links.
CHECK_IN_SHARE = 0.35
CHECK_IN_DAYS = 90


def _check_ins(frame: pd.DataFrame, day_column: str, anchor: date, rng) -> pd.DataFrame:
    """Mark a share of the recent rows as logged through a check-in link (`source`); their own
    random stream, so every other value of the program stays as it was."""
    recent = pd.to_datetime(frame[day_column]) > pd.Timestamp(anchor) - pd.Timedelta(
        days=CHECK_IN_DAYS
    )
    chosen = recent.to_numpy() & (rng.random(len(frame)) < CHECK_IN_SHARE)
    source = np.where(chosen, "checkin", None).astype(object)
    return frame.assign(source=source)


def _cohorts_frame(cohorts: _Cohorts, cohort_id: np.ndarray, anchor: date) -> pd.DataFrame:
    starts = _dates(cohorts.start, anchor)
    columns = {
        "cohort_id": cohort_id,
        "name": [
            plan.name.format(year=start.year, season=_season(start))
            for plan, start in zip(cohorts.plans, starts, strict=True)
        ],
        "start_date": starts,
        "end_date": _dates(cohorts.end, anchor),
        "focus_area": [plan.focus_area for plan in cohorts.plans],
        "target_cadence_days": cohorts.cadence,
    }
    return _frame("cohorts", columns)


def _pairs_frame(
    pairs: pd.DataFrame,
    pair_id: np.ndarray,
    person_id: np.ndarray,
    cohort_id: np.ndarray,
    anchor: date,
) -> pd.DataFrame:
    custom = pairs["custom_cadence"].to_numpy()
    ended = pairs["ended"].to_numpy()
    columns = {
        "pair_id": pair_id,
        "cohort_id": cohort_id[pairs["cohort"].to_numpy()],
        "mentor_id": person_id[pairs["mentor"].to_numpy()],
        "mentee_id": person_id[pairs["mentee"].to_numpy()],
        "started_on": _dates(pairs["started"].to_numpy(), anchor),
        "ended_on": _dates(ended, anchor, missing=ended >= OPEN_END),
        "status": OUTCOME_STATUS[pairs["outcome"].to_numpy()],
        "focus_area": np.array(CATEGORIES, dtype=object)[pairs["focus"].to_numpy()],
        "target_cadence_days": _nullable(custom, custom == 0),
    }
    return _frame("pairs", columns)


def generate_program(
    *, scale: str = "demo", seed: int = 7, anchor: date | None = None
) -> dict[str, pd.DataFrame]:
    """Build a sample program as the import-format tables, with a workforce.

    Returns frames keyed "cohorts", "employees", "promotions", "participants", "pairs",
    "meetings", "goals", "surveys" (the workforce from its own random stream), each
    with exactly its table's columns (the CSV headers of docs/import-format.md) in order. Dates are
    `datetime.date` (None when blank), whole numbers nullable `Int64`, text pandas strings (NaN
    when blank). `anchor` is the program's "today" (default `default_anchor()`); nothing but
    cohort end dates and goal due dates lies after it. The same (scale, seed, anchor) always
    gives identical frames. Raises KeyError for an unknown scale.
    """
    if scale not in SCALES:
        raise KeyError(f"Unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    spec = SCALES[scale]
    anchor = anchor or default_anchor()

    cohorts = _place_cohorts(spec, anchor)
    rng = _rng(seed, STAGE_PAIRS)
    pairs, roster = _build_pairs(spec, cohorts, anchor, rng)
    unmatched = _enrol_unmatched(spec, cohorts, roster, rng)
    left = _leaving_dates(pairs, roster, rng)

    people_rng = _rng(seed, STAGE_PEOPLE)
    offered, wanted, top_wish = _skill_masks(pairs, roster, cohorts, people_rng)
    participants, person_id = _participants_frame(
        roster, left, offered, wanted, anchor, seed, people_rng
    )
    pairs = pairs.assign(focus=SKILL_CATEGORY[top_wish[pairs["mentee"].to_numpy()]])
    pairs = _pair_timelines(pairs, _rng(seed, STAGE_TIMELINES))
    cohort_id = np.array(_ids("C", len(cohorts.plans), 2), dtype=object)
    pair_id = np.array(_ids("PR", len(pairs), 5), dtype=object)

    same_city = roster.location[pairs["mentor"]] == roster.location[pairs["mentee"]]
    meetings, first_meeting = _meetings_frame(
        pairs, pair_id, same_city, anchor, _rng(seed, STAGE_MEETINGS)
    )
    goals = _goals_frame(pairs, pair_id, first_meeting, anchor, _rng(seed, STAGE_GOALS))

    survey_rng = _rng(seed, STAGE_SURVEYS)
    lengths = np.array([plan.length_days for plan in cohorts.plans])[pairs["cohort"]]
    answers = pd.concat(
        [
            _pair_answers(pairs, lengths, survey_rng),
            _waiting_answers(unmatched, roster, survey_rng),
        ],
        ignore_index=True,
    )
    surveys = _surveys_frame(answers, pair_id, person_id, cohort_id, anchor, survey_rng)
    check_in_rng = _rng(seed, STAGE_CHECK_INS)
    surveys = _check_ins(surveys, "submitted_on", anchor, check_in_rng)
    surveys.loc[surveys["kind"].isin(["baseline", "midpoint"]), "source"] = None
    pairs_frame = _pairs_frame(pairs, pair_id, person_id, cohort_id, anchor)
    employees, promotions, participants = workforce(
        participants,
        pairs_frame,
        anchor,
        _rng(seed, STAGE_WORKFORCE),
        enterprise=scale == "enterprise",
    )
    return {
        "cohorts": _cohorts_frame(cohorts, cohort_id, anchor),
        "employees": employees,
        "promotions": promotions,
        "participants": participants,
        "pairs": pairs_frame,
        "meetings": _check_ins(meetings, "held_on", anchor, check_in_rng),
        "goals": goals,
        "surveys": surveys,
    }
