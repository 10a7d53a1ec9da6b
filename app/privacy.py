"""Survey aggregates under the anonymity rule (PRODUCT.md §5).

- A group with fewer than `min_respondents` distinct respondents is not shown: its values and
  counts are blank and its note says why.
- Complementary suppression: the "All" row and the shown groups must not give a hidden group
  away by subtraction. While exactly one group is hidden, or the hidden groups together have
  fewer than `min_respondents` respondents, the smallest shown group is hidden too; if no group
  is left to hide, "All" is hidden instead. So what can be derived — the hidden groups taken
  together — always covers at least two groups and at least `min_respondents` people.
- Free-text comments only for a group of `min_comment_group` (10) or more respondents, as texts
  alone: never with a name or an id.

Nothing submitted after the as-of date counts.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from app import metrics

ALL = "All"
HIDDEN_SMALL = "hidden: fewer than {minimum} respondents"
HIDDEN_COMPLEMENT = "hidden: would reveal a small group by subtraction"
MEASURES = ("satisfaction", "relationship_quality", "digital_confidence")
BREAKDOWNS = ("cohort", "role", "department", "generation", "kind", "month")
# (first birth year, last birth year, name); anything else is "Unknown".
GENERATIONS = (
    (1946, 1964, "Baby Boomers"),
    (1965, 1980, "Gen X"),
    (1981, 1996, "Millennials"),
    (1997, 2012, "Gen Z"),
)


@dataclass(frozen=True)
class AnonymitySettings:
    """The anonymity rule's two thresholds, validated on creation."""

    min_respondents: int = 5
    min_comment_group: int = 10

    def __post_init__(self) -> None:
        if not 3 <= self.min_respondents <= 10:
            raise ValueError("the minimum group size must be between 3 and 10 respondents")
        if self.min_comment_group < self.min_respondents:
            raise ValueError("the comment threshold cannot be below the minimum group size")


def generation(birth_year: pd.Series) -> pd.Series:
    """The generation of each birth year: Baby Boomers (1946–1964), Gen X (1965–1980),
    Millennials (1981–1996), Gen Z (1997–2012), else Unknown."""
    years = pd.to_numeric(birth_year, errors="coerce")
    conditions = [years.between(first, last) for first, last, _ in GENERATIONS]
    names = [name for _, _, name in GENERATIONS]
    return pd.Series(np.select(conditions, names, default="Unknown"), index=birth_year.index)


def _grouping(responses: pd.DataFrame, participants: pd.DataFrame, by: str) -> pd.Series:
    """The group each response falls in for the breakdown `by`."""
    if by == "cohort":
        return responses["cohort_id"].fillna("No cohort")
    if by == "kind":
        return responses["kind"]
    if by == "month":
        return responses["submitted_on"].dt.to_period("M").astype(str)
    people = participants.set_index("participant_id")
    if by == "generation":
        attribute = generation(people["birth_year"])
    elif by in ("role", "department"):
        attribute = people[by]
    else:
        raise ValueError(f"unknown breakdown {by!r}; choose one of {', '.join(BREAKDOWNS)}")
    return responses["participant_id"].map(attribute).fillna("Unknown")


def _aggregate(responses: pd.DataFrame) -> dict[str, float]:
    return {
        "respondents": float(responses["participant_id"].nunique()),
        "responses": float(len(responses)),
        **{measure: float(responses[measure].mean()) for measure in MEASURES},
        "nps": metrics.net_promoter_score(responses["nps"]),
    }


def _suppress(table: pd.DataFrame, minimum: int) -> pd.DataFrame:
    """Hide small groups, then hide more until subtraction from "All" reveals nothing small."""
    is_group = pd.Series(table.index != ALL, index=table.index)
    hidden = is_group & (table["respondents"] < minimum)
    notes = pd.Series("", index=table.index).mask(hidden, HIDDEN_SMALL.format(minimum=minimum))
    if table.loc[ALL, "respondents"] < minimum:
        hidden[ALL] = True
        notes[ALL] = HIDDEN_SMALL.format(minimum=minimum)
    while not hidden[ALL]:
        hidden_groups = is_group & hidden
        together = table.loc[hidden_groups, "respondents"].sum()
        if not hidden_groups.any() or (hidden_groups.sum() >= 2 and together >= minimum):
            break
        shown = table[is_group & ~hidden].sort_values(["respondents", "responses"])
        victim = shown.index[0] if len(shown) else ALL
        hidden[victim] = True
        notes[victim] = HIDDEN_COMPLEMENT
    values = ["respondents", "responses", *MEASURES, "nps"]
    table = table.astype(dict.fromkeys(values, float))
    table.loc[hidden, values] = np.nan
    table["shown"] = ~hidden
    table["note"] = notes
    return table


def survey_breakdown(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    by: str,
    as_of: date,
    settings: AnonymitySettings | None = None,
) -> pd.DataFrame:
    """Survey aggregates per group of the breakdown `by` (one of `BREAKDOWNS`), plus "All".

    Columns: group, respondents (distinct people), responses, mean satisfaction, relationship
    quality and digital confidence, nps, shown, note. Hidden rows have blank values and counts
    and a note that says why. Only responses submitted on or before `as_of` count.
    """
    settings = settings or AnonymitySettings()
    answered = metrics.responses_as_of(responses, as_of=as_of)
    keys = _grouping(answered, participants, by)
    rows = {group: _aggregate(rows) for group, rows in answered.groupby(keys, sort=True)}
    rows[ALL] = _aggregate(answered)
    table = pd.DataFrame.from_dict(rows, orient="index")
    table = _suppress(table, settings.min_respondents)
    return table.rename_axis("group").reset_index()


def comments_for(
    responses: pd.DataFrame, *, as_of: date, settings: AnonymitySettings | None = None
) -> list[str]:
    """The non-blank comments of one group's responses, as texts only (no name, no id), sorted;
    an empty list when the group has fewer than `min_comment_group` distinct respondents."""
    settings = settings or AnonymitySettings()
    answered = metrics.responses_as_of(responses, as_of=as_of)
    if answered["participant_id"].nunique() < settings.min_comment_group:
        return []
    texts = answered["comment"].dropna().astype(str).str.strip()
    return sorted(text for text in texts if text)


def survey_trend(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    as_of: date,
    settings: AnonymitySettings | None = None,
    by_role: bool = False,
) -> pd.DataFrame:
    """Survey aggregates per month (and per role of the respondent, mentor vs mentee), each
    month's cell under the anonymity rule as in `survey_breakdown`. Columns: role (when
    `by_role`), month, and the columns of `survey_breakdown` without the "All" rows."""
    if not by_role:
        table = survey_breakdown(
            responses, participants, by="month", as_of=as_of, settings=settings
        )
        return table[table["group"] != ALL].rename(columns={"group": "month"})
    roles = responses["participant_id"].map(participants.set_index("participant_id")["role"])
    parts = [
        survey_trend(responses[roles == role], participants, as_of=as_of, settings=settings).assign(
            role=role
        )
        for role in ("mentor", "mentee")
    ]
    table = pd.concat(parts, ignore_index=True)
    return table[["role", *[column for column in table.columns if column != "role"]]]
