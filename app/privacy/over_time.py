"""Across as-of dates: only complete months count, and a cell that changed by fewer than the
minimum since an earlier month end is hidden before the rule runs."""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from app import metrics
from app.privacy.terms import QUESTIONS, SINCE_EARLIER, Cell, _distinct

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
