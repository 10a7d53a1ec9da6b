"""The proposal: among the allowed pairs, the most mentees matched, then the highest total
score, each mentor within their places; locked pairs first."""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from app.matching.explain import (
    _no_pair_sentence,
    _no_partner_reasons,
    pair_reasons,
    predicted_band,
)
from app.matching.scoring import NO_PLACE, ScoreMatrix, _cells, _pairs_set
from app.matching.settings import MatchingError, MatchSettings


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
        # shortest augmenting paths reach at once: large pools solve faster (docs/architecture.md).
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
