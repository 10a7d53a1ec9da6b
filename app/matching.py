"""What-if pairing (PRODUCT.md §6): score every mentor–mentee candidate pair, propose the best set.

The engine is plain Python (numpy, pandas, scipy); `docs/matching.md` explains every criterion
with worked examples. The steps:

1. `pool_from_program` picks the people to pair from the store's frames: those waiting for a
   match (`mode="unmatched"`) or the people in a cohort's open pairs (`mode="rematch"`).
2. `score_matrix` scores every (mentee, mentor) candidate pair 0–100 — the weighted mean of the
   criteria in `CRITERIA`, each 0..1, where a criterion that cannot be measured for a pair
   (a blank cell) is left out and the others re-weighted — and marks which pairs the hard
   constraints allow. It is vectorised: no Python loop runs over pairs.
3. `propose_pairs` finds, among the allowed pairs, a set that matches the most mentees and,
   among those, has the highest total score (optionally the highest *lowest* score first), with
   each mentor in at most `capacity` pairs and each mentee in at most one. It explains every
   pair and every person left out.
4. `compare` sets proposals and today's pairing side by side.

A pool in which nothing can be proposed (no mentors, no mentees, no allowed pair) raises
`MatchingError` with one plain sentence; so do settings that contradict each other (a locked
pair that is also forbidden, more locked pairs than a mentor's capacity).
"""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from app import metrics
from app.health import AT_RISK, HEALTHY, WATCH, HealthSettings
from app.privacy import GENERATIONS

#: The weighted criteria, in the order reasons list them.
CRITERIA = ("skills", "generation", "location", "timezone", "focus")
DEFAULT_WEIGHTS: dict[str, float] = {
    "skills": 5.0,
    "generation": 2.0,
    "location": 1.0,
    "timezone": 2.0,
    "focus": 3.0,
}
MAX_WEIGHT = 10.0
#: Generation bands apart (see `app.privacy.GENERATIONS`) that earn the full generation score.
FULL_GENERATION_GAP = 3
#: Hours of clock difference at which the time-zone overlap reaches 0.
NO_OVERLAP_HOURS = 12.0
#: People in a pair that is still running hold their place: they are not waiting for a match.
OPEN_STATUSES = ("active", "paused")
MODES = ("unmatched", "rematch")

# Why a candidate pair is not allowed: the first hard constraint it breaks, in this order.
# NO_PLACE marks, in explanations only, mentors with no place at all (capacity 0).
ALLOWED, LEVEL, DEPARTMENT, REPEAT, TIMEZONE, FORBIDDEN, NO_PLACE = range(7)
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


class MatchingError(ValueError):
    """Nothing can be proposed for this pool, or the settings contradict each other."""


# --- Settings -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MatchSettings:
    """Everything that decides a proposal: hard constraints, weights, options, locks.

    - `mentor_junior`: the mentor's `job_level` must be lower than the mentee's (reverse
      mentoring). A pair with either level unknown is allowed, and its reasons say so.
    - `different_department`: mentor and mentee in different departments (unknown = allowed).
    - `no_repeat`: never propose a pair that has been a pair before (any status).
    - `max_timezone_hours`: the largest clock difference allowed (None = no limit; unknown
      time zone = allowed).
    - mentor capacity is always honoured.
    - `weights`: 0–10 per criterion of `CRITERIA`; a criterion weighted 0 is ignored.
    - `protect_weakest`: raise the lowest score as far as possible first, then the total.
    - `keep_existing`: in a re-match, count `keep_existing_bonus` extra points in favour of
      keeping each current pair (the bonus steers the choice; reported scores never include it).
    - `locked`: (mentor_id, mentee_id) pairs forced in, whatever the constraints say.
    - `forbidden`: (mentor_id, mentee_id) pairs never proposed.
    """

    mentor_junior: bool = True
    different_department: bool = True
    no_repeat: bool = True
    max_timezone_hours: float | None = None
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    protect_weakest: bool = False
    keep_existing: bool = False
    keep_existing_bonus: float = 10.0
    locked: tuple[tuple[str, str], ...] = ()
    forbidden: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        unknown = sorted(set(self.weights) - set(CRITERIA))
        if unknown:
            raise MatchingError(
                f"Unknown criterion {', '.join(unknown)}; choose from {', '.join(CRITERIA)}."
            )
        for name, weight in self.weights.items():
            if not 0 <= weight <= MAX_WEIGHT:
                raise MatchingError(f"The weight of {name} must be between 0 and 10, not {weight}.")
        if self.max_timezone_hours is not None and self.max_timezone_hours < 0:
            raise MatchingError("The maximum time-zone difference cannot be negative.")
        if self.keep_existing_bonus < 0:
            raise MatchingError("The bonus for keeping existing pairs cannot be negative.")
        object.__setattr__(self, "weights", {c: float(self.weights.get(c, 0.0)) for c in CRITERIA})
        object.__setattr__(self, "locked", tuple((str(a), str(b)) for a, b in self.locked))
        object.__setattr__(self, "forbidden", tuple((str(a), str(b)) for a, b in self.forbidden))

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON-ready values (pairs as two-item lists)."""
        values = asdict(self)
        values["weights"] = dict(self.weights)
        values["locked"] = [list(pair) for pair in self.locked]
        values["forbidden"] = [list(pair) for pair in self.forbidden]
        return values

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> "MatchSettings":
        """Settings from `to_dict`'s output; missing keys take their defaults."""
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        for key in ("locked", "forbidden"):
            if key in known:
                known[key] = tuple(tuple(pair) for pair in known[key])
        return cls(**known)


# --- People, normalised once ----------------------------------------------------------------------
def split_list(cell: object) -> list[str]:
    """The items of a `;`-separated cell, trimmed, blanks dropped, in order (first of duplicates
    kept, compared case-insensitively)."""
    if not isinstance(cell, str):
        return []
    items, seen = [], set()
    for item in cell.split(";"):
        item = item.strip()
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            items.append(item)
    return items


def _text_key(values: pd.Series) -> np.ndarray:
    """Trimmed, case-folded text per person; None when blank (compared as unknown)."""
    keys = values.astype(object).where(values.notna(), None)
    return np.array(
        [v.strip().casefold() or None if isinstance(v, str) else None for v in keys], dtype=object
    )


def _numbers(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)


def generation_index(birth_years: np.ndarray) -> np.ndarray:
    """The generation band of each birth year as 0, 1, 2, 3 (Baby Boomers … Gen Z, the bands of
    `app.privacy.GENERATIONS`); NaN when unknown or outside the bands."""
    index = np.full(len(birth_years), np.nan)
    for band, (first, last, _name) in enumerate(GENERATIONS):
        index[(birth_years >= first) & (birth_years <= last)] = band
    return index


def utc_offset_hours(timezones: pd.Series, *, as_of: date) -> np.ndarray:
    """Each IANA time zone's UTC offset in hours at noon UTC on `as_of` (daylight saving as it
    stands that day); NaN for a blank or unknown name."""
    moment = datetime(as_of.year, as_of.month, as_of.day, 12, tzinfo=UTC)
    offsets: dict[str, float] = {}
    for name in timezones.dropna().unique():
        try:
            offset = moment.astimezone(ZoneInfo(str(name).strip())).utcoffset()
        except (ZoneInfoNotFoundError, ValueError):
            continue
        if offset is not None:
            offsets[name] = offset.total_seconds() / 3600.0
    return timezones.map(offsets).to_numpy(dtype=float)


def clock_difference_hours(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hours between two UTC offsets on the 24-hour clock (UTC+13 and UTC−11 are 0 h apart).

    Offsets lie between −12 and +14, so two are at most 26 h apart, and 24 − that difference
    (or its absolute value, past 24) is the way round the clock the other side."""
    difference = np.abs(a - b)
    return np.minimum(difference, np.abs(difference.dtype.type(24.0) - difference))


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.casefold()))


def on_focus(skill: str, focus_area: str | None) -> bool:
    """True when `skill` belongs to the cohort's focus area: the words of one of the focus
    area's `;`-separated terms all appear in the skill, or the skill's words all appear in the
    term ("AI" covers "generative AI"; "data analytics" covers "data analytics")."""
    skill_words = _words(skill)
    for term in split_list(focus_area):
        term_words = _words(term)
        if term_words and skill_words and (term_words <= skill_words or skill_words <= term_words):
            return True
    return False


@dataclass(frozen=True)
class _Side:
    """One side of the pool (mentors or mentees), sorted by id, attributes as arrays."""

    frame: pd.DataFrame
    ids: np.ndarray
    names: np.ndarray
    level: np.ndarray
    department: np.ndarray
    location: np.ndarray
    generation: np.ndarray
    birth_year: np.ndarray
    utc_offset: np.ndarray
    skills: list[list[str]]


def _side(people: pd.DataFrame, *, skills_column: str, as_of: date) -> _Side:
    if "participant_id" not in people:
        raise MatchingError("The pool's people need a participant_id column.")
    frame = people.copy()
    for column in ("name", "department", "job_level", "birth_year", "location", "timezone"):
        if column not in frame:
            frame[column] = None
    if skills_column not in frame:
        frame[skills_column] = None
    frame["participant_id"] = frame["participant_id"].astype(str)
    if frame["participant_id"].duplicated().any():
        duplicate = frame.loc[frame["participant_id"].duplicated(), "participant_id"].iloc[0]
        raise MatchingError(f"Participant {duplicate} is in the pool twice.")
    frame = frame.sort_values("participant_id", kind="stable").reset_index(drop=True)
    birth_year = _numbers(frame["birth_year"])
    return _Side(
        frame=frame,
        ids=frame["participant_id"].to_numpy(dtype=object),
        names=frame["name"].fillna("").astype(str).to_numpy(dtype=object),
        level=_numbers(frame["job_level"]),
        department=_text_key(frame["department"]),
        location=_text_key(frame["location"]),
        generation=generation_index(birth_year),
        birth_year=birth_year,
        utc_offset=utc_offset_hours(frame["timezone"], as_of=as_of),
        skills=[split_list(cell) for cell in frame[skills_column]],
    )


def _one_hot(skills: list[list[str]], vocabulary: dict[str, int]) -> np.ndarray:
    matrix = np.zeros((len(skills), len(vocabulary)), dtype=np.float32)
    rows = [i for i, items in enumerate(skills) for _ in items]
    cols = [vocabulary[item.casefold()] for items in skills for item in items]
    matrix[rows, cols] = 1.0
    return matrix


def _codes(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for two arrays of text keys, shared between them; −1 where blank."""
    codes = pd.factorize(np.concatenate([a.ravel(), b.ravel()]), use_na_sentinel=True)[0]
    return codes[: a.size].reshape(a.shape), codes[a.size :].reshape(b.shape)


def _same_key(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(same, known) for text keys broadcast against each other; known = both not blank."""
    code_a, code_b = _codes(a, b)
    known = (code_a >= 0) & (code_b >= 0)
    return known & (code_a == code_b), known


# --- The score matrix -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ScoreMatrix:
    """Every candidate pair of a pool: rows are mentees, columns mentors, both sorted by id.

    `scores` holds 0–100 per pair (float32); `allowed` is True where no hard constraint and no
    forbidden pair rules it out; `blocked` names the first constraint that does (`ALLOWED` = 0,
    then `LEVEL`, `DEPARTMENT`, `REPEAT`, `TIMEZONE`, `FORBIDDEN`). `capacity` is each mentor's
    number of places.
    """

    settings: MatchSettings
    as_of: date
    focus_area: str | None
    mentees: _Side
    mentors: _Side
    capacity: np.ndarray
    scores: np.ndarray
    blocked: np.ndarray
    history: frozenset[tuple[str, str]]

    @property
    def allowed(self) -> np.ndarray:
        """True where the pair may be proposed."""
        return self.blocked == ALLOWED

    @property
    def mentee_ids(self) -> np.ndarray:
        """Mentee ids, in row order."""
        return self.mentees.ids

    @property
    def mentor_ids(self) -> np.ndarray:
        """Mentor ids, in column order."""
        return self.mentors.ids

    def frame(self) -> pd.DataFrame:
        """The scores as a DataFrame: mentees as rows, mentors as columns, disallowed = NaN."""
        return pd.DataFrame(
            np.where(self.allowed, self.scores, np.nan),
            index=pd.Index(self.mentees.ids, name="mentee_id"),
            columns=pd.Index(self.mentors.ids, name="mentor_id"),
        )


def _skill_matrices(
    e: _Side, m: _Side, focus_area: str | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-hot (people × skills) matrices of wanted and offered skills, and which skills are on
    the focus area."""
    vocabulary: dict[str, int] = {}
    for items in (*e.skills, *m.skills):
        for item in items:
            vocabulary.setdefault(item.casefold(), len(vocabulary))
    focus = np.array([on_focus(skill, focus_area) for skill in vocabulary], dtype=bool)
    return _one_hot(e.skills, vocabulary), _one_hot(m.skills, vocabulary), focus


def _criteria(
    e: _Side, m: _Side, *, focus_area: str | None, weights: Mapping[str, float]
) -> Iterable[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """Each weighted criterion as (name, values, known mentees, known mentors): `values` is the
    mentees × mentors float32 matrix of 0..1 values (0 where unknown), and a pair's value is
    known when its mentee and its mentor both are. One matrix at a time, to spare memory."""
    all_e, all_m = np.ones(len(e.ids), dtype=bool), np.ones(len(m.ids), dtype=bool)
    if weights["skills"] > 0 or (weights["focus"] > 0 and split_list(focus_area)):
        wanted, offered, focus = _skill_matrices(e, m, focus_area)
        if weights["skills"] > 0:
            count = wanted.sum(axis=1)
            share = (wanted / np.where(count > 0, count, 1.0)[:, None]).astype(np.float32)
            yield "skills", share @ offered.T, count > 0, all_m
        if weights["focus"] > 0 and split_list(focus_area):
            shared = (wanted[:, focus] @ offered[:, focus].T) > 0
            offers = offered[:, focus].any(axis=1).astype(np.float32) * np.float32(0.5)
            yield "focus", np.where(shared, np.float32(1.0), offers[None, :]), all_e, all_m
    if weights["generation"] > 0:
        known_e, known_m = ~np.isnan(e.generation), ~np.isnan(m.generation)
        gap = np.abs(
            np.nan_to_num(e.generation).astype(np.float32)[:, None]
            - np.nan_to_num(m.generation).astype(np.float32)[None, :]
        )
        np.minimum(gap * np.float32(1.0 / FULL_GENERATION_GAP), np.float32(1.0), out=gap)
        yield "generation", gap, known_e, known_m
    if weights["location"] > 0:
        code_e, code_m = _codes(e.location, m.location)
        different = (code_e[:, None] != code_m[None, :]).astype(np.float32)
        yield "location", different, code_e >= 0, code_m >= 0
    if weights["timezone"] > 0:
        hours = clock_difference_hours(
            np.nan_to_num(e.utc_offset).astype(np.float32)[:, None],
            np.nan_to_num(m.utc_offset).astype(np.float32)[None, :],
        )
        overlap = np.clip(1.0 - hours / np.float32(NO_OVERLAP_HOURS), 0.0, 1.0, out=hours)
        yield "timezone", overlap, ~np.isnan(e.utc_offset), ~np.isnan(m.utc_offset)


def _weighted_score(
    e: _Side, m: _Side, *, focus_area: str | None, weights: Mapping[str, float]
) -> np.ndarray:
    """100 × the weighted mean of each pair's known criteria (float32); 0 where none is known
    or every weight is 0."""
    total = np.zeros((len(e.ids), len(m.ids)), dtype=np.float32)
    weight_known: np.ndarray | float = 0.0
    for name, values, known_e, known_m in _criteria(e, m, focus_area=focus_area, weights=weights):
        weight = np.float32(weights[name])
        if known_e.all() and known_m.all():
            total += weight * values
            weight_known = weight_known + weight
        else:
            known = known_e[:, None] & known_m[None, :]
            total += np.where(known, weight * values, np.float32(0.0))
            weight_known = weight_known + weight * known.astype(np.float32)
    if np.isscalar(weight_known):
        return total * np.float32(100.0 / weight_known) if weight_known else total
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight_known > 0, total * np.float32(100.0) / weight_known, 0.0).astype(
            np.float32
        )


def _pairs_set(pairs: pd.DataFrame | Iterable[tuple[str, str]] | None) -> frozenset:
    if pairs is None:
        return frozenset()
    if isinstance(pairs, pd.DataFrame):
        return frozenset(
            zip(pairs["mentor_id"].astype(str), pairs["mentee_id"].astype(str), strict=True)
        )
    return frozenset((str(a), str(b)) for a, b in pairs)


def _cells(
    pairs: Iterable[tuple[str, str]], mentors: _Side, mentees: _Side
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the listed (mentor_id, mentee_id) pairs; pairs naming someone outside
    the pool are skipped."""
    mentor_at = {pid: i for i, pid in enumerate(mentors.ids)}
    mentee_at = {pid: i for i, pid in enumerate(mentees.ids)}
    cells = [(mentee_at[b], mentor_at[a]) for a, b in pairs if a in mentor_at and b in mentee_at]
    if not cells:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rows, cols = np.array(cells, dtype=np.int64).T
    return rows, cols


def _mark(blocked: np.ndarray, rows: np.ndarray, cols: np.ndarray, code: int) -> None:
    """Set `code` on the listed cells that are still allowed."""
    still = blocked[rows, cols] == ALLOWED
    blocked[rows[still], cols[still]] = code


def score_matrix(
    mentors: pd.DataFrame,
    mentees: pd.DataFrame,
    *,
    settings: MatchSettings | None = None,
    history: pd.DataFrame | Iterable[tuple[str, str]] | None = None,
    focus_area: str | None = None,
    as_of: date | None = None,
) -> ScoreMatrix:
    """Score every (mentee, mentor) pair of the pool and mark which ones are allowed.

    `mentors` and `mentees` carry the participants columns (PRODUCT.md §3; only
    `participant_id` is required, and mentors' `capacity`, default 1, is their number of places).
    `history` lists earlier pairs (a frame with mentor_id and mentee_id, or (mentor, mentee)
    tuples) for the never-repeat rule; `focus_area` is the cohort's, for the focus criterion;
    `as_of` (default today) fixes time-zone offsets. Raises MatchingError when a side is empty.
    """
    settings = settings or MatchSettings()
    as_of = as_of or date.today()
    if len(mentors) == 0:
        raise MatchingError("The pool has no mentors, so no pair can be proposed.")
    if len(mentees) == 0:
        raise MatchingError("The pool has no mentees, so no pair can be proposed.")
    e = _side(mentees, skills_column="skills_wanted", as_of=as_of)
    m = _side(mentors, skills_column="skills_offered", as_of=as_of)
    capacity = (
        pd.to_numeric(m.frame.get("capacity", pd.Series(1, index=m.frame.index)), errors="coerce")
        .fillna(1)
        .clip(lower=0)
        .to_numpy(dtype=np.int64)
    )
    scores = _weighted_score(e, m, focus_area=focus_area, weights=settings.weights)

    blocked = np.zeros((len(e.ids), len(m.ids)), dtype=np.uint8)
    if settings.mentor_junior:
        too_senior = m.level[None, :] >= e.level[:, None]  # NaN compares False: unknown allowed
        blocked[too_senior] = LEVEL
    if settings.different_department:
        same, _known = _same_key(e.department[:, None], m.department[None, :])
        blocked[same & (blocked == ALLOWED)] = DEPARTMENT
    earlier = _pairs_set(history)
    if settings.no_repeat:
        _mark(blocked, *_cells(earlier, m, e), REPEAT)
    if settings.max_timezone_hours is not None:
        hours = clock_difference_hours(
            e.utc_offset.astype(np.float32)[:, None], m.utc_offset.astype(np.float32)[None, :]
        )
        blocked[(hours > settings.max_timezone_hours + 1e-9) & (blocked == ALLOWED)] = TIMEZONE
    _mark(blocked, *_cells(settings.forbidden, m, e), FORBIDDEN)
    return ScoreMatrix(
        settings=settings,
        as_of=as_of,
        focus_area=focus_area,
        mentees=e,
        mentors=m,
        capacity=capacity,
        scores=scores,
        blocked=blocked,
        history=earlier,
    )


# --- The proposal ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProposalFigures:
    """The headline figures of a proposal."""

    mentees: int
    matched: int
    coverage: float
    total_score: float
    mean_score: float
    minimum_score: float
    predicted_band: str


@dataclass(frozen=True)
class Proposal:
    """A proposed pairing.

    `pairs`: mentor_id, mentor_name, mentee_id, mentee_name, score (0–100, one decimal),
    predicted_band, locked, kept (a current pair kept in a re-match), reasons — sorted by mentee.
    `unmatched_mentees`: mentee_id, mentee_name, reason. `unused_mentors`: mentor_id,
    mentor_name, free_places, reason — every mentor with a place left.
    """

    pairs: pd.DataFrame
    unmatched_mentees: pd.DataFrame
    unused_mentors: pd.DataFrame
    figures: ProposalFigures
    settings: MatchSettings


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


def _locked_cells(matrix: ScoreMatrix) -> list[tuple[int, int]]:
    """The locked pairs as (row, column), checked against the pool and each other."""
    settings = matrix.settings
    mentor_at = {pid: i for i, pid in enumerate(matrix.mentor_ids)}
    mentee_at = {pid: i for i, pid in enumerate(matrix.mentee_ids)}
    cells, seen_mentees = [], set()
    for mentor_id, mentee_id in settings.locked:
        if mentor_id not in mentor_at:
            raise MatchingError(
                f"Locked pair {mentor_id}–{mentee_id}: {mentor_id} is not a mentor in this pool."
            )
        if mentee_id not in mentee_at:
            raise MatchingError(
                f"Locked pair {mentor_id}–{mentee_id}: {mentee_id} is not a mentee in this pool."
            )
        if (mentor_id, mentee_id) in set(settings.forbidden):
            raise MatchingError(f"Pair {mentor_id}–{mentee_id} is both locked and forbidden.")
        if mentee_id in seen_mentees:
            raise MatchingError(f"Mentee {mentee_id} is locked to more than one mentor.")
        seen_mentees.add(mentee_id)
        cells.append((mentee_at[mentee_id], mentor_at[mentor_id]))
    used = np.bincount([c for _, c in cells], minlength=len(matrix.mentor_ids))
    over = np.flatnonzero(used > matrix.capacity)
    if over.size:
        mentor = matrix.mentor_ids[over[0]]
        raise MatchingError(
            f"Mentor {mentor} is locked into {used[over[0]]} pairs but has "
            f"{matrix.capacity[over[0]]} place(s)."
        )
    return cells


def _assign(objective: np.ndarray, usable: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Rows matched to mentors (−1 = none): the most rows first, then the highest objective.

    `slots` repeats each mentor column once per free place. A usable cell costs
    top − objective (top = the highest objective, so costs are ≥ 0) and any other cell costs
    BIG, more than any sum of usable costs: every extra usable pair lowers the total cost more
    than any choice of partners can, so the solver maximises the number of usable pairs first
    and, among those, the total objective. Assignments to cells that are not usable (the solver
    fills a rectangle) are dropped afterwards.
    """
    n_rows = objective.shape[0]
    assigned = np.full(n_rows, -1, dtype=np.int64)
    if n_rows == 0 or slots.size == 0:
        return assigned
    if not np.array_equal(slots, np.arange(objective.shape[1])):
        objective, usable = objective[:, slots], usable[:, slots]
    top = float(objective.max(initial=0.0))
    big = float(min(n_rows, slots.size)) * (top + 1.0) + 1.0
    cost = np.where(usable, top - objective.astype(np.float64), big)
    if cost.shape[0] == cost.shape[1]:
        # Square: every row and every column is in every complete assignment, so taking each
        # row's and then each column's minimum off shifts every assignment's total by the same
        # amount (the optimum is unchanged) and leaves many zero-cost cells, which the solver's
        # shortest augmenting paths reach at once: ~40 % faster at 5,000 × 5,000.
        cost -= cost.min(axis=1, keepdims=True)
        cost -= cost.min(axis=0, keepdims=True)
    row, slot = linear_sum_assignment(cost)
    del cost
    keep = usable[row, slot]
    assigned[row[keep]] = slots[slot[keep]]
    return assigned


def _max_cardinality(usable: np.ndarray, slots: np.ndarray) -> int:
    """Size of a maximum matching of rows to mentor places (Hopcroft–Karp on the expanded
    graph)."""
    if usable.shape[0] == 0 or slots.size == 0:
        return 0
    graph = csr_matrix(usable[:, slots])
    matched = maximum_bipartite_matching(graph, perm_type="column")
    return int((matched >= 0).sum())


def _protect_weakest(
    scores: np.ndarray, usable: np.ndarray, slots: np.ndarray, cardinality: int
) -> np.ndarray:
    """`usable` narrowed to scores ≥ the highest threshold that still lets `cardinality` rows
    be matched (binary search over the distinct allowed scores)."""
    levels = np.unique(scores[usable])
    low, high = 0, len(levels) - 1  # levels[low] is always feasible: it keeps every cell
    while low < high:
        middle = (low + high + 1) // 2
        if _max_cardinality(usable & (scores >= levels[middle]), slots) == cardinality:
            low = middle
        else:
            high = middle - 1
    return usable & (scores >= levels[low]) if len(levels) else usable


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


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
                parts.append(f"{_plural(int(gaps[k]), 'generation')} apart")
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


def propose_pairs(matrix: ScoreMatrix, *, current: pd.DataFrame | None = None) -> Proposal:
    """The best pairing of the pool under `matrix.settings`.

    Matches the most mentees possible; among those pairings, the highest total score (with
    `protect_weakest`: the highest lowest score first, then the highest total). Each mentor is
    in at most `capacity` pairs (locked pairs use places first), each mentee in at most one;
    forbidden pairs and pairs breaking a hard constraint are never proposed. `current` (a frame
    with mentor_id and mentee_id) is today's pairing of a re-match, rewarded with
    `keep_existing_bonus` when `keep_existing` is on. Ties are broken by id order, so the same
    input always gives the same proposal. Raises MatchingError when no pair can be proposed.
    """
    settings = matrix.settings
    e, m = matrix.mentees, matrix.mentors
    locked = _locked_cells(matrix)
    locked_rows = np.array([r for r, _ in locked], dtype=np.int64)
    locked_cols = np.array([c for _, c in locked], dtype=np.int64)
    free_places = matrix.capacity - np.bincount(locked_cols, minlength=len(m.ids))
    free_rows = np.setdiff1d(np.arange(len(e.ids)), locked_rows)
    allowed = matrix.allowed
    if not locked and not (allowed & (matrix.capacity > 0)[None, :]).any():
        raise MatchingError("No pair is allowed: " + _no_pair_sentence(matrix) + ".")

    scores = matrix.scores[free_rows]
    usable = allowed[free_rows] & (free_places > 0)[None, :]
    objective = scores.astype(np.float32)
    kept_cells = _pairs_set(current)
    if settings.keep_existing and kept_cells:
        bonus = np.zeros(matrix.scores.shape, dtype=np.float32)
        bonus[_cells(kept_cells, m, e)] = settings.keep_existing_bonus
        objective = objective + bonus[free_rows]
    slots = np.repeat(np.arange(len(m.ids)), np.minimum(free_places, len(free_rows)).clip(0))
    assigned = _assign(objective, usable, slots)
    if settings.protect_weakest and (assigned >= 0).any():
        cardinality = int((assigned >= 0).sum())
        narrowed = _protect_weakest(scores, usable, slots, cardinality)
        assigned = _assign(objective, narrowed, slots)

    matched = assigned >= 0
    rows = np.concatenate([locked_rows, free_rows[matched]])
    cols = np.concatenate([locked_cols, assigned[matched]])
    order = np.argsort(e.ids[rows].astype(str), kind="stable")
    rows, cols = rows[order], cols[order]
    pairs = _pairs_frame(matrix, rows, cols, kept_cells, {(r, c) for r, c in locked})

    unmatched = np.setdiff1d(np.arange(len(e.ids)), rows)
    with_places = (matrix.capacity > 0)[None, :]
    mentee_reasons = _no_partner_reasons(
        np.where(with_places, matrix.blocked[unmatched], NO_PLACE), side=0
    )
    unmatched_mentees = pd.DataFrame(
        {
            "mentee_id": e.ids[unmatched].astype(str),
            "mentee_name": e.names[unmatched].astype(str),
            "reason": mentee_reasons,
        }
    )
    places_left = matrix.capacity - np.bincount(cols, minlength=len(m.ids))
    idle = np.flatnonzero(places_left > 0)
    mentor_reasons = _no_partner_reasons(matrix.blocked[:, idle].T, side=1)
    unused_mentors = pd.DataFrame(
        {
            "mentor_id": m.ids[idle].astype(str),
            "mentor_name": m.names[idle].astype(str),
            "free_places": places_left[idle].astype(int),
            "reason": mentor_reasons,
        }
    )
    return Proposal(
        pairs=pairs.drop(columns="score_exact"),
        unmatched_mentees=unmatched_mentees,
        unused_mentors=unused_mentors,
        figures=_figures(pairs["score_exact"].to_numpy(), len(e.ids)),
        settings=settings,
    )


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
            f"{_plural(int(counts[code]), 'pair')} {_RULED_OUT[code][0]}" for code in present
        )
        + ")"
    )


def _pairs_frame(
    matrix: ScoreMatrix,
    rows: np.ndarray,
    cols: np.ndarray,
    kept_cells: frozenset,
    locked: set[tuple[int, int]],
) -> pd.DataFrame:
    e, m = matrix.mentees, matrix.mentors
    exact = matrix.scores[rows, cols].astype(np.float64)
    reasons = pair_reasons(matrix, rows, cols)
    is_locked = np.array([(r, c) in locked for r, c in zip(rows, cols, strict=True)], dtype=bool)
    kept = np.array(
        [(m.ids[c], e.ids[r]) in kept_cells for r, c in zip(rows, cols, strict=True)], dtype=bool
    )
    for k in range(len(reasons)):
        notes = [n for n, on in (("locked by hand", is_locked[k]), ("kept", kept[k])) if on]
        if notes:
            reasons[k] = "; ".join([*notes, reasons[k]]) if reasons[k] else "; ".join(notes)
    return pd.DataFrame(
        {
            "mentor_id": m.ids[cols].astype(str),
            "mentor_name": m.names[cols].astype(str),
            "mentee_id": e.ids[rows].astype(str),
            "mentee_name": e.names[rows].astype(str),
            "score": np.round(exact, 1),
            "score_exact": exact,
            "predicted_band": predicted_band(exact) if len(exact) else np.array([], dtype=object),
            "locked": is_locked,
            "kept": kept,
            "reasons": reasons,
        }
    )


def _figures(scores: np.ndarray, mentees: int) -> ProposalFigures:
    if len(scores) == 0:
        return ProposalFigures(mentees, 0, 0.0, 0.0, math.nan, math.nan, "none")
    mean = float(scores.mean())
    return ProposalFigures(
        mentees=mentees,
        matched=len(scores),
        coverage=len(scores) / mentees,
        total_score=float(scores.sum()),
        mean_score=mean,
        minimum_score=float(scores.min()),
        predicted_band=predicted_band(mean),
    )


# --- The pool -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pool:
    """The people to pair for one cohort, and what the constraints and comparison need.

    `mentors` carry `capacity` as their number of *free* places; `history` lists earlier pairs
    (mentor_id, mentee_id) for the never-repeat rule; `current` (pair_id, mentor_id, mentee_id)
    is today's pairing being replaced in a re-match (empty for the unmatched pool).
    """

    cohort_id: str
    mode: str
    as_of: date
    focus_area: str | None
    mentors: pd.DataFrame
    mentees: pd.DataFrame
    history: pd.DataFrame
    current: pd.DataFrame


def pool_from_program(
    participants: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    cohorts: pd.DataFrame,
    cohort_id: str,
    mode: str = "unmatched",
    as_of: date,
) -> Pool:
    """The pool of people to pair for `cohort_id` on `as_of`, from the store's frames.

    - `unmatched`: the people enrolled on `as_of` (joined by then, not left) who are not in an
      open pair (active or paused — a paused pair is on hold, not over); a mentor already in
      open pairs stays in the pool while they have places left (capacity − open pairs).
    - `rematch`: the enrolled people in the cohort's open pairs, which are returned as
      `current`; a mentor's places are their capacity minus their open pairs elsewhere.

    `participants` needs the participants columns (names and skills included); `pairs` all
    pairs (any status; those started after `as_of` are ignored). Raises MatchingError for an
    unknown cohort or mode.
    """
    if mode not in MODES:
        raise MatchingError(f"Unknown pool {mode!r}; choose unmatched or rematch.")
    cohort = cohorts[cohorts["cohort_id"].astype(str) == str(cohort_id)]
    if cohort.empty:
        raise MatchingError(f"There is no cohort {cohort_id!r}.")
    focus = cohort["focus_area"].iloc[0] if "focus_area" in cohort else None
    focus_area = focus if isinstance(focus, str) and focus.strip() else None

    pairs_now = metrics.pairs_as_of(
        metrics.as_timestamps(pairs, ["started_on", "ended_on"]), as_of=as_of
    )
    open_pairs = pairs_now[pairs_now["status"].isin(OPEN_STATUSES)]
    people = metrics.enrolled(
        metrics.as_timestamps(participants, ["joined_on", "left_on"]), as_of=as_of
    )
    if mode == "rematch":
        current = open_pairs[open_pairs["cohort_id"].astype(str) == str(cohort_id)]
    else:
        current = open_pairs.iloc[0:0]
    staying = open_pairs[~open_pairs["pair_id"].isin(current["pair_id"])]
    places = people["capacity"].fillna(1).astype(int) - people["participant_id"].map(
        staying["mentor_id"].value_counts()
    ).fillna(0).astype(int)
    people = people.assign(capacity=places.clip(lower=0))
    is_mentor = people["role"] == "mentor"
    if mode == "rematch":
        mentors = people[is_mentor & people["participant_id"].isin(current["mentor_id"])]
        mentees = people[~is_mentor & people["participant_id"].isin(current["mentee_id"])]
    else:
        mentors = people[is_mentor & (people["capacity"] > 0)]
        mentees = people[~is_mentor & ~people["participant_id"].isin(staying["mentee_id"])]
    history = pairs_now[~pairs_now["pair_id"].isin(current["pair_id"])]
    return Pool(
        cohort_id=str(cohort_id),
        mode=mode,
        as_of=as_of,
        focus_area=focus_area,
        mentors=mentors.reset_index(drop=True),
        mentees=mentees.reset_index(drop=True),
        history=history[["mentor_id", "mentee_id"]].reset_index(drop=True),
        current=current[["pair_id", "mentor_id", "mentee_id"]].reset_index(drop=True),
    )


def pool_matrix(pool: Pool, settings: MatchSettings | None = None) -> ScoreMatrix:
    """`score_matrix` for a pool: its people, history, cohort focus area and date."""
    return score_matrix(
        pool.mentors,
        pool.mentees,
        settings=settings,
        history=pool.history,
        focus_area=pool.focus_area,
        as_of=pool.as_of,
    )


def propose_for_pool(pool: Pool, settings: MatchSettings | None = None) -> Proposal:
    """Score the pool and propose pairs for it (today's pairs count as `current`)."""
    return propose_pairs(pool_matrix(pool, settings), current=pool.current)


# --- Comparing pairings ---------------------------------------------------------------------------
COMPARE_COLUMNS = (
    "pairs",
    "coverage",
    "min_score",
    "q1_score",
    "median_score",
    "q3_score",
    "mean_score",
    "cross_department_share",
    "mean_generation_gap_years",
    "changed_vs_today",
)


def compare(
    pairings: Mapping[str, pd.DataFrame],
    *,
    matrix: ScoreMatrix,
    today: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Pairings side by side, one row per name in `pairings` (each a frame with mentor_id and
    mentee_id — a proposal's `pairs`, a saved scenario's, or today's).

    Every pairing is scored with `matrix` (so today's pairs are judged by the same criteria);
    pairs of people outside the matrix's pool have no score. Columns: `pairs`; `coverage`
    (mentees of the pool paired ÷ mentees in the pool); the score's minimum, quartiles and mean;
    `cross_department_share` (pairs from different departments ÷ pairs whose two departments
    are known); `mean_generation_gap_years` (mean |birth year difference|, known ones only);
    `changed_vs_today` (pairs not in `today`; NaN without `today`).
    """
    e, m = matrix.mentees, matrix.mentors
    mentee_at = pd.Series(np.arange(len(e.ids)), index=e.ids.astype(str))
    mentor_at = pd.Series(np.arange(len(m.ids)), index=m.ids.astype(str))
    today_set = _pairs_set(today) if today is not None else None
    rows = []
    for pairing in pairings.values():
        mentor_ids = pairing["mentor_id"].astype(str)
        mentee_ids = pairing["mentee_id"].astype(str)
        r = mentee_ids.map(mentee_at).to_numpy(dtype=float)
        c = mentor_ids.map(mentor_at).to_numpy(dtype=float)
        inside = ~np.isnan(r) & ~np.isnan(c)
        ri, ci = r[inside].astype(np.int64), c[inside].astype(np.int64)
        scores = matrix.scores[ri, ci].astype(float)
        same, known = _same_key(e.department[ri], m.department[ci])
        gaps = np.abs(e.birth_year[ri] - m.birth_year[ci])
        quartiles = np.quantile(scores, [0.25, 0.5, 0.75]) if len(scores) else [np.nan] * 3
        changed = float(len(_pairs_set(pairing) - today_set)) if today_set is not None else np.nan
        rows.append(
            {
                "pairs": len(pairing),
                "coverage": len(np.unique(ri)) / len(e.ids),
                "min_score": float(scores.min()) if len(scores) else np.nan,
                "q1_score": float(quartiles[0]),
                "median_score": float(quartiles[1]),
                "q3_score": float(quartiles[2]),
                "mean_score": float(scores.mean()) if len(scores) else np.nan,
                "cross_department_share": float((~same[known]).mean()) if known.any() else np.nan,
                "mean_generation_gap_years": float(np.nanmean(gaps))
                if (~np.isnan(gaps)).any()
                else np.nan,
                "changed_vs_today": changed,
            }
        )
    return pd.DataFrame(
        rows, index=pd.Index(list(pairings), name="pairing"), columns=list(COMPARE_COLUMNS)
    )
