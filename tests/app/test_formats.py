"""One style for numbers and dates (app.formats), used by the screens and the PDF."""

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from app import formats


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (formats.count(1234), "1,234"),
        (formats.count(0), "0"),
        (formats.percent(0.404), "40%"),
        (formats.percent(1), "100%"),
        (formats.decimal(4.25, scale="5"), "4.2 / 5"),
        (formats.decimal(45.46, scale="100"), "45.5 / 100"),
        (formats.decimal(1234.56), "1,234.6"),
        (formats.signed(25), "+25"),
        (formats.signed(-0.34, decimals=1), "-0.3"),
        (formats.day(date(2026, 11, 9)), "9 Nov 2026"),
        (formats.day(datetime(2026, 11, 12, 8, 30)), "12 Nov 2026"),
        (formats.day(pd.Timestamp("2025-03-01")), "1 Mar 2025"),
    ],
)
def test_numbers_and_dates_read_one_way(value: str, text: str) -> None:
    assert value == text


@pytest.mark.parametrize("unknown", [None, np.nan, pd.NA, pd.NaT])
def test_an_unknown_value_reads_as_a_dash(unknown) -> None:
    assert formats.count(unknown) == formats.percent(unknown) == "—"
    assert formats.decimal(unknown, scale="5") == formats.signed(unknown) == "—"
    assert formats.day(unknown) == "—"


def test_a_count_and_its_noun_read_one_way_everywhere() -> None:
    assert [formats.plural(n, "pair") for n in (0, 1, 2, 1234)] == [
        "0 pairs",
        "1 pair",
        "2 pairs",
        "1,234 pairs",
    ]
