"""Free-text comments under the rule (`min_comment_group`), with participants' names, e-mails and
ids redacted inside them."""

import re
from collections.abc import Callable, Collection
from datetime import date

import pandas as pd

from app.privacy.crossed import _both, _chosen, _cube, _decide_cube, _on_axes
from app.privacy.over_time import _answered
from app.privacy.rule import _breakdown_cells, _group_of, _people, _protect
from app.privacy.terms import ALL, DEFAULT_SETTINGS, REDACTED, AnonymitySettings, Cell, Line

# A word of a comment or of a name: letters and digits, with the joiners of e-mails and ids.
_WORD = re.compile(r"[\w@+-]+(?:[.'’][\w@+-]+)*")
_POSSESSIVE = re.compile(r"['’]s$")


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
