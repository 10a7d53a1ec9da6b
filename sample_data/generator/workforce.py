"""The organisation around the program: employees (participants and ≈ 10× as many colleagues;
250,000 at `enterprise`) and their promotions, drawn from their own random stream so the program's
other tables stay exactly as they are.

Leaving and promotion are constant hazards (memoryless), so the participants' known effect is a
constant: from their first pair's start on, participants leave at `PARTICIPANT_LEAVING` a year
instead of `LEAVING` and are promoted at `PARTICIPANT_PROMOTION` instead of `PROMOTION`; the
12-month differences this makes are `RETENTION_EFFECT` and `PROMOTION_EFFECT`.
"""

import math
from datetime import date

import numpy as np
import pandas as pd

from sample_data.generator.common import _dates, _frame, _ids, _nullable
from sample_data.generator.plan import DEPARTMENTS, LOCATIONS

#: Yearly hazards of leaving and of being promoted; participants' after their start.
LEAVING = 0.15
PARTICIPANT_LEAVING = 0.08
PROMOTION = 0.10
PARTICIPANT_PROMOTION = 0.16


def _retained(leaving: float) -> float:
    return math.exp(-leaving)


def _promoted(promotion: float, leaving: float) -> float:
    """Chance of a promotion within a year while employed (promotion stops on leaving)."""
    total = promotion + leaving
    return promotion / total * (1 - math.exp(-total))


#: What taking part adds to the chance of staying 12 months, and of a promotion within them.
RETENTION_EFFECT = _retained(PARTICIPANT_LEAVING) - _retained(LEAVING)
PROMOTION_EFFECT = _promoted(PARTICIPANT_PROMOTION, PARTICIPANT_LEAVING) - _promoted(
    PROMOTION, LEAVING
)
#: Colleagues per participant, and the whole workforce at `enterprise`.
COLLEAGUES_PER_PARTICIPANT = 10
ENTERPRISE_WORKFORCE = 250_000
#: Hiring dates reach this many years before the anchor.
HISTORY_YEARS = 15


def _days(values: pd.Series, anchor: date) -> np.ndarray:
    stamps = pd.to_datetime(values.astype(object), errors="coerce")
    return ((stamps - pd.Timestamp(anchor)) / pd.Timedelta(days=1)).to_numpy(
        dtype=float, na_value=np.nan
    )


def workforce(
    participants: pd.DataFrame,
    pairs: pd.DataFrame,
    anchor: date,
    rng: np.random.Generator,
    *,
    enterprise: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The employees and promotions tables, and `participants` with `employee_id` filled in
    (every fifth participant is left to link by e-mail). Day offsets are from `anchor`."""
    count = len(participants)
    total = ENTERPRISE_WORKFORCE if enterprise else count * (COLLEAGUES_PER_PARTICIPANT + 1)
    others = total - count
    # participants: start = their first pair, else the day they enrolled
    firsts = (
        pd.concat(
            [
                pairs[["mentor_id", "started_on"]].rename(columns={"mentor_id": "participant_id"}),
                pairs[["mentee_id", "started_on"]].rename(columns={"mentee_id": "participant_id"}),
            ]
        )
        .groupby("participant_id")["started_on"]
        .min()
    )
    start = _days(participants["participant_id"].map(firsts), anchor)
    joined = _days(participants["joined_on"], anchor)
    start = np.where(np.isnan(start), joined, start)
    start = np.where(np.isnan(start), 0.0, start)
    level_p = participants["job_level"].to_numpy(dtype=float, na_value=5).astype(np.int64)
    birth_p = participants["birth_year"].to_numpy(dtype=float, na_value=1980).astype(np.int64)
    age_at_start = anchor.year + start / 365.25 - birth_p
    longest = np.clip(age_at_start - 21, 1, 25) * 365.25
    hired_p = start - rng.uniform(0.02, 1, count) * longest
    hired_p = np.minimum(start - 30, np.floor(hired_p))

    # colleagues: spread over the departments, levels, generations and offices
    department_o = rng.integers(0, len(DEPARTMENTS), others)
    level_o = rng.choice(np.arange(1, 11), size=others, p=_level_weights())
    age_o = np.clip(22 + 3.2 * (level_o - 1) + rng.normal(0, 5, others), 20, 66).astype(np.int64)
    weights = np.array([loc.weight for loc in LOCATIONS], dtype=float)
    location_o = rng.choice(len(LOCATIONS), size=others, p=weights / weights.sum())
    hired_o = -np.floor(rng.uniform(0, HISTORY_YEARS * 365.25, others))

    hired = np.concatenate([hired_p, hired_o])
    is_participant = np.r_[np.ones(count, bool), np.zeros(others, bool)]
    pivot = np.concatenate([start, np.full(others, np.inf)])  # when the lower hazards begin
    # leaving: participants are employed on their start and leave at their lower rate after it
    leave_years = np.where(
        is_participant,
        rng.exponential(1 / PARTICIPANT_LEAVING, total),
        rng.exponential(1 / LEAVING, total),
    )
    left = np.floor(np.where(is_participant, pivot, hired) + leave_years * 365.25) + 1
    gone = left <= 0
    end = np.where(gone, left, 0.0)
    # promotions: a Poisson process while employed, faster for participants after their start
    before = np.clip(np.minimum(pivot, end) - hired, 0, None) / 365.25
    after = np.clip(end - np.maximum(pivot, hired), 0, None) / 365.25
    after = np.where(is_participant, after, 0.0)
    n_before = rng.poisson(PROMOTION * before)
    n_after = rng.poisson(PARTICIPANT_PROMOTION * after)
    who = np.concatenate(
        [np.repeat(np.arange(total), n_before), np.repeat(np.arange(total), n_after)]
    )
    low = np.concatenate([np.repeat(hired, n_before), np.repeat(np.maximum(pivot, hired), n_after)])
    high = np.concatenate([np.repeat(np.minimum(pivot, end), n_before), np.repeat(end, n_after)])
    day = np.floor(low + rng.uniform(0, 1, len(who)) * (high - low)) + 1
    day = np.minimum(day, np.minimum(end[who], 0))
    order = np.lexsort((day, who))
    who, day = who[order], day[order]
    rank = np.arange(len(who)) - np.searchsorted(who, who)  # 0 for each one's first promotion

    employee_id = np.array(_ids("E", total, 6), dtype=object)
    level = np.concatenate([level_p, level_o])
    cities = np.array([loc.city for loc in LOCATIONS], dtype=object)
    employees = pd.DataFrame(
        {
            "employee_id": employee_id,
            "email": np.concatenate(
                [participants["email"].to_numpy(dtype=object), np.full(others, None, object)]
            ),
            "department": np.concatenate(
                [
                    participants["department"].to_numpy(dtype=object),
                    np.array(DEPARTMENTS, dtype=object)[department_o],
                ]
            ),
            "job_level": _nullable(level, np.zeros(total, bool)),
            "birth_year": _nullable(
                np.concatenate([birth_p, anchor.year - age_o]), np.zeros(total, bool)
            ),
            "location": np.concatenate(
                [participants["location"].to_numpy(dtype=object), cities[location_o]]
            ),
            "hired_on": _dates(hired.astype(np.int64), anchor),
            "left_on": _dates(np.where(gone, left, 0).astype(np.int64), anchor, missing=~gone),
        }
    )
    promotions = pd.DataFrame(
        {
            "promotion_id": np.array(_ids("PM", len(who), 6), dtype=object),
            "employee_id": employee_id[who],
            "promoted_on": _dates(day.astype(np.int64), anchor),
            "new_job_level": _nullable(
                np.minimum(level[who] + rank + 1, 10), np.zeros(len(who), bool)
            ),
        }
    )
    linked = participants.copy()
    by_email = np.arange(count) % 5 == 4
    linked["employee_id"] = np.where(by_email, None, employee_id[:count])
    return _frame("employees", employees), _frame("promotions", promotions), linked


def _level_weights() -> np.ndarray:
    weights = np.array([14, 16, 15, 13, 11, 9, 8, 6, 5, 3], dtype=float)
    return weights / weights.sum()
