"""Writing the sample program into a store: `python -m app seed`, the first run, the Data screen.

`seed_store` refuses a store that already holds program data unless asked to replace it, and
writes everything in one transaction, parents first, through `data_access.writes.upsert_rows` —
so a failed seed leaves the store exactly as it was.
"""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, overload

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, select

from data_access import revision
from data_access.db import refresh_statistics
from data_access.models import (
    PROGRAM_TABLES,
    FollowUp,
    LinkRevocation,
    MailOptOut,
    OutboxMessage,
    Scenario,
    ScenarioPair,
)
from data_access.writes import upsert_rows
from sample_data.generator import SCALES, generate_program

__all__ = ["SCALES", "StoreNotEmptyError", "seed_store"]

# Share of the progress bar spent generating; the rest follows the rows written.
GENERATING_SHARE = 0.1

# Records the app keeps about program data; they go when the program they describe is replaced.
DEPENDENT_TABLES = (FollowUp, ScenarioPair, Scenario, OutboxMessage, LinkRevocation, MailOptOut)


class StoreNotEmptyError(Exception):
    """The store already holds program data and the caller did not ask to replace it."""


def _refuse_program_data(connection: Connection) -> None:
    """Raise StoreNotEmptyError if any program table holds a row."""
    if any(
        connection.execute(select(func.count()).select_from(model)).scalar_one() > 0
        for model in PROGRAM_TABLES.values()
    ):
        raise StoreNotEmptyError(
            "The store already holds program data; seed again with --replace to overwrite it."
        )


def _delete_program_data(connection: Connection) -> None:
    """Delete the program's rows and the app's records about them, children first."""
    for model in (*DEPENDENT_TABLES, *reversed(PROGRAM_TABLES.values())):
        connection.execute(delete(model))


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts of plain Python values, with None for every missing value."""
    columns = [frame[name].to_numpy(dtype=object, na_value=None) for name in frame.columns]
    names = list(frame.columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


class _FrameRows(Sequence[dict[str, Any]]):
    """A frame's rows as dicts, built one slice at a time so ~1M meetings never sit in memory as
    dicts all at once (`upsert_rows` reads its rows in chunks)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def __len__(self) -> int:
        return len(self._frame)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return _rows(self._frame.iloc[index])
        return _rows(self._frame.iloc[[index]])[0]


def seed_store(
    engine: Engine,
    *,
    scale: str = "demo",
    seed: int = 7,
    anchor: date | None = None,
    replace: bool = False,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, int]:
    """Write the sample program of `scale` into the store behind `engine`.

    `seed` and `anchor` (the program's "today", default `PAIRPULSE_AS_OF`, else today) are
    passed to `generate_program`. Raises StoreNotEmptyError, writing nothing, when the store holds
    program data and `replace` is false; with `replace` the old program data (and the follow-ups
    and saved scenarios that point at it) is deleted in the same transaction as the new rows are
    written. `progress(fraction, message)` is called as the work advances. Returns the number of
    rows written per table, keyed like the import files ("cohorts", "participants", …).
    """
    report = progress or (lambda _fraction, _message: None)
    if not replace:  # fail before the work of generating; checked again when writing
        with engine.connect() as connection:
            _refuse_program_data(connection)
    report(0.0, f"Generating the {scale} program…")
    frames = generate_program(scale=scale, seed=seed, anchor=anchor)
    total = sum(len(frame) for frame in frames.values())
    written = 0

    def advance(rows: int, message: str) -> None:
        nonlocal written
        written += rows
        report(GENERATING_SHARE + (1 - GENERATING_SHARE) * written / total, message)

    with engine.begin() as connection:
        if replace:
            _delete_program_data(connection)
        else:
            _refuse_program_data(connection)
        for name, model in PROGRAM_TABLES.items():
            message = f"Writing {name}…"
            advance(0, message)
            upsert_rows(
                connection,
                model,
                _FrameRows(frames[name]),
                on_chunk=lambda rows, message=message: advance(rows, message),
            )
        revision.bump(connection, revision.PROGRAM)
    report(1.0, "Updating the store's statistics…")
    refresh_statistics(engine)
    report(1.0, "Done.")
    return {name: len(frame) for name, frame in frames.items()}
