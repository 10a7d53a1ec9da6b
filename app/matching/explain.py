"""Explanations: why each proposed pair scores what it does, why a person is left without a
partner or no pair is allowed at all, and the health band a match score predicts."""

import numpy as np

from app.formats import plural
from app.health import AT_RISK, HEALTHY, WATCH, HealthSettings
from app.matching.scoring import (
    ALLOWED,
    DEPARTMENT,
    FORBIDDEN,
    LEVEL,
    NO_PLACE,
    REPEAT,
    TIMEZONE,
    ScoreMatrix,
    _same_key,
    clock_difference_hours,
    on_focus,
    split_list,
)

#: What a count of ruled-out mentors (for a mentee) or mentees (for a mentor) is, per reason.
_RULED_OUT = {
    LEVEL: ("at the same or a higher job level", "at the same or a lower job level"),
    DEPARTMENT: ("in the same department", "in the same department"),
    REPEAT: ("paired before", "paired before"),
    TIMEZONE: ("time zones too far apart", "time zones too far apart"),
    FORBIDDEN: ("forbidden by hand", "forbidden by hand"),
    NO_PLACE: ("without a free place", "without a free place"),
}
#: The sentence when one reason rules out everyone: {partner} is "mentor" or "mentee".
_EVERYONE = {
    LEVEL: (
        "every mentor is at the same or a higher job level",
        "every mentee is at the same or a lower job level",
    ),
    DEPARTMENT: (
        "every mentor is in the same department",
        "every mentee is in the same department",
    ),
    REPEAT: (
        "every mentor was paired with them before",
        "every mentee was paired with them before",
    ),
    TIMEZONE: (
        "every mentor's time zone is too far apart",
        "every mentee's time zone is too far apart",
    ),
    FORBIDDEN: (
        "every pair with them is forbidden by hand",
        "every pair with them is forbidden by hand",
    ),
    NO_PLACE: ("no mentor has a free place", "no mentor has a free place"),
}
#: The sentence when one reason rules out every candidate pair of the pool.
_NOBODY = {
    LEVEL: "every mentor is at the same or a higher job level than every mentee",
    DEPARTMENT: "every mentor is in the same department as every mentee",
    REPEAT: "every mentor has been paired with every mentee before",
    TIMEZONE: "every mentor's time zone is too far from every mentee's",
    FORBIDDEN: "every pair is forbidden by hand",
    NO_PLACE: "no mentor has a free place",
}
NEEDED_ELSEWHERE_MENTEE = "all allowed mentors were needed for others"
NEEDED_ELSEWHERE_MENTOR = "all allowed mentees were paired with other mentors"


def predicted_band(score: float | np.ndarray, *, health: HealthSettings | None = None):
    """A *prediction* of the health band from the match score alone: the health score's own
    lines (Healthy ≥ 70, Watch ≥ 40, else At risk) applied to the 0–100 match score. The data
    hold no evidence yet that a good match meets more often; treat it as a hint."""
    health = health or HealthSettings()
    bands = np.select(
        [np.asarray(score) >= health.healthy_from, np.asarray(score) >= health.watch_from],
        [HEALTHY, WATCH],
        default=AT_RISK,
    )
    return str(bands) if np.ndim(bands) == 0 else bands


def _blocked_summary(codes: np.ndarray, side: int) -> str:
    """Why none of a person's candidates is allowed: one sentence when a single reason rules
    them all out, else a count per reason. `side` 0 explains a mentee, 1 a mentor."""
    counts = np.bincount(codes, minlength=NO_PLACE + 1)
    present = [code for code in _RULED_OUT if counts[code]]
    if len(present) == 1:
        return _EVERYONE[present[0]][side]
    return ", ".join(f"{counts[code]} {_RULED_OUT[code][side]}" for code in present)


def _no_partner_reasons(blocked_rows: np.ndarray, side: int) -> list[str]:
    """A reason per person (row of first-broken-constraint codes against their candidates)."""
    partner, fallback = [
        ("mentor", NEEDED_ELSEWHERE_MENTEE),
        ("mentee", NEEDED_ELSEWHERE_MENTOR),
    ][side]
    reasons = []
    for codes in blocked_rows:
        if (codes == ALLOWED).any():
            reasons.append(fallback)
        else:
            reasons.append(f"no allowed {partner}: " + _blocked_summary(codes, side))
    return reasons


def pair_reasons(matrix: ScoreMatrix, rows: np.ndarray, cols: np.ndarray) -> list[str]:
    """Why each listed pair scores what it does, one text per pair: the weighted criteria in
    the order of `CRITERIA`, then notes on unknown job levels or departments the constraints let
    through. E.g. "skills: 2 of 3 wanted (python; sql); 3 generations apart; different
    location"."""
    weights = matrix.settings.weights
    e, m = matrix.mentees, matrix.mentors
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    hours = clock_difference_hours(e.utc_offset[rows], m.utc_offset[cols])
    gaps = np.abs(e.generation[rows] - m.generation[cols])
    same_place, place_known = _same_key(e.location[rows], m.location[cols])
    texts = []
    for k, (row, col) in enumerate(zip(rows, cols, strict=True)):
        parts = []
        wanted, offered = e.skills[row], {s.casefold() for s in m.skills[col]}
        shared = [s for s in wanted if s.casefold() in offered]
        if weights["skills"] > 0:
            if wanted:
                listed = f" ({'; '.join(shared)})" if shared else ""
                parts.append(f"skills: {len(shared)} of {len(wanted)} wanted{listed}")
            else:
                parts.append("skills: mentee wants none listed")
        if weights["generation"] > 0:
            if np.isnan(gaps[k]):
                parts.append("generation unknown")
            elif gaps[k] == 0:
                parts.append("same generation")
            else:
                parts.append(f"{plural(int(gaps[k]), 'generation')} apart")
        if weights["location"] > 0:
            if not place_known[k]:
                parts.append("location unknown")
            else:
                parts.append("same location" if same_place[k] else "different location")
        if weights["timezone"] > 0:
            if np.isnan(hours[k]):
                parts.append("time zone unknown")
            elif hours[k] == 0:
                parts.append("same time zone")
            else:
                parts.append(f"time zones {hours[k]:g} h apart")
        if weights["focus"] > 0 and split_list(matrix.focus_area):
            on_area = [s for s in shared if on_focus(s, matrix.focus_area)]
            offers = [s for s in m.skills[col] if on_focus(s, matrix.focus_area)]
            if on_area:
                parts.append(f"focus: both on {'; '.join(on_area)}")
            elif offers:
                parts.append(f"focus: mentor offers {'; '.join(offers)}")
            else:
                parts.append("focus: nothing on the cohort's focus area")
        if matrix.settings.mentor_junior and (np.isnan(e.level[row]) or np.isnan(m.level[col])):
            parts.append("job level unknown (allowed)")
        if matrix.settings.different_department and (
            e.department[row] is None or m.department[col] is None
        ):
            parts.append("department unknown (allowed)")
        texts.append("; ".join(parts))
    return texts


def _no_pair_sentence(matrix: ScoreMatrix) -> str:
    """Why no candidate pair of the whole pool is allowed."""
    if not (matrix.capacity > 0).any():
        return _EVERYONE[NO_PLACE][0]
    codes = matrix.blocked[:, matrix.capacity > 0].ravel()
    counts = np.bincount(codes, minlength=NO_PLACE + 1)
    present = [code for code in _RULED_OUT if counts[code]]
    if len(present) == 1:
        return _NOBODY[present[0]]
    return (
        "every candidate pair breaks a rule ("
        + ", ".join(
            f"{plural(int(counts[code]), 'pair')} {_RULED_OUT[code][0]}" for code in present
        )
        + ")"
    )
