"""The rule on coded responses: the whole program's tables decided on integer arrays instead of a
frame per cell, with the same decisions and figures."""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from app import metrics
from app.privacy.over_time import _since_earlier
from app.privacy.rule import People, _decide, _group_of, _in_order, _Members, _published
from app.privacy.terms import (
    ALL,
    COLUMNS,
    FEWER,
    MEANS,
    PARTICIPANT_BREAKDOWNS,
    QUESTIONS,
    Cell,
    Line,
    _distinct,
)


# The whole program's tables (no cohort filter) are decided on arrays rather than on a frame per
# cell: each response's person as an integer code, and each *level* of cells (the groups of a
# breakdown, its All; the role × month cells, the months' totals, the roles' totals, All) as one
# label per response. A cell's people are a slice of one sorted array of (label, person) codes,
# and its figures sums over its label: the same decisions and figures as the rule applied to a
# frame per cell (`tests/app/test_privacy_coded.py` compares them), and much faster.
@dataclass(frozen=True)
class _Coded:
    """The responses as the coded rule reads them: `person` codes (positions in `ids`, the
    distinct respondents), `scores` (one column per question, NaN when blank) and whether each
    was `answered`; and the frames, to find each response's group."""

    frame: pd.DataFrame
    participants: pd.DataFrame
    ids: np.ndarray
    person: np.ndarray
    scores: np.ndarray
    answered: np.ndarray

    @property
    def people(self) -> int:
        return max(len(self.ids), 1)

    @classmethod
    def of(cls, answered: pd.DataFrame, participants: pd.DataFrame) -> "_Coded":
        person, ids = pd.factorize(answered["participant_id"], use_na_sentinel=False)
        scores = answered[list(QUESTIONS)].to_numpy(dtype=float, na_value=np.nan)
        return cls(
            answered,
            participants,
            np.asarray(ids, dtype=object),
            person.astype(np.int64),
            scores,
            ~np.isnan(scores),
        )

    def labels(self, by: str) -> tuple[np.ndarray, list[str]]:
        """Each response's group of the breakdown `by` as its position in the groups' reading
        order (−1 for none), and that order: `_group_of` and `_groups`, the attributes of people
        looked up once per person rather than once per response."""
        if by in PARTICIPANT_BREAKDOWNS:
            who = pd.DataFrame({"participant_id": self.ids})
            codes, groups = pd.factorize(_group_of(who, self.participants, by))
            codes = codes[self.person] if len(codes) else codes
        else:
            codes, groups = pd.factorize(_group_of(self.frame, self.participants, by))
        order = _in_order(list(groups), by)
        position = pd.Index(order).get_indexer(groups)
        return np.where(codes >= 0, position[codes] if len(position) else -1, -1), order


def _level_people(coded: _Coded, labels: np.ndarray, size: int) -> dict[str | None, list[People]]:
    """The people of each of the `size` cells of a level (`labels`: each response's cell, −1 for
    none), for the rows (key None) and for each question."""
    found: dict[str | None, list[People]] = {}
    inside = labels >= 0
    for index, question in enumerate((None, *QUESTIONS)):
        mask = inside if question is None else inside & coded.answered[:, index - 1]
        pairs = _distinct(labels[mask] * coded.people + coded.person[mask])
        bounds = np.searchsorted(pairs // coded.people, np.arange(size + 1))
        members = pairs % coded.people
        found[question] = [_Members(members[bounds[k] : bounds[k + 1]]) for k in range(size)]
    return found


def _level_figures(
    coded: _Coded, labels: np.ndarray, size: int, people: Sequence[People]
) -> list[Callable[[], dict[str, object]]]:
    """Each cell's `_figures` (as a function, called for shown rows only) from sums per label."""
    inside = labels >= 0
    at = labels[inside]
    scores, answered = coded.scores[inside], coded.answered[inside]

    def total(weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(at, weights=weights, minlength=size)

    responses = total()
    counts = [total(answered[:, index].astype(float)) for index in range(len(QUESTIONS))]
    sums = [total(np.where(answered[:, index], scores[:, index], 0.0)) for index in range(3)]
    nps = scores[:, -1]
    promoters, detractors = total((nps >= 9).astype(float)), total((nps <= 6).astype(float))

    def figures(cell: int) -> dict[str, object]:
        given = counts[-1][cell]
        return {
            "respondents": len(people[cell]),
            "responses": int(responses[cell]),
            **{
                mean: float(sums[index][cell] / counts[index][cell])
                if counts[index][cell]
                else np.nan
                for index, mean in enumerate(MEANS)
            },
            "nps": metrics.nps_from_counts(promoters[cell], detractors[cell], given),
        }

    return [lambda cell=cell: figures(cell) for cell in range(size)]


Rows = dict[Cell, Callable[[], dict[str, object]]]


@dataclass(frozen=True)
class _Decided:
    """A table decided under the rule: each cell's row (`_row`: its figures, or blanks and the
    reason), worked out when called, in table order; and the hidden cells (`_decisions`)."""

    rows: Rows
    hidden: dict[str | None, dict[Cell, str]]


def _coded_rows(
    coded: _Coded,
    levels: Sequence[tuple[np.ndarray, list[Cell]]],
    lines: Sequence[Line],
    minimum: int,
    monthly: Collection[int] = (),
) -> _Decided:
    """The table whose cells are `levels` (label per response, the cells the labels name),
    decided under the rule on its `lines`. The levels at the positions `monthly` hold cells of
    one month each, which never change between month ends: `_since_earlier` skips them."""
    people: dict[str | None, dict[Cell, People]] = {q: {} for q in (None, *QUESTIONS)}
    figures: dict[Cell, Callable[[], dict[str, object]]] = {}
    empty: dict[Cell, str] = {}
    held: dict[str | None, dict[Cell, str]] = {q: {} for q in (None, *QUESTIONS)}
    submitted = coded.frame["submitted_on"].to_numpy()
    for level, (labels, cells) in enumerate(levels):
        found = _level_people(coded, labels, len(cells))
        for question, members in found.items():
            people[question].update(zip(cells, members, strict=True))
        sizes = _level_figures(coded, labels, len(cells), found[None])
        figures.update(zip(cells, sizes, strict=True))
        empty.update(
            {cell: FEWER for cell, members in zip(cells, found[None], strict=True) if not members}
        )
        if level in monthly:
            continue
        since = _since_earlier(labels, coded.person, submitted, coded.answered, cells, minimum)
        for question, cells_held in since.items():
            held[question].update(cells_held)
    decided = _decide(people, lines, empty, minimum, held)

    def row(cell: Cell) -> Callable[[], dict[str, object]]:
        questions = {q: why[cell] for q, why in decided.items() if q is not None and cell in why}
        return lambda: _published(figures[cell], decided[None].get(cell), questions, minimum)

    return _Decided({cell: row(cell) for cell in figures}, decided)


def _coded_breakdown(
    answered: pd.DataFrame, participants: pd.DataFrame, by: str, minimum: int
) -> _Decided:
    """The breakdown `by` decided under the rule: its cells as `_breakdown_cells` gives them
    (the groups in reading order, then All) and its one line."""
    coded = _Coded.of(answered, participants)
    labels, order = coded.labels(by)
    everyone = np.zeros(len(answered), dtype=np.int64)
    levels = [(labels, list(order)), (everyone, [ALL])]
    monthly = (0,) if by == "month" else ()
    return _coded_rows(coded, levels, [(ALL, list(order))], minimum, monthly)


def _inner_cells(
    role: np.ndarray, roles: list[str], month: np.ndarray, months: list[str]
) -> tuple[np.ndarray, list[Cell]]:
    """The (role, month) cells with responses, each role's months in order (`roles` and
    `months` in reading order, `role` and `month` each response's position in them, −1 for
    none); and each response's position in those cells (−1 for none)."""
    both = np.where((role >= 0) & (month >= 0), role * len(months) + month, -1)
    present = _distinct(both[both >= 0])
    positions = [divmod(int(code), len(months)) for code in present]
    inner: list[Cell] = [(roles[r], months[m]) for r, m in positions]
    return np.where(both >= 0, np.searchsorted(present, both), -1).astype(np.int64), inner


def _coded_role_by_month(
    answered: pd.DataFrame, participants: pd.DataFrame, minimum: int
) -> _Decided:
    """The trend by role decided under the rule. Its cells, in this order: each role's months
    with responses, then the totals (ALL, month), (role, ALL) and (ALL, ALL); its lines, the
    totals' first: All across months, All across roles, each month across roles, each role
    across months."""
    coded = _Coded.of(answered, participants)
    (role, roles), (month, months) = coded.labels("role"), coded.labels("month")
    cell, inner = _inner_cells(role, roles, month, months)
    levels = [
        (cell, inner),
        (month, [(ALL, name) for name in months]),
        (role, [(name, ALL) for name in roles]),
        (np.zeros(len(answered), dtype=np.int64), [(ALL, ALL)]),
    ]
    lines: list[Line] = [
        ((ALL, ALL), [(ALL, name) for name in months]),
        ((ALL, ALL), [(name, ALL) for name in roles]),
        *(((ALL, name), [cell for cell in inner if cell[1] == name]) for name in months),
        *(((name, ALL), [cell for cell in inner if cell[0] == name]) for name in roles),
    ]
    return _coded_rows(coded, levels, lines, minimum, monthly=(0, 1))


def _as_table(rows: list[dict[str, object]], keys: dict[str, list[object]]) -> pd.DataFrame:
    """`rows` as a frame: the key columns `keys`, then `COLUMNS`; counts as nullable integers."""
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    for name, values in reversed(keys.items()):
        table.insert(0, name, values)
    return table.astype({"respondents": "Int64", "responses": "Int64", "shown": bool})
