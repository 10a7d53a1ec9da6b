"""Survey aggregates under the anonymity rule (PRODUCT.md §5).

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

Free-text comments follow steps 1–2 on respondents with `min_comment_group`, per breakdown: a
group's comments are listed only when it stays shown, so All's comments minus those listed come
from at least `min_comment_group` people. They are sorted bare texts, never with a name or an id,
and a participant's full name, e-mail or id written inside one is replaced by "[redacted]" (a
first name alone is not recognised).

Nothing submitted after the as-of date counts.
"""

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

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
        return responses["submitted_on"].dt.to_period("M").astype(str)
    if by not in PARTICIPANT_BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}; choose one of {', '.join(BREAKDOWNS)}")
    people = participants.set_index("participant_id")
    attribute = generation(people["birth_year"]) if by == "generation" else people[by]
    return responses["participant_id"].map(attribute).fillna(UNKNOWN)


def _groups(answered: pd.DataFrame, participants: pd.DataFrame, by: str) -> dict[str, pd.DataFrame]:
    """The responses of each group of `by`, in reading order: survey kinds in the order they are
    sent, other groups sorted, Unknown and No cohort last."""
    frames = dict(tuple(answered.groupby(_group_of(answered, participants, by), sort=False)))
    rank = {kind: position for position, kind in enumerate(KINDS)} if by == "kind" else {}
    order = sorted(
        frames, key=lambda group: (group in (UNKNOWN, NO_COHORT), rank.get(group, len(rank)), group)
    )
    return {group: frames[group] for group in order}


def _breakdown_cells(
    answered: pd.DataFrame, participants: pd.DataFrame, by: str
) -> tuple[dict[Cell, pd.DataFrame], list[Line]]:
    """The cells of the breakdown `by` (its groups, then All) and its one line."""
    cells: dict[Cell, pd.DataFrame] = {**_groups(answered, participants, by), ALL: answered}
    return cells, [(ALL, list(cells)[:-1])]


def _role_by_month_cells(
    answered: pd.DataFrame, participants: pd.DataFrame
) -> tuple[dict[Cell, pd.DataFrame], list[Line]]:
    """The cells of the trend by role, keyed (role, month): each role's months with responses,
    then the totals (ALL, month), (role, ALL) and (ALL, ALL); and its lines, totals' first."""
    roles = _groups(answered, participants, "role")
    months = _groups(answered, participants, "month")
    inner = {
        (role, month): frame
        for role, by_role in roles.items()
        for month, frame in _groups(by_role, participants, "month").items()
    }
    cells: dict[Cell, pd.DataFrame] = {
        **inner,
        **{(ALL, month): frame for month, frame in months.items()},
        **{(role, ALL): frame for role, frame in roles.items()},
        (ALL, ALL): answered,
    }
    lines: list[Line] = [
        ((ALL, ALL), [(ALL, month) for month in months]),
        ((ALL, ALL), [(role, ALL) for role in roles]),
        *(((ALL, month), [cell for cell in inner if cell[1] == month]) for month in months),
        *(((role, ALL), [cell for cell in inner if cell[0] == role]) for role in roles),
    ]
    return cells, lines


# --- The rule -------------------------------------------------------------------------------------
def _people(responses: pd.DataFrame, question: str | None = None) -> frozenset[str]:
    """The distinct respondents of `responses`, or those of them who answered `question`."""
    respondents = responses["participant_id"]
    if question is not None:
        respondents = respondents[responses[question].notna()]
    return frozenset(respondents)


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
    together = frozenset().union(*hidden_parts)
    return not hidden_parts or (len(hidden_parts) >= 2 and len(together) >= minimum)


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


def _figures(responses: pd.DataFrame) -> dict[str, object]:
    """A cell's figures: distinct respondents, responses, the mean of each score, and the NPS."""
    return {
        "respondents": responses["participant_id"].nunique(),
        "responses": len(responses),
        **{mean: responses[mean].astype(float).mean() for mean in MEANS},
        "nps": metrics.net_promoter_score(responses["nps"]),
    }


def _question_note(hidden: Mapping[str, str], minimum: int) -> str:
    """E.g. "nps hidden: fewer than 5 respondents answered" for a shown row's hidden questions."""
    notes = []
    for reason in (FEWER, BY_SUBTRACTION):
        questions = [question for question, why in hidden.items() if why == reason]
        if questions:
            answered = " answered" if reason == FEWER else ""
            why = reason.format(minimum=minimum)
            notes.append(f"{', '.join(questions)} {SUPPRESSED}: {why}{answered}")
    return "; ".join(notes)


def _protected_rows(
    cells: Mapping[Cell, pd.DataFrame], lines: Sequence[Line], minimum: int
) -> dict[Cell, dict[str, object]]:
    """Each cell's figures under the anonymity rule: blank where hidden, with `shown`, `note`."""
    empty = {cell: FEWER for cell, frame in cells.items() if frame.empty}
    rows_hidden = _protect(
        {cell: _people(frame) for cell, frame in cells.items()}, lines, empty, minimum
    )
    questions_hidden = {
        question: _protect(
            {cell: _people(frame, question) for cell, frame in cells.items()},
            lines,
            rows_hidden,
            minimum,
        )
        for question in QUESTIONS
    }
    rows: dict[Cell, dict[str, object]] = {}
    for cell, frame in cells.items():
        if cell in rows_hidden:
            note = f"{SUPPRESSED}: {rows_hidden[cell].format(minimum=minimum)}"
            rows[cell] = {"respondents": pd.NA, "responses": pd.NA, "shown": False, "note": note}
            rows[cell].update(dict.fromkeys(QUESTIONS, np.nan))
            continue
        figures = _figures(frame)
        hidden_here = {
            question: hidden[cell]
            for question, hidden in questions_hidden.items()
            if cell in hidden
        }
        figures.update(dict.fromkeys(hidden_here, np.nan))
        rows[cell] = {**figures, "shown": True, "note": _question_note(hidden_here, minimum)}
    return rows


def _as_table(rows: list[dict[str, object]], keys: dict[str, list[object]]) -> pd.DataFrame:
    """`rows` as a frame: the key columns `keys`, then `COLUMNS`; counts as nullable integers."""
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    for name, values in reversed(keys.items()):
        table.insert(0, name, values)
    return table.astype({"respondents": "Int64", "responses": "Int64", "shown": bool})


# --- What the screens call ------------------------------------------------------------------------
def survey_breakdown(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    by: str,
    as_of: date,
    settings: AnonymitySettings = DEFAULT_SETTINGS,
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
    """
    answered = metrics.responses_as_of(responses, as_of=as_of)
    if by in ("role", "month"):
        cells, lines = _role_by_month_cells(answered, participants)
        rows = _protected_rows(cells, lines, settings.min_respondents)
        groups = list(_groups(answered, participants, by))
        keyed = [(group, ALL) if by == "role" else (ALL, group) for group in groups]
        return _as_table([rows[key] for key in [*keyed, (ALL, ALL)]], {"group": [*groups, ALL]})
    cells, lines = _breakdown_cells(answered, participants, by)
    rows = _protected_rows(cells, lines, settings.min_respondents)
    return _as_table(list(rows.values()), {"group": list(rows)})


def survey_trend(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    as_of: date,
    settings: AnonymitySettings = DEFAULT_SETTINGS,
    by_role: bool = False,
) -> pd.DataFrame:
    """Survey figures per month submitted, oldest first; with `by_role`, per role of the
    respondent (mentee, mentor) and month, for the months in which that role answered.

    Columns: role (with `by_role`), month ("2026-05"), then those of `survey_breakdown`, under
    the same rule. Without `by_role` this is `survey_breakdown(by="month")` without its All row.
    With it, no cell can be worked out from the month totals, the role totals
    (`survey_breakdown(by="role")`) and the other cells.
    """
    if not by_role:
        table = survey_breakdown(
            responses, participants, by="month", as_of=as_of, settings=settings
        )
        return table[table["group"] != ALL].rename(columns={"group": "month"})
    answered = metrics.responses_as_of(responses, as_of=as_of)
    cells, lines = _role_by_month_cells(answered, participants)
    rows = _protected_rows(cells, lines, settings.min_respondents)
    inner = [cell for cell in cells if ALL not in cell]
    keys = {"role": [role for role, _ in inner], "month": [month for _, month in inner]}
    return _as_table([rows[cell] for cell in inner], keys)


def comments_for(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    as_of: date,
    by: str | None = None,
    group: str = ALL,
    settings: AnonymitySettings = DEFAULT_SETTINGS,
) -> list[str]:
    """The free-text comments of one group of the breakdown `by` (All without `by`), submitted on
    or before `as_of`: bare texts, blanks dropped, sorted; a participant's full name, e-mail or id
    inside a text replaced by "[redacted]".

    Empty when the group has fewer than `min_comment_group` distinct respondents, when listing
    its comments would let a smaller group's comments be told apart by subtraction (see the module
    docstring), or when the breakdown has no such group.
    """
    answered = metrics.responses_as_of(responses, as_of=as_of)
    if by is None:
        cells: dict[Cell, pd.DataFrame] = {ALL: answered}
        lines: list[Line] = []
    else:
        cells, lines = _breakdown_cells(answered, participants, by)
    people = {cell: _people(frame) for cell, frame in cells.items()}
    hidden = _protect(people, lines, {}, settings.min_comment_group)
    if group not in cells or group in hidden:
        return []
    texts = cells[group]["comment"].dropna().astype(str).str.strip()
    identifiers, longest = _identifiers(participants)
    return sorted(_redacted(text, identifiers, longest) for text in texts if text)


# --- Names inside comments ------------------------------------------------------------------------
def _identifiers(participants: pd.DataFrame) -> tuple[frozenset[str], int]:
    """Every participant's id, full name and e-mail as lower-case words joined by spaces, and the
    most words any of them has."""
    columns = [column for column in ("participant_id", "name", "email") if column in participants]
    values = pd.concat([participants[column] for column in columns]).dropna().astype(str)
    identifiers = frozenset(" ".join(_WORD.findall(value.lower())) for value in values) - {""}
    return identifiers, max((len(value.split()) for value in identifiers), default=0)


def _redacted(text: str, identifiers: frozenset[str], longest: int) -> str:
    """`text` with every run of words that spells an identifier replaced by "[redacted]"."""
    words = list(_WORD.finditer(text))
    pieces, copied, index = [], 0, 0
    while index < len(words):
        for length in range(min(longest, len(words) - index), 0, -1):
            run = words[index : index + length]
            if " ".join(word.group().lower() for word in run) in identifiers:
                pieces += [text[copied : run[0].start()], REDACTED]
                copied, index = run[-1].end(), index + length
                break
        else:
            index += 1
    return "".join([*pieces, text[copied:]])
