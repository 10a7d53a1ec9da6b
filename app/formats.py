"""How numbers and dates read on every screen, in the PDF and the CLI: one place, one style.

- counts: thousands separator, no decimals ("1,234"); with their noun, `plural` ("1,234 pairs");
- shares: whole percent, no space ("40%"); changes of a share in points ("+5 pts");
- scores and means: one decimal, with their scale when they have one ("4.2 / 5", "62.0 / 100");
- dates: day, short month, year ("9 Nov 2026"); `DATE_COLUMN` is the same for table columns.

An unknown value (None, NaN) reads "—".
"""

from datetime import date, datetime

import pandas as pd

UNKNOWN = "—"
#: `st.column_config.DateColumn`'s format (moment.js) that reads like `day`.
DATE_COLUMN = "D MMM YYYY"
#: `st.column_config.NumberColumn`'s format for counts: thousands separator, no decimals.
COUNT_COLUMN = "localized"


def _unknown(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def count(value: float | None) -> str:
    """A count: "1,234"."""
    return UNKNOWN if _unknown(value) else f"{value:,.0f}"


def plural(value: int, noun: str) -> str:
    """A count and its noun, the noun in the plural unless the count is one: "1 pair",
    "1,234 pairs"."""
    return f"{value:,} {noun}" if value == 1 else f"{value:,} {noun}s"


def percent(share: float | None) -> str:
    """A share (0–1) as a whole percent: "40%"."""
    return UNKNOWN if _unknown(share) else f"{share:.0%}"


def decimal(value: float | None, *, scale: str = "") -> str:
    """A score or mean with one decimal, with its `scale` when given: "4.2 / 5"."""
    if _unknown(value):
        return UNKNOWN
    return f"{value:,.1f} / {scale}" if scale else f"{value:,.1f}"


def signed(value: float | None, *, decimals: int = 0) -> str:
    """A change or an NPS with its sign: "+25", "−0.3" is written "-0.3"."""
    return UNKNOWN if _unknown(value) else f"{value:+,.{decimals}f}"


def day(value: date | datetime | pd.Timestamp | None) -> str:
    """A date: "9 Nov 2026"."""
    if _unknown(value):
        return UNKNOWN
    return f"{value.day} {value:%b %Y}"
