"""The words and thresholds of the anonymity rule: what a hidden cell says and why, the breakdowns,
questions and generations, and the settings (`AnonymitySettings`)."""

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct integers of `values`, sorted: a sort and a comparison of neighbours, which
    here is much faster than `np.unique` (NumPy 2.4 takes a hash table for integers)."""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]
