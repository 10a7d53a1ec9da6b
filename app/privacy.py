"""Survey aggregates under the anonymity rule (docs/metrics.md, docs/roles-and-privacy.md).

Every figure here is a *cell*: a group of a breakdown (a department, a month, the mentors of one
month) or a total ("All", a month's total, a role's total). A cell's people are the distinct
respondents its figure comes from; for a mean or the NPS, only those who answered that question.
A *line* is a total and the cells it is the sum of, each response of the total in exactly one of
them: All and the groups of a breakdown; in the trend by role, a month's total and its roles, a
role's total and its months, All and the months, All and the roles.

The algorithm, for a threshold `minimum` (`min_respondents`; `min_comment_group` for comments):

1. **Small cells.** A cell with 1 to `minimum` − 1 people is hidden ("hidden: fewer than 5
   respondents"). A total with no responses at all is hidden too. A question nobody in a cell
   answered is blank but not hidden: there is nothing to protect.
2. **Complementary suppression.** A line is *safe* when
   - its total is shown and none of its cells is hidden, or at least two are and their people
     together (a union: someone in two months counts once) number at least `minimum` — then
     the total minus the shown cells gives only that union, never one small cell; or
   - its total is hidden and so is at least one of its cells — else the total would be the sum
     of shown cells.
   Cells whose people are none do not count. While a line is not safe, its shown cell with the
   fewest people (then by name) is hidden ("hidden: would reveal a small group by subtraction");
   when it has no shown cell left, its total is. Lines are taken in order, totals' lines first,
   and again until a pass changes nothing.
3. **Row, then question.** Steps 1–2 run on each cell's respondents to decide whether its row is
   shown, then once per question (satisfaction, relationship quality, digital confidence, NPS) on
   those who answered it, starting from the hidden rows: a shown row of 8 people of whom 2 gave
   an NPS shows no NPS, and its note says so.

Why this is enough: each published total is one equation over the hidden cells of its line. In a
breakdown (one line), two or more hidden cells in the equation mean none of them can be solved
for, and what can be (their sum) covers at least `minimum` people. The months and roles of the
trend by role form a table with totals, where every cell sits in two lines; a hidden cell can be
solved for only if it lies on no cycle of hidden cells, and with every line holding none or at
least two hidden cells such a cell needs four or more columns counting the total column, where
a program has two roles (mentor, mentee; a respondent missing from `participants` would add
"Unknown"). That is why role and month figures are decided together, in that table, whichever
function publishes them: `survey_breakdown` by role or by month and `survey_trend` agree.

**Cohort filters.** A screen narrowed to some cohorts publishes the same figures over those
cohorts, and a reader can set them beside the whole program's or another choice's: department D
over every cohort minus D within cohort A is D in the others, maybe two people. So with
`cohorts=`, the functions take the whole program's responses (each in the cohort
`with_pair_cohorts` gives it) and decide a *crossed table*: the breakdown × cohort (role × month
× cohort for roles, months and the trend by role, so that those agree as above). Its cells
without a cohort, and the cohorts' totals, are *fixed*: the whole program's tables publish them
already, as decided there. Its other cells, a group within one cohort, follow `_protect_sums`:
those of 1 to `minimum` − 1 people are hidden; every line (along any axis) must be safe as in
step 2; and no hidden cell may be solvable from the shown and fixed ones — each cell is the sum
of its inner cells (no total on any axis), so this is a rank test of linear equations, which
also catches the cycles and lone paths that lines alone miss in tables of more than two rows.
A hidden cell it cannot protect because the fixed cells alone give it away is left as it is
(nothing narrowing does adds to that). While a rule fails, a shown cell that is not fixed is
hidden: a line's smallest, or the smallest cell beside the exposed one whose hiding is enough.
Rows first, then each question starting from the hidden rows, as in step 3.

A group over the chosen cohorts is then shown only when its cell in every chosen cohort is
(per row, per question); "All" only when every chosen cohort is shown in the whole program's
breakdown by cohort. Why this is enough: choosing one cohort publishes that cohort's cells, and
a choice of several publishes sums of published cells, so every filter together says no more
than the crossed table's shown cells and the whole program's tables, which are protected
together. Choosing every cohort that has responses is the whole program.

Free-text comments follow steps 1–2 on respondents with `min_comment_group`, per breakdown: a
group's comments are listed only when it stays shown, so All's comments minus those listed come
from at least `min_comment_group` people. They are sorted bare texts, never with a name or an id,
and a participant's full name, e-mail or id written inside one is replaced by "[redacted]" (a
first name alone is not recognised). With `cohorts=`, a group's comments are listed only when
its comments within each chosen cohort would be, in the crossed table decided as above with
`min_comment_group` (respondents only, no questions).

**Across as-of dates.** A reader can move the as-of date and set two pages side by side: if a
day's responses counted, the difference between two neighbouring days would be one person's
answer. So only *complete months* count: the figures as of any date are those of the responses
submitted by the end of the last month that ended on or before it (`published_through`); the
current, partial month is withheld until it ends. Every as-of date within one month publishes the
same figures. Between two month ends, a cell's figure may still change by a few people. A cell
*stands* at a month end when it has `minimum` people or more by then (for a question, who answered
it, and its row stands) and this rule did not hide it there; a cell, or a question of it, that
stood at an earlier month end is hidden when 1 to `minimum` − 1 people answered for it since
("hidden: fewer than 5 respondents changed it since an earlier month's figure",
`_since_earlier`). These cells are hidden *before* steps 2–3 run, so the table's lines, and a
cohort-filtered crossed table's sums, are made safe with them hidden, like any small cell. Every
cell published at a month end stood there, so a figure shown at two as-of dates differs by nobody
or by at least `minimum` people. Standing is counted from the people alone, not from what the
complementary suppression of that month hid: a cell hidden only by subtraction there still
counts as having stood, which can hide a little more than needed and never less, and lets every
month end be worked out at once from when each person answered (`_answered_between`), instead of
deciding every month's tables in turn. A cell of one month (a month's row, a role in a month)
never changes after that month. (Cross-date combinations of *several* cells, e.g. a total at two
dates minus cells shown at one, are not checked by this rule, and free-text comments do not
follow it.)

Nothing submitted after the as-of date counts.
"""

import itertools
import re
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from app import metrics

SUPPRESSED = "hidden"
ALL = "All"
UNKNOWN = "Unknown"
NO_COHORT = "No cohort"
REDACTED = "[redacted]"
FEWER = "fewer than {minimum} respondents"
BY_SUBTRACTION = "would reveal a small group by subtraction"
SINCE_EARLIER = "fewer than {minimum} respondents changed it since an earlier month's figure"

BREAKDOWNS = ("cohort", "role", "department", "generation", "kind", "month")
PARTICIPANT_BREAKDOWNS = ("role", "department", "generation")
KINDS = ("baseline", "pulse", "midpoint", "exit")
MEANS = ("satisfaction", "relationship_quality", "digital_confidence")
QUESTIONS = (*MEANS, "nps")
COLUMNS = ("respondents", "responses", *QUESTIONS, "shown", "note")
# (first birth year, last birth year, name); a missing year or one outside them is Unknown.
GENERATIONS = (
    (1946, 1964, "Baby Boomers"),
    (1965, 1980, "Gen X"),
    (1981, 1996, "Millennials"),
    (1997, 2012, "Gen Z"),
)

# A word of a comment or of a name: letters and digits, with the joiners of e-mails and ids.
_WORD = re.compile(r"[\w@+-]+(?:[.'’][\w@+-]+)*")
_POSSESSIVE = re.compile(r"['’]s$")

Cell = Hashable
Line = tuple[Cell, list[Cell]]


@dataclass(frozen=True)
class AnonymitySettings:
    """The anonymity rule's thresholds: `min_respondents` (3–10) distinct respondents for any
    survey figure, `min_comment_group` (at least `min_respondents`) for free-text comments.
    Raises ValueError outside those ranges."""

    min_respondents: int = 5
    min_comment_group: int = 10

    def __post_init__(self) -> None:
        if not 3 <= self.min_respondents <= 10:
            raise ValueError("the minimum group size must be between 3 and 10 respondents")
        if self.min_comment_group < self.min_respondents:
            raise ValueError("the comment threshold cannot be below the minimum group size")


DEFAULT_SETTINGS = AnonymitySettings()


def generation(birth_year: pd.Series) -> pd.Series:
    """The generation of each birth year: Baby Boomers (born 1946–1964), Gen X (1965–1980),
    Millennials (1981–1996), Gen Z (1997–2012); Unknown when missing or outside those bands."""
    years = pd.to_numeric(birth_year, errors="coerce").astype(float)
    conditions = [years.between(first, last) for first, last, _ in GENERATIONS]
    names = [name for _, _, name in GENERATIONS]
    labels = np.select(conditions, names, default=UNKNOWN)
    return pd.Series(labels, index=birth_year.index, name="generation")


# --- Cells and lines ------------------------------------------------------------------------------
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


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct integers of `values`, sorted: a sort and a comparison of neighbours, which
    here is much faster than `np.unique` (NumPy 2.4 takes a hash table for integers)."""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


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


# --- The rule on coded responses ------------------------------------------------------------------
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


# --- Cohort filters ------------------------------------------------------------------------------
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
_SLICED_COLUMNS = ("participant_id", "cohort_id", "kind")


def published_through(as_of: date) -> date:
    """The last day whose responses the survey figures as of `as_of` count: the end of the last
    complete month, `as_of` itself when it is a month's last day (see the module docstring)."""
    following = as_of + timedelta(days=1)
    return as_of if following.day == 1 else as_of.replace(day=1) - timedelta(days=1)


def _answered(responses: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The responses submitted by `published_through(as_of)`, their sliced text columns as
    objects."""
    answered = metrics.responses_as_of(responses, as_of=published_through(as_of))
    text = [c for c in _SLICED_COLUMNS if c in answered and answered[c].dtype != object]
    return answered.astype(dict.fromkeys(text, object)) if text else answered


def _answered_between(
    labels: np.ndarray, person: np.ndarray, month: np.ndarray, size: int, months: int
) -> np.ndarray:
    """How many distinct people answered in each group between two month ends: `[g, s, e]` is
    the number of people with a response labelled `g` (of `size`; −1 for none) in months s + 1
    to e (numbered as `_month_numbers`; s = 0 is before the first), for 0 ≤ s < e ≤ `months`.

    Each person's months in a group are taken in order: a response in month m, with that
    person's next one in the group in month n (or none), is their latest up to any end e in
    m … n − 1, and counts for every start s < m. Those rectangles of (s, e) are added as
    corners of a difference table and summed along both axes."""
    width = months + 2
    inside = labels >= 0
    people = int(person.max()) + 1 if len(person) else 1
    key = (labels[inside] * people + person[inside]) * width + month[inside]
    key = _distinct(key)
    who, first = key // width, key % width
    following = np.append(who[1:] == who[:-1], False)
    last = np.where(following, np.append(first[1:], 0), months + 1)
    group = who // people
    corners = np.concatenate(
        [
            (group * width + 0) * width + first,
            (group * width + 0) * width + last,
            (group * width + first) * width + first,
            (group * width + first) * width + last,
        ]
    )
    signs = np.repeat(np.array([1.0, -1.0, -1.0, 1.0]), len(first))
    table = np.bincount(corners, weights=signs, minlength=size * width * width)
    return table.reshape(size, width, width).cumsum(axis=1).cumsum(axis=2).astype(np.int64)


def _held_groups(
    counts: np.ndarray, months: int, minimum: int, stood_rows: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """From `_answered_between`'s counts, the groups hidden at the last month end by the rule
    across as-of dates, and where each group *stood* at each month end: `minimum` people or
    more by then (and its row standing, when `stood_rows` is given) and not hidden by this rule
    there. A group standing at an earlier end is hidden at a later one when 1 to `minimum` − 1
    people answered for it in between."""
    size = counts.shape[0]
    stood = np.zeros((size, months + 1), dtype=bool)
    held = np.zeros(size, dtype=bool)
    for end in range(1, months + 1):
        since = counts[:, 1:end, end]  # people answering since each earlier end
        held = (stood[:, 1:end] & (since > 0) & (since < minimum)).any(axis=1)
        stood[:, end] = (counts[:, 0, end] >= minimum) & ~held
        if stood_rows is not None:
            stood[:, end] &= stood_rows[:, end]
    return held, stood


def _since_earlier(
    labels: np.ndarray,
    person: np.ndarray,
    submitted: np.ndarray,
    answered: np.ndarray,
    cells: Sequence[Cell],
    minimum: int,
) -> dict[str | None, dict[Cell, str]]:
    """The rule across as-of dates (module docstring): the cells hidden, as rows (key None) and
    per question, because 1 to `minimum` − 1 people answered for them since an earlier month end
    at which they stood. `labels`: each response's cell (its position in `cells`, −1 for none);
    `person`: each response's person code; `submitted`: when (datetime64); `answered`: whether
    each response answered each of `QUESTIONS`."""
    held: dict[str | None, dict[Cell, str]] = {q: {} for q in (None, *QUESTIONS)}
    inside = labels >= 0
    if not inside.any():
        return held
    month = submitted.astype("datetime64[M]").astype(np.int64)
    # A cell whose responses all fall in one month never changes between two month ends.
    spread = pd.DataFrame({"cell": labels[inside], "month": month[inside]}).groupby("cell")["month"]
    changing = spread.nunique()
    changing = changing.index[changing > 1].to_numpy()
    if not len(changing):
        return held
    compact = np.full(len(cells), -1)
    compact[changing] = np.arange(len(changing))
    codes = np.where(inside, compact[np.where(inside, labels, 0)], -1)
    keep = codes >= 0
    codes, person, month, answered = codes[keep], person[keep], month[keep], answered[keep]
    month = month - month.min() + 1
    months = int(month.max())
    stood_rows: np.ndarray | None = None
    for index, question in enumerate((None, *QUESTIONS)):
        mask = np.ones(len(codes), dtype=bool) if question is None else answered[:, index - 1]
        counts = _answered_between(np.where(mask, codes, -1), person, month, len(changing), months)
        hidden, stood = _held_groups(counts, months, minimum, stood_rows)
        if question is None:
            stood_rows = stood
        held[question] = {cells[changing[k]]: SINCE_EARLIER for k in np.flatnonzero(hidden)}
    return held


def _since_earlier_of(
    cells: Mapping[Cell, pd.DataFrame], minimum: int
) -> dict[str | None, dict[Cell, str]]:
    """`_since_earlier` of cells given as a frame of responses each."""
    names = list(cells)
    frames = [cells[name] for name in names]
    if not frames or not sum(len(frame) for frame in frames):
        return {q: {} for q in (None, *QUESTIONS)}
    labels = np.repeat(np.arange(len(names)), [len(frame) for frame in frames])
    person, _ = pd.factorize(
        np.concatenate([frame["participant_id"].to_numpy() for frame in frames]),
        use_na_sentinel=False,
    )
    submitted = np.concatenate([frame["submitted_on"].to_numpy() for frame in frames])
    answered = np.concatenate([frame[list(QUESTIONS)].notna().to_numpy() for frame in frames])
    return _since_earlier(labels, person, submitted, answered, names, minimum)


# --- What the screens call ------------------------------------------------------------------------
def survey_breakdown(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    by: str,
    as_of: date,
    settings: AnonymitySettings = DEFAULT_SETTINGS,
    cohorts: Collection[str] | None = None,
) -> pd.DataFrame:
    """Survey figures per group of the breakdown `by` (one of `BREAKDOWNS`), then an "All" row.

    `responses` are in the import format (`submitted_on` as timestamps); `participants` give the
    role, department and birth year of each respondent. `cohort` groups by the response's
    `cohort_id`, `kind` by survey kind, `month` by the month submitted ("2026-05"); missing values
    group as "Unknown" ("No cohort"). Only responses submitted on or before `as_of` count.

    Columns: group, respondents (distinct people), responses, the mean satisfaction,
    relationship_quality and digital_confidence, nps, shown, note. A hidden row (shown False) has
    blank counts and figures and a note that says why; a shown row may still have a blank
    question, named in its note. By role and by month, the rows are the totals of the trend by
    role (see the module docstring).

    With `cohorts`, the figures of the responses given in those cohorts (every cohort when
    empty): `responses` are then the whole program's (not narrowed; blank cohorts filled by
    `with_pair_cohorts`), and a figure is shown only where it is the sum of cells of the crossed
    table with cohorts that it shows (see the module docstring).
    """
    if by in ("role", "month"):
        tables = role_and_month_tables(
            responses, participants, as_of=as_of, settings=settings, cohorts=cohorts, only=by
        )
        return tables.by_role if by == "role" else tables.by_month
    return _other_breakdown(responses, participants, by, as_of, settings, cohorts)


def _other_breakdown(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    by: str,
    as_of: date,
    settings: AnonymitySettings,
    cohorts: Collection[str] | None,
) -> pd.DataFrame:
    """`survey_breakdown` by a group other than role or month."""
    answered = _answered(responses, as_of)
    if (chosen := _chosen(answered, cohorts)) is not None:
        table = _filtered(answered, participants, by, chosen, settings)
        inside = answered[_group_of(answered, participants, "cohort").isin(chosen)]
        groups = _group_order(inside, participants, by)
        keys = [(group,) for group in groups] + [(ALL,)]
        return _as_table([table.row(key) for key in keys], {"group": [*groups, ALL]})
    rows = _coded_breakdown(answered, participants, by, settings.min_respondents).rows
    return _as_table([row() for row in rows.values()], {"group": list(rows)})


def survey_trend(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    as_of: date,
    settings: AnonymitySettings = DEFAULT_SETTINGS,
    by_role: bool = False,
    cohorts: Collection[str] | None = None,
) -> pd.DataFrame:
    """Survey figures per month submitted, oldest first; with `by_role`, per role of the
    respondent (mentee, mentor) and month, for the months in which that role answered.

    Columns: role (with `by_role`), month ("2026-05"), then those of `survey_breakdown`, under
    the same rule. Without `by_role` this is `survey_breakdown(by="month")` without its All row.
    With it, no cell can be worked out from the month totals, the role totals
    (`survey_breakdown(by="role")`) and the other cells. With `cohorts`, as `survey_breakdown`:
    a cell (role, month) over the chosen cohorts is shown only when each chosen cohort's
    (role, month) cell of the crossed role × month × cohort table is.
    """
    if not by_role:
        table = survey_breakdown(
            responses, participants, by="month", as_of=as_of, settings=settings, cohorts=cohorts
        )
        return table[table["group"] != ALL].rename(columns={"group": "month"})
    return role_and_month_tables(
        responses, participants, as_of=as_of, settings=settings, cohorts=cohorts, only="cells"
    ).by_role_and_month


def _role_month_keys(answered: pd.DataFrame, participants: pd.DataFrame) -> list[Cell]:
    """The (role, month) cells of `answered`, in `_coded_role_by_month`'s order."""
    coded = _Coded.of(answered, participants)
    return _inner_cells(*coded.labels("role"), *coded.labels("month"))[1]


@dataclass(frozen=True)
class RoleMonthTables:
    """The three tables published from the role × month table (see `role_and_month_tables`);
    a table not asked for is None."""

    by_role: pd.DataFrame | None
    by_month: pd.DataFrame | None
    by_role_and_month: pd.DataFrame | None


def role_and_month_tables(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    as_of: date,
    settings: AnonymitySettings = DEFAULT_SETTINGS,
    cohorts: Collection[str] | None = None,
    only: str | None = None,
) -> RoleMonthTables:
    """`survey_breakdown(by="role")`, `survey_breakdown(by="month")` and
    `survey_trend(by_role=True)` at once: the three are published from one role × month table
    (its margins and its cells), so the rule is decided on it once for a screen that shows them
    all. `only` ("role", "month" or "cells") builds just that one. The role and month totals
    follow the rule across as-of dates (module docstring); a cell of a complete month never
    changes."""
    answered = _answered(responses, as_of)
    wanted = {"role", "month", "cells"} if only is None else {only}
    if (chosen := _chosen(answered, cohorts)) is not None:
        table = _filtered(answered, participants, "role", chosen, settings)
        shown_in = answered[_group_of(answered, participants, "cohort").isin(chosen)]
        cells_shown: list[Cell] | None = None  # worked out below if the cells are wanted

        def row(key: Cell) -> dict[str, object]:
            return table.row(key)

        def groups_of(by: str) -> list[str]:
            return _group_order(shown_in, participants, by)

    else:
        rows = _coded_role_by_month(answered, participants, settings.min_respondents).rows
        cells_shown = list(rows)

        def row(key: Cell) -> dict[str, object]:
            return rows[key]()

        def groups_of(by: str) -> list[str]:
            # the margins' cells, (role, ALL) or (ALL, month), in the table's order
            axis = 0 if by == "role" else 1
            return [c[axis] for c in rows if c[axis] != ALL and c[1 - axis] == ALL]

    def margin(by: str) -> pd.DataFrame | None:
        if by not in wanted:
            return None
        groups = groups_of(by)
        keys = [(group, ALL) if by == "role" else (ALL, group) for group in groups]
        return _as_table([row(key) for key in [*keys, (ALL, ALL)]], {"group": [*groups, ALL]})

    inner = None
    if "cells" in wanted:
        if cells_shown is None:
            cells_shown = _role_month_keys(shown_in, participants)
        pairs = [key for key in cells_shown if ALL not in key]
        keys = {"role": [role for role, _ in pairs], "month": [month for _, month in pairs]}
        inner = _as_table([row(key) for key in pairs], keys)
    return RoleMonthTables(margin("role"), margin("month"), inner)


def comments_for(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    as_of: date,
    by: str | None = None,
    group: str = ALL,
    settings: AnonymitySettings = DEFAULT_SETTINGS,
    cohorts: Collection[str] | None = None,
) -> list[str]:
    """The free-text comments of one group of the breakdown `by` (All without `by`), submitted on
    or before `as_of`: bare texts, blanks dropped, sorted; a participant's full name, e-mail or id
    inside a text replaced by "[redacted]".

    Empty when the group has fewer than `min_comment_group` distinct respondents, when listing
    its comments would let a smaller group's comments be told apart by subtraction (see the module
    docstring), or when the breakdown has no such group.

    With `cohorts`, the comments of the group given in those cohorts (`responses` being the whole
    program's, as for `survey_breakdown`): listed only when the group's comments in each chosen
    cohort would be, in the crossed table of the breakdown with cohorts.
    """
    options = {"as_of": as_of, "by": by, "settings": settings, "cohorts": cohorts}
    return comments_by_group(responses, participants, groups=[group], **options)[group]


def comments_by_group(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    as_of: date,
    groups: Collection[str],
    by: str | None = None,
    settings: AnonymitySettings = DEFAULT_SETTINGS,
    cohorts: Collection[str] | None = None,
) -> dict[str, list[str]]:
    """`comments_for` of each of `groups` of the breakdown `by` (group → comments), with the
    rule decided once for them all rather than once per group: the same lists, for a screen that
    shows every group's comments."""
    answered = _answered(responses, as_of)
    if (chosen := _chosen(answered, cohorts)) is not None:
        comments_of = _comments_in(answered, participants, by, chosen, settings)
    else:
        comments_of = _comments_of(answered, participants, by, settings)
    redact = _redactor(participants)
    redacted: dict[str, str] = {}  # a comment listed in two groups (All and its own) is read once
    listed = {}
    for group in groups:
        texts = comments_of(group)
        texts = [] if texts is None else texts.dropna().astype(str).str.strip()
        listed[group] = sorted(
            redacted[text] if text in redacted else redacted.setdefault(text, redact(text))
            for text in texts
            if text
        )
    return listed


def _comments_of(
    answered: pd.DataFrame,
    participants: pd.DataFrame,
    by: str | None,
    settings: AnonymitySettings,
) -> Callable[[str], pd.Series | None]:
    """Group → the comments `comments_for` lists for the whole program; None when withheld."""
    if by is None:
        cells: dict[Cell, pd.DataFrame] = {ALL: answered}
        lines: list[Line] = []
    else:
        cells, lines = _breakdown_cells(answered, participants, by)
    people = {cell: _people(frame) for cell, frame in cells.items()}
    hidden = _protect(people, lines, {}, settings.min_comment_group)

    def comments_of(group: str) -> pd.Series | None:
        if group not in cells or group in hidden:
            return None
        return cells[group]["comment"]

    return comments_of


def _comments_in(
    answered: pd.DataFrame,
    participants: pd.DataFrame,
    by: str | None,
    chosen: frozenset[str],
    settings: AnonymitySettings,
) -> Callable[[str], pd.Series | None]:
    """Group → the comments `comments_for` lists for the chosen cohorts; None when withheld: the
    crossed table `by` × cohort decided on respondents with `min_comment_group`, its margins
    fixed as the whole program's comment lists by `by` and by cohort decide them."""
    minimum = settings.min_comment_group

    def listed(breakdown: str) -> dict[str | None, dict[Cell, str]]:
        cells, lines = _breakdown_cells(answered, participants, breakdown)
        return {None: _protect({c: _people(f) for c, f in cells.items()}, lines, {}, minimum)}

    axis = by or "cohort"
    margins = _both(
        _on_axes(listed(axis), lambda cell: (cell, ALL)),
        _on_axes(listed("cohort"), lambda cell: (ALL, cell)),
    )
    cells, lines, support = _cube(answered, participants, (axis, "cohort"))
    fixed = frozenset(cell for cell in cells if ALL in cell)
    decided, people = _decide_cube(cells, lines, support, margins, fixed, minimum, questions=())
    known = set(_group_of(answered, participants, axis))

    def comments_of(group: str) -> pd.Series | None:
        if by is None and group != ALL:
            return None
        if group == ALL:
            key: tuple[str, ...] = (ALL,)
        elif group in known:
            key = (group,)
        else:
            return None
        parts = [key + (cohort,) for cohort in sorted(chosen) if key + (cohort,) in cells]
        members = frozenset().union(*(people[None][part] for part in parts))
        if len(members) < minimum or any(part in decided[None] for part in parts):
            return None
        return pd.concat([cells[part]["comment"] for part in parts])

    return comments_of


# --- Names inside comments ------------------------------------------------------------------------
def _redactor(participants: pd.DataFrame) -> Callable[[str], str]:
    """A function that gives a text with every run of words spelling a participant's id, full
    name or e-mail (compared as lower-case words) replaced by "[redacted]"."""
    columns = [column for column in ("participant_id", "name", "email") if column in participants]
    values = pd.concat([participants[column] for column in columns]).dropna().astype(object)
    # Lower-cased once, all values together; each value's words are one look-up key.
    joined = "\n".join(str(value).replace("\n", " ") for value in values.unique()).lower()
    identifiers = {tuple(_WORD.findall(line)) for line in joined.split("\n")} - {()}
    # The lengths of the identifiers that start with each word, longest first: most words
    # start none, so a text costs one set look-up per word.
    starts: dict[str, tuple[int, ...]] = {}
    for words in identifiers:
        known = starts.get(words[0])
        if known is None:
            starts[words[0]] = (len(words),)
        elif len(words) not in known:
            starts[words[0]] = tuple(sorted((*known, len(words)), reverse=True))

    def redacted(text: str) -> str:
        found = _WORD.findall(text.lower())
        # the words, and those in the possessive without their "'s": what the look-up below reads
        bare_words = [word[:-2] for word in found if word.endswith(("'s", "’s"))]
        if starts.keys().isdisjoint(found) and starts.keys().isdisjoint(bare_words):
            return text  # no word of it starts a name, an e-mail or an id: most comments
        words = list(_WORD.finditer(text))
        lower = [word.group().lower() for word in words]
        # A name in the possessive ("Ana Silva's") is still the name: its "'s" stays.
        bare = [_POSSESSIVE.sub("", word) for word in lower]
        pieces, copied, index = [], 0, 0
        while index < len(words):
            lengths = starts.get(lower[index], ())
            if bare[index] != lower[index]:
                lengths = sorted({*lengths, *starts.get(bare[index], ())}, reverse=True)
            for length in lengths:
                last = index + length - 1
                if last >= len(words):
                    continue
                run = tuple(lower[index:last])
                if run + (lower[last],) in identifiers:
                    end = words[last].end()
                elif run + (bare[last],) in identifiers:
                    end = words[last].end() - (len(lower[last]) - len(bare[last]))
                else:
                    continue
                pieces += [text[copied : words[index].start()], REDACTED]
                copied, index = end, last + 1
                break
            else:
                index += 1
        return "".join([*pieces, text[copied:]])

    return redacted
