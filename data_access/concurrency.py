"""Whether reads of one store run side by side: a choice the database behind the engine makes."""

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Engine

R = TypeVar("R")
M = TypeVar("M")


def reads_beside(
    engine: Engine, reads: Sequence[Callable[[], R]], meanwhile: Callable[[], M]
) -> tuple[M, list[R]]:
    """`meanwhile()` and each of `reads` (reads whose work the database does: aggregates in
    SQL), their results.

    On a database server the server aggregates `reads` for worker threads while this thread runs
    `meanwhile` (the executive summary's cold run is shorter); a failure in one
    of them is raised here. SQLite aggregates inside this process: in worker threads, its rows
    and `meanwhile`'s contend for Python's lock, and the same reads took longer than one after
    the other (docs/architecture.md), so there `meanwhile` runs first, then each read in turn.
    `reads` must be free of Streamlit calls: they may run in another thread.
    """
    if engine.dialect.name == "sqlite":
        done = meanwhile()
        return done, [read() for read in reads]
    with ThreadPoolExecutor(max_workers=max(len(reads), 1)) as pool:
        pending = [pool.submit(read) for read in reads]
        done = meanwhile()
        return done, [future.result() for future in pending]
