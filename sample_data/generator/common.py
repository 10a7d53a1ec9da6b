"""Small helpers of the generator: seeded random streams, dates as day offsets, ids, frames."""

import os
from datetime import date

import numpy as np
import pandas as pd

from data_access.models import PROGRAM_TABLES
from sample_data.generator.plan import AS_OF_ENV


def default_anchor() -> date:
    """The anchor when none is given: `PAIRPULSE_AS_OF` (ISO date) if set, else today."""
    value = os.environ.get(AS_OF_ENV)
    return date.fromisoformat(value) if value else date.today()


def _rng(seed: int, stage: int) -> np.random.Generator:
    """An independent stream per stage, so changing one stage leaves the others' draws alone."""
    return np.random.default_rng([seed, stage])


def _allocate(n: int, shares: dict[int, float], rng: np.random.Generator) -> np.ndarray:
    """`n` outcomes in the given shares (largest remainder: small cohorts still get each kind)."""
    kinds = np.array(list(shares))
    exact = np.array(list(shares.values())) * n
    counts = np.floor(exact).astype(int)
    counts[np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]] += 1
    return rng.permutation(np.repeat(kinds, counts))


def _uniform_int(
    rng: np.random.Generator, low: np.ndarray | int, high: np.ndarray | int, size: int
) -> np.ndarray:
    """Integers in [low, high] inclusive, element-wise."""
    return rng.integers(low, np.asarray(high) + 1, size=size)


def _on_weekday(offsets: np.ndarray, anchor: date, latest: np.ndarray | int) -> np.ndarray:
    """Move weekend days to the Friday before, or to the Monday after if not past `latest`."""
    weekday = (anchor.weekday() + offsets) % 7
    monday_after = offsets + 1
    sunday = np.where(monday_after <= latest, monday_after, offsets - 2)
    return np.where(weekday == 5, offsets - 1, np.where(weekday == 6, sunday, offsets))


def _dates(offsets: np.ndarray, anchor: date, missing: np.ndarray | None = None) -> np.ndarray:
    """Day offsets from the anchor as `datetime.date` objects (None where `missing`)."""
    days = np.where(missing, 0, offsets) if missing is not None else offsets
    values = (np.datetime64(anchor, "D") + days.astype("timedelta64[D]")).astype(object)
    if missing is not None:
        values[missing] = None
    return values


def _ids(prefix: str, count: int, width: int) -> list[str]:
    width = max(width, len(str(count)))
    return [f"{prefix}{number:0{width}d}" for number in range(1, count + 1)]


def _nullable(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(values.astype("int64"), missing)


def _season(day: date) -> str:
    return ("Winter", "Spring", "Summer", "Autumn")[(day.month % 12) // 3]


#: Columns the stages leave to a later step (`source`: how a row arrived, set by `_check_ins`;
#: a participant's `employee_id`, set by `workforce`).
LATER_COLUMNS = {"source": None, "employee_id": None}


def _frame(table: str, columns: dict[str, object]) -> pd.DataFrame:
    """A frame with exactly the model's columns, in the model's order."""
    names = list(PROGRAM_TABLES[table].__table__.columns.keys())  # type: ignore[attr-defined]
    columns = {**{name: value for name, value in LATER_COLUMNS.items() if name in names}, **columns}
    assert set(columns) == set(names), set(columns) ^ set(names)
    return pd.DataFrame({name: columns[name] for name in names})
