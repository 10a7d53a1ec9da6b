"""The score matrix: every (mentee, mentor) candidate pair of a pool scored 0–100 and checked
against the hard constraints, vectorised over the pool's people normalised once."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from app.matching.settings import MatchingError, MatchSettings
from app.privacy import GENERATIONS

#: Generation bands apart (see `app.privacy.GENERATIONS`) that earn the full generation score.
FULL_GENERATION_GAP = 3
#: Hours of clock difference at which the time-zone overlap reaches 0.
NO_OVERLAP_HOURS = 12.0

# Why a candidate pair is not allowed: the first hard constraint it breaks, in this order.
# NO_PLACE marks, in explanations only, mentors with no place at all (capacity 0).
ALLOWED, LEVEL, DEPARTMENT, REPEAT, TIMEZONE, FORBIDDEN, NO_PLACE = range(7)


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

    `mentors` and `mentees` carry the participants columns (docs/import-format.md; only
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
