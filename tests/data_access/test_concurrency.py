"""`reads_beside`: the database behind the engine decides whether reads run side by side."""

import threading
from types import SimpleNamespace

import pytest

from data_access.concurrency import reads_beside


def _engine(dialect: str) -> SimpleNamespace:
    return SimpleNamespace(dialect=SimpleNamespace(name=dialect))


def _recording(log: list, name: str, value: int):
    def run() -> int:
        log.append((name, threading.current_thread() is threading.main_thread()))
        return value

    return run


def test_on_sqlite_the_other_work_runs_first_then_each_read_in_this_thread() -> None:
    log: list = []
    reads = [_recording(log, "first", 1), _recording(log, "second", 2)]
    done, results = reads_beside(_engine("sqlite"), reads, _recording(log, "meanwhile", 0))
    assert (done, results) == (0, [1, 2])
    assert log == [("meanwhile", True), ("first", True), ("second", True)]


def test_on_a_server_the_reads_run_in_worker_threads_and_keep_their_order() -> None:
    log: list = []
    reads = [_recording(log, "first", 1), _recording(log, "second", 2)]
    done, results = reads_beside(_engine("postgresql"), reads, _recording(log, "meanwhile", 0))
    assert (done, results) == (0, [1, 2])
    assert ("meanwhile", True) in log
    assert sorted(entry for entry in log if entry[0] != "meanwhile") == [
        ("first", False),
        ("second", False),
    ]


def test_a_failed_read_in_a_worker_thread_is_raised_here() -> None:
    def fails() -> int:
        raise RuntimeError("the server went away")

    with pytest.raises(RuntimeError, match="went away"):
        reads_beside(_engine("postgresql"), [fails], lambda: 0)
