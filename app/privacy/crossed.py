"""Cohort filters: the crossed table (a breakdown × cohort) decided so that narrowing to some
cohorts publishes nothing the whole program's tables and other choices would let a reader
subtract."""

import itertools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from app.privacy.coded import _coded_breakdown, _coded_role_by_month
from app.privacy.over_time import _since_earlier_of
from app.privacy.rule import _group_of, _is_safe, _people_by_question, _row
from app.privacy.terms import (
    ALL,
    BY_SUBTRACTION,
    FEWER,
    QUESTIONS,
    SINCE_EARLIER,
    AnonymitySettings,
    Cell,
    Line,
)


def with_pair_cohorts(responses: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """`responses` with each blank `cohort_id` filled with its pair's cohort: the cohort a
    response counts in, as `app.cohort_narrowing.program_for_cohorts` narrows (still blank with
    neither). Pass responses through this before breaking them down by cohort or filtering them
    with `cohorts=`, so that both put every response in the same cohort."""
    cohort = responses["cohort_id"].astype(object)
    missing = cohort.isna().to_numpy()
    if missing.any():  # only those are looked up: most responses name their cohort
        cohort_of_pair = pairs.drop_duplicates("pair_id").set_index("pair_id")["cohort_id"]
        cohort = cohort.copy()
        cohort[missing] = responses.loc[missing, "pair_id"].map(cohort_of_pair).to_numpy()
    return responses.assign(cohort_id=cohort.where(cohort.notna(), None))


def _cube(
    answered: pd.DataFrame, participants: pd.DataFrame, dims: Sequence[str]
) -> tuple[dict[Cell, pd.DataFrame], list[Line], dict[Cell, frozenset[Cell]]]:
    """The table of the breakdowns `dims` crossed: a cell per combination of groups with
    responses, each coordinate a group or ALL (every margin); the lines along each axis (a cell
    with ALL on an axis is the total of those with a group there, the rest equal); and each
    cell's *support*, the inner cells (no ALL) it is the sum of."""
    keys = [
        _group_of(answered, participants, dim).rename(str(index)) for index, dim in enumerate(dims)
    ]
    cells: dict[Cell, pd.DataFrame] = {}
    for mask in itertools.product((False, True), repeat=len(dims)):
        grouped = [key for key, total in zip(keys, mask, strict=True) if not total]
        if not grouped:
            cells[(ALL,) * len(dims)] = answered
            continue
        for groups, frame in answered.groupby(grouped, sort=True):
            found = iter(groups if isinstance(groups, tuple) else (groups,))
            cells[tuple(ALL if total else next(found) for total in mask)] = frame
    inner = [cell for cell in cells if ALL not in cell]
    support: dict[Cell, set[Cell]] = {cell: set() for cell in cells}
    for cell in inner:
        for mask in itertools.product((False, True), repeat=len(dims)):
            support[
                tuple(ALL if total else part for part, total in zip(cell, mask, strict=True))
            ].add(cell)
    parts: dict[tuple[Cell, int], list[Cell]] = {}
    for cell in cells:
        for axis, part in enumerate(cell):
            if part != ALL:
                parts.setdefault((cell[:axis] + (ALL,) + cell[axis + 1 :], axis), []).append(cell)
    lines = [(total, members) for (total, _), members in parts.items()]
    return cells, lines, {cell: frozenset(found) for cell, found in support.items()}


def _orthonormal(vectors: list[np.ndarray], width: int) -> np.ndarray:
    """An orthonormal basis (rows) of the span of `vectors`, each `width` long."""
    if not vectors:
        return np.zeros((0, width))
    _, values, rows = np.linalg.svd(np.array(vectors, dtype=float), full_matrices=False)
    return rows[: int((values > 1e-9 * max(values.max(), 1.0)).sum())]


def _in_span(vector: np.ndarray, basis: np.ndarray) -> bool:
    """Whether `vector` is a combination of the rows of the orthonormal `basis`."""
    return bool(np.linalg.norm(vector - basis.T @ (basis @ vector)) < 1e-6)


def _partial_sums_known(hidden: Sequence[np.ndarray], basis: np.ndarray) -> bool:
    """Whether a combination of the `hidden` cells (two or more of one line) other than a
    multiple of their total can be worked out from the span of the orthonormal `basis` — e.g.
    two of three hidden cohorts of a group, which a cohort filter would publish as one figure."""
    matrix = np.array(hidden, dtype=float).T
    residual = matrix - basis.T @ (basis @ matrix)
    _, values, rows = np.linalg.svd(residual, full_matrices=True)
    rank = int((values > 1e-9 * max(values.max(initial=0.0), 1.0)).sum())
    null = rows[rank:]
    return len(null) > 1 or (len(null) == 1 and not np.allclose(null[0], null[0].mean()))


def _protect_sums(
    people: Mapping[Cell, frozenset[str]],
    support: Mapping[Cell, frozenset[Cell]],
    lines: Sequence[Line],
    hidden: Mapping[Cell, str],
    fixed: frozenset[Cell],
    minimum: int,
) -> dict[Cell, str]:
    """The rule for a crossed table whose `fixed` cells are already published elsewhere (shown
    unless in `hidden`, which none of this changes): `hidden` grown by the other cells with too
    few `people`, then, until nothing changes, by a shown cell that is not fixed while
    - a line is not safe (step 2 of the module docstring; its smallest shown part goes), or
    - a hidden cell that has people can be solved for from the shown cells: every cell is the
      sum of its `support`, and every shown cell's value is known (rank of the linear system).
      The cell hidden for it is the smallest related one (in a line with it, or overlapping it)
      whose hiding is enough, else the smallest related one. A cell that the fixed cells alone
      give away is not this table's to protect.
    - a line along the cohort axis has hidden cells of which some, but not all, can be summed
      from the shown cells (`_partial_sums_known`): a filter choosing those cohorts would
      publish that sum. The cell hidden for it is chosen the same way.
    """
    hidden = dict(hidden)
    for cell, members in people.items():
        if cell not in fixed and cell not in hidden and 0 < len(members) < minimum:
            hidden[cell] = FEWER
    basis = {
        inner: position
        for position, inner in enumerate(
            sorted({inner for cell in people for inner in support[cell] if people[inner]}, key=str)
        )
    }
    vectors = {}
    for cell in people:
        vector = np.zeros(len(basis))
        vector[[basis[inner] for inner in support[cell] if inner in basis]] = 1.0
        if vector.any():
            vectors[cell] = vector
    related: dict[Cell, set[Cell]] = {cell: set() for cell in people}
    for total, parts in lines:
        for cell in (total, *parts):
            related[cell].update((total, *parts))

    def known(without: Cell | None = None) -> np.ndarray:
        shown = [v for c, v in vectors.items() if c not in hidden and c != without]
        return _orthonormal(shown, len(basis))

    fixed_only = _orthonormal(
        [vector for cell, vector in vectors.items() if cell in fixed and cell not in hidden],
        len(basis),
    )
    given_away = {cell for cell, vector in vectors.items() if _in_span(vector, fixed_only)}
    ours = [(total, parts) for total, parts in lines if not fixed.issuperset((total, *parts))]
    by_cohort = [(t, parts) for t, parts in ours if t[-1] == ALL and parts and parts[0][-1] != ALL]

    def partial(parts: Sequence[Cell], span: np.ndarray) -> bool:
        shut = [vectors[p] for p in parts if p in hidden and p in vectors]
        return len(shut) >= 2 and _partial_sums_known(shut, span)

    def choose(shown: list[Cell], near: list[Cell], enough: Callable[[Cell], bool]) -> Cell:
        candidates = sorted(near or shown, key=lambda c: (len(people[c]), str(c)))
        return next((c for c in candidates if enough(c)), candidates[0])

    changed = True
    while changed:
        changed = False
        for total, parts in ours:
            while not _is_safe(total, parts, people, hidden, minimum):
                shown = [p for p in parts if p not in hidden and p not in fixed and people[p]]
                if not shown:
                    break
                victim = min(shown, key=lambda part: (len(people[part]), str(part)))
                hidden[victim] = BY_SUBTRACTION
                changed = True
        span = known()
        exposed = [
            cell
            for cell in hidden
            if cell in vectors and cell not in given_away and _in_span(vectors[cell], span)
        ]
        shown = [c for c in vectors if c not in hidden and c not in fixed]
        if exposed and shown:
            cell = exposed[0]
            near = [c for c in shown if c in related[cell] or support[c] & support[cell]]
            target = vectors[cell]
            found = choose(shown, near, lambda c, x=target: not _in_span(x, known(without=c)))
            hidden[found] = BY_SUBTRACTION
            changed = True
            continue
        for total, parts in by_cohort:
            if not shown or not partial(parts, span) or partial(parts, fixed_only):
                continue
            inside = frozenset().union(*(support[p] for p in parts if p in hidden))
            near = [c for c in shown if c in related[total] or support[c] & inside]
            hidden[choose(shown, near, lambda c, x=parts: not partial(x, known(without=c)))] = (
                BY_SUBTRACTION
            )
            changed = True
            break
    return hidden


def _decide_cube(
    cells: Mapping[Cell, pd.DataFrame],
    lines: Sequence[Line],
    support: Mapping[Cell, frozenset[Cell]],
    published: Mapping[str | None, Mapping[Cell, str]],
    fixed: frozenset[Cell],
    minimum: int,
    questions: Sequence[str] = QUESTIONS,
) -> tuple[dict[str | None, dict[Cell, str]], dict[str | None, dict[Cell, frozenset[str]]]]:
    """`_protect_sums` for the rows (key None), then for each of `questions` starting from the
    hidden rows; `published` holds the fixed cells' hidden ones, the same way. Also returns the
    people of each cell, for the rows and for each question."""
    people = _people_by_question(cells, questions)
    held = (
        _since_earlier_of({c: f for c, f in cells.items() if c not in fixed}, minimum)
        if questions
        else {None: {}}
    )
    rows = _protect_sums(
        people[None], support, lines, {**held[None], **published[None]}, fixed, minimum
    )
    decided: dict[str | None, dict[Cell, str]] = {None: rows}
    for question in questions:
        decided[question] = _protect_sums(
            people[question],
            support,
            lines,
            {
                **held[question],
                **published[question],
                **{c: why for c, why in rows.items() if c not in fixed},
            },
            fixed,
            minimum,
        )
    return decided, people


def _on_axes(
    decided: Mapping[str | None, Mapping[Cell, str]], place: Callable[[Cell], Cell]
) -> dict[str | None, dict[Cell, str]]:
    """Hidden cells of a published table moved to their place in a crossed table."""
    return {
        key: {place(cell): why for cell, why in hidden.items()} for key, hidden in decided.items()
    }


def _both(
    left: Mapping[str | None, Mapping[Cell, str]], right: Mapping[str | None, Mapping[Cell, str]]
) -> dict[str | None, dict[Cell, str]]:
    """Hidden cells of two published tables together; a cell both publish (the grand total) is
    hidden only when both hide it, since either showing it makes it known."""
    joined = {}
    for key in left:
        shared = set(left[key]) & set(right[key])
        joined[key] = {
            **{c: w for c, w in left[key].items() if c not in right or c in shared},
            **{c: w for c, w in right[key].items() if c not in left or c in shared},
        }
    return joined


@dataclass(frozen=True)
class _Filtered:
    """A crossed table with cohort last, decided under the rule (`decided`, with the `people`
    of each cell, per row and per question), ready to publish sums over some cohorts."""

    cells: dict[Cell, pd.DataFrame]
    decided: dict[str | None, dict[Cell, str]]
    people: dict[str | None, dict[Cell, frozenset[str]]]
    chosen: frozenset[str]
    minimum: int

    def row(self, key: tuple[str, ...]) -> dict[str, object]:
        """The figures of `key` (the other coordinates) over the chosen cohorts: shown only where
        every chosen cohort's cell is (per row, per question)."""
        parts = [key + (cohort,) for cohort in sorted(self.chosen) if key + (cohort,) in self.cells]
        frames = [self.cells[part] for part in parts]
        frame = pd.concat(frames) if frames else self.cells[(ALL,) * (len(key) + 1)].iloc[:0]

        def reason(question: str | None) -> str | None:
            people = self.people[question]
            members = frozenset().union(*(people[part] for part in parts))
            if 0 < len(members) < self.minimum or (question is None and not members):
                return FEWER
            hidden = self.decided[question]
            reasons = {hidden[part] for part in parts if part in hidden and people[part]}
            if reasons:
                return SINCE_EARLIER if SINCE_EARLIER in reasons else BY_SUBTRACTION
            return None

        hidden_row = reason(None)
        questions = {} if hidden_row else {q: why for q in QUESTIONS if (why := reason(q))}
        return _row(frame, hidden_row, questions, self.minimum)


def _filtered(
    answered: pd.DataFrame,
    participants: pd.DataFrame,
    by: str,
    chosen: frozenset[str],
    settings: AnonymitySettings,
) -> _Filtered:
    """The crossed table a filtered table of `by` is published from: `by` × cohort, or role ×
    month × cohort for roles and months (see the module docstring), its margins fixed as the
    whole program's tables publish them."""
    minimum = settings.min_respondents
    cohort_table = _coded_breakdown(answered, participants, "cohort", minimum).hidden
    if by in ("role", "month"):
        dims = ("role", "month", "cohort")
        whole = _coded_role_by_month(answered, participants, minimum).hidden
        margins = _both(
            _on_axes(whole, lambda cell: (*cell, ALL)),
            _on_axes(cohort_table, lambda cell: (ALL, ALL, cell)),
        )
    else:
        dims = (by, "cohort")
        whole = _coded_breakdown(answered, participants, by, minimum).hidden
        margins = _both(
            _on_axes(whole, lambda cell: (cell, ALL)),
            _on_axes(cohort_table, lambda cell: (ALL, cell)),
        )
    cells, lines, support = _cube(answered, participants, dims)
    fixed = frozenset(cell for cell in cells if cell[-1] == ALL or set(cell[:-1]) == {ALL})
    decided, people = _decide_cube(cells, lines, support, margins, fixed, minimum)
    return _Filtered(cells, decided, people, chosen, minimum)


def _chosen(answered: pd.DataFrame, cohorts: Collection[str] | None) -> frozenset[str] | None:
    """The cohorts to narrow to, or None when that leaves every response in (no filter)."""
    chosen = frozenset(cohorts or ())
    if not chosen:
        return None
    present = set(_group_of(answered, pd.DataFrame(), "cohort"))
    return None if present <= chosen else chosen


#: The text columns the rule slices thousands of times: kept as plain Python objects while it
#: works, since turning an Arrow-backed slice into a NumPy array costs more than the slice.
