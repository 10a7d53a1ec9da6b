"""The anonymity rule on survey figures: the thresholds, the cells and lines of a table, small
cells hidden and complementary suppression until every line is safe (the package docstring
explains it)."""

from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from app import metrics
from app.privacy.over_time import _since_earlier_of
from app.privacy.terms import (
    ALL,
    BREAKDOWNS,
    BY_SUBTRACTION,
    FEWER,
    KINDS,
    MEANS,
    NO_COHORT,
    PARTICIPANT_BREAKDOWNS,
    QUESTIONS,
    SINCE_EARLIER,
    SUPPRESSED,
    UNKNOWN,
    Cell,
    Line,
    _distinct,
    generation,
)


def _group_of(responses: pd.DataFrame, participants: pd.DataFrame, by: str) -> pd.Series:
    """The group each response falls in for the breakdown `by`."""
    if by == "cohort":
        return responses["cohort_id"].fillna(NO_COHORT)
    if by == "kind":
        return responses["kind"]
    if by == "month":
        # "2026-05": each distinct month written once, not once per response.
        months = responses["submitted_on"].to_numpy().astype("datetime64[M]")
        distinct, position = np.unique(months, return_inverse=True)
        labels = np.array([np.nan if np.isnat(m) else str(m) for m in distinct], dtype=object)
        return pd.Series(labels[position], index=responses.index, name="submitted_on")
    if by not in PARTICIPANT_BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}; choose one of {', '.join(BREAKDOWNS)}")
    people = participants.set_index("participant_id")
    attribute = generation(people["birth_year"]) if by == "generation" else people[by]
    return responses["participant_id"].map(attribute).fillna(UNKNOWN)


def _groups(answered: pd.DataFrame, participants: pd.DataFrame, by: str) -> dict[str, pd.DataFrame]:
    """The responses of each group of `by`, in reading order: survey kinds in the order they are
    sent, other groups sorted, Unknown and No cohort last."""
    frames = dict(tuple(answered.groupby(_group_of(answered, participants, by), sort=False)))
    return {group: frames[group] for group in _in_order(frames, by)}


def _in_order(groups: Collection[str], by: str) -> list[str]:
    """`groups` of the breakdown `by` in reading order: survey kinds in the order they are sent,
    other groups sorted, Unknown and No cohort last."""
    rank = {kind: position for position, kind in enumerate(KINDS)} if by == "kind" else {}
    return sorted(
        groups, key=lambda group: (group in (UNKNOWN, NO_COHORT), rank.get(group, len(rank)), group)
    )


def _group_order(answered: pd.DataFrame, participants: pd.DataFrame, by: str) -> list[str]:
    """The groups `_groups` would give, in its order, without cutting out their responses."""
    return _in_order(_group_of(answered, participants, by).dropna().unique().tolist(), by)


def _breakdown_cells(
    answered: pd.DataFrame, participants: pd.DataFrame, by: str
) -> tuple[dict[Cell, pd.DataFrame], list[Line]]:
    """The cells of the breakdown `by` (its groups, then All) and its one line."""
    cells: dict[Cell, pd.DataFrame] = {**_groups(answered, participants, by), ALL: answered}
    return cells, [(ALL, list(cells)[:-1])]


# --- The rule -------------------------------------------------------------------------------------
class _Members:
    """The distinct respondents of a cell as sorted person codes (see `_Coded`): what the rule
    needs of a set of people, their number and their union, without a Python object each."""

    __slots__ = ("codes",)

    def __init__(self, codes: np.ndarray) -> None:
        self.codes = codes

    def __len__(self) -> int:
        return len(self.codes)


People = frozenset[str] | _Members


def _together(groups: Sequence[People]) -> int:
    """How many distinct people `groups` hold together (someone in two counts once)."""
    if all(isinstance(group, _Members) for group in groups):
        return len(_distinct(np.concatenate([group.codes for group in groups])))
    return len(frozenset().union(*groups))


def _people(responses: pd.DataFrame) -> frozenset[str]:
    """The distinct respondents of `responses`."""
    return frozenset(responses["participant_id"].to_numpy())


def _people_by_question(
    cells: Mapping[Cell, pd.DataFrame], questions: Sequence[str] = QUESTIONS
) -> dict[str | None, dict[Cell, frozenset[str]]]:
    """`_people` of every cell (key None), and of every cell for each of `questions`: each
    cell's columns read once, a question everyone answered sharing the cell's set."""
    people: dict[str | None, dict[Cell, frozenset[str]]] = {q: {} for q in (None, *questions)}
    for cell, frame in cells.items():
        respondents = frame["participant_id"].to_numpy()
        everyone = frozenset(respondents)
        people[None][cell] = everyone
        if not questions:
            continue
        answered = frame[list(questions)].notna().to_numpy()
        for index, question in enumerate(questions):
            mask = answered[:, index]
            people[question][cell] = everyone if mask.all() else frozenset(respondents[mask])
    return people


def _is_safe(
    total: Cell,
    parts: list[Cell],
    people: Mapping[Cell, frozenset[str]],
    hidden: Mapping[Cell, str],
    minimum: int,
) -> bool:
    """Whether a line gives nothing away (step 2 of the module docstring)."""
    hidden_parts = [people[part] for part in parts if part in hidden and people[part]]
    if total in hidden:
        return bool(hidden_parts) or not people[total]
    return not hidden_parts or (len(hidden_parts) >= 2 and _together(hidden_parts) >= minimum)


def _protect(
    people: Mapping[Cell, frozenset[str]],
    lines: Sequence[Line],
    hidden: Mapping[Cell, str],
    minimum: int,
) -> dict[Cell, str]:
    """Steps 1–2 of the module docstring: `hidden` (cell → reason) grown by the cells with too
    few `people` and by those that complementary suppression needs."""
    hidden = dict(hidden)
    for cell, members in people.items():
        if cell not in hidden and 0 < len(members) < minimum:
            hidden[cell] = FEWER
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            while not _is_safe(total, parts, people, hidden, minimum):
                shown = [part for part in parts if part not in hidden and people[part]]
                victim = min(shown, key=lambda part: (len(people[part]), str(part)), default=total)
                hidden[victim] = BY_SUBTRACTION
                changed = True
    return hidden


def _figures(responses: pd.DataFrame, respondents: int | None = None) -> dict[str, object]:
    """A cell's figures: distinct respondents (`respondents` when already counted), responses,
    the mean of each score, and the NPS — read from one array of the cell's scores."""
    scores = responses[list(QUESTIONS)].to_numpy(dtype=float, na_value=np.nan)
    answered = ~np.isnan(scores)
    counts = answered.sum(axis=0)
    sums = np.where(answered, scores, 0.0).sum(axis=0)
    nps = scores[answered[:, -1], -1]
    return {
        "respondents": (
            responses["participant_id"].nunique() if respondents is None else respondents
        ),
        "responses": len(responses),
        **{
            mean: float(sums[index] / counts[index]) if counts[index] else np.nan
            for index, mean in enumerate(MEANS)
        },
        "nps": metrics.net_promoter_score(pd.Series(nps)),
    }


def _question_note(hidden: Mapping[str, str], minimum: int) -> str:
    """E.g. "nps hidden: fewer than 5 respondents answered" for a shown row's hidden questions."""
    notes = []
    for reason in (FEWER, BY_SUBTRACTION, SINCE_EARLIER):
        questions = [question for question, why in hidden.items() if why == reason]
        if questions:
            answered = " answered" if reason == FEWER else ""
            why = reason.format(minimum=minimum)
            notes.append(f"{', '.join(questions)} {SUPPRESSED}: {why}{answered}")
    return "; ".join(notes)


def _decisions(
    cells: Mapping[Cell, pd.DataFrame],
    lines: Sequence[Line],
    minimum: int,
    people: Mapping[str | None, Mapping[Cell, frozenset[str]]] | None = None,
) -> dict[str | None, dict[Cell, str]]:
    """Step 3 of the module docstring: the hidden cells (cell → reason) of the rows (key None),
    then of each question, starting from the hidden rows (`people`: `_people_by_question` of
    `cells`, when already worked out)."""
    empty = {cell: FEWER for cell, frame in cells.items() if frame.empty}
    people = _people_by_question(cells) if people is None else people
    return _decide(people, lines, empty, minimum, _since_earlier_of(cells, minimum))


def _decide(
    people: Mapping[str | None, Mapping[Cell, People]],
    lines: Sequence[Line],
    empty: Mapping[Cell, str],
    minimum: int,
    held: Mapping[str | None, Mapping[Cell, str]],
) -> dict[str | None, dict[Cell, str]]:
    """`_decisions` from the people of every cell, per row and per question, with the cells
    that have no responses at all (`empty`, cell → FEWER) and those the rule across as-of dates
    hides (`held`, `_since_earlier`) hidden from the start."""
    rows_hidden = _protect(people[None], lines, {**held[None], **empty}, minimum)
    return {
        None: rows_hidden,
        **{
            question: _protect(people[question], lines, {**held[question], **rows_hidden}, minimum)
            for question in QUESTIONS
        },
    }


def _row(
    frame: pd.DataFrame,
    hidden: str | None,
    questions: Mapping[str, str],
    minimum: int,
    respondents: int | None = None,
) -> dict[str, object]:
    """One row of a table: `frame`'s figures, or blanks and the reason when the row is `hidden`;
    the `questions` hidden in a shown row (question → reason) blank and named in its note."""
    return _published(lambda: _figures(frame, respondents), hidden, questions, minimum)


def _published(
    figures: Callable[[], dict[str, object]],
    hidden: str | None,
    questions: Mapping[str, str],
    minimum: int,
) -> dict[str, object]:
    """`_row` from a cell's `figures` (worked out only when the row is shown)."""
    if hidden is not None:
        note = f"{SUPPRESSED}: {hidden.format(minimum=minimum)}"
        row: dict[str, object] = {"respondents": pd.NA, "responses": pd.NA}
        return {**row, **dict.fromkeys(QUESTIONS, np.nan), "shown": False, "note": note}
    shown = figures()
    shown.update(dict.fromkeys(questions, np.nan))
    return {**shown, "shown": True, "note": _question_note(questions, minimum)}
