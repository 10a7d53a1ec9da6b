"""The reminders run at scale: working out the e-mails due and queueing them (target ≤ 10 s on
the `enterprise` program), and how fast queued e-mails go into a local SMTP server."""

import shutil
import socket
import time
from pathlib import Path

from app.bench.table import _median_seconds, row
from app.bench.targets import PAGE_ANCHOR, REMINDERS_TARGET_S
from app.send_reminders import compute_due, run_reminders
from data_access.db import make_engine
from data_access.outbox import queue_messages


def _copy(url: str, folder: Path, name: str) -> str:
    """A copy of the SQLite store at `url` (queueing writes into it)."""
    target = folder / f"{name}.db"
    shutil.copyfile(url.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


def bench_reminders(url: str, scale: str, folder: Path, runs: int) -> dict:
    """Median seconds to work out the reminder e-mails due on `PAGE_ANCHOR` and queue them, on a
    fresh copy of the `scale` store each run."""
    due_count = 0
    copies = [make_engine(_copy(url, folder, f"reminders-{run}")) for run in range(runs)]
    engines = iter(copies)

    def run_once() -> None:
        nonlocal due_count
        engine = next(engines)
        due = compute_due(engine, PAGE_ANCHOR)
        due_count = len(due)
        queue_messages(engine, due.astype(object).where(due.notna(), None).to_dict("records"))

    median, times = _median_seconds(runs, run_once)
    for engine in copies:
        engine.dispose()
    return row(
        f"reminders due + queued, {scale} ({due_count:,} e-mails)",
        median,
        "s",
        runs=times,
        target=REMINDERS_TARGET_S,
    )


def bench_smtp(url: str, scale: str, folder: Path, limit: int = 2_000) -> dict:
    """E-mails per second from the outbox into a local SMTP server (aiosmtpd, when installed:
    it comes with the test requirements)."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        return row("reminder e-mails into a local SMTP server", None, "msg/s", skipped="aiosmtpd")
    import os

    class _Sink:
        count = 0

        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
            _Sink.count += 1
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(_Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    engine = make_engine(_copy(url, folder, "smtp"))
    due = compute_due(engine, PAGE_ANCHOR).head(limit)
    queue_messages(engine, due.astype(object).where(due.notna(), None).to_dict("records"))
    previous = os.environ.get("PAIRPULSE_SMTP_URL")
    os.environ["PAIRPULSE_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    try:
        started = time.perf_counter()
        report = run_reminders(engine, as_of=PAGE_ANCHOR)  # nothing new is due: sends the queue
        seconds = time.perf_counter() - started - report.seconds_due - report.seconds_queue
    finally:
        if previous is None:
            os.environ.pop("PAIRPULSE_SMTP_URL", None)
        else:
            os.environ["PAIRPULSE_SMTP_URL"] = previous
        controller.stop()
        engine.dispose()
    rate = report.sent / seconds if seconds > 0 else None
    return row(
        f"reminder e-mails into a local SMTP server, {scale} ({report.sent:,} sent)",
        rate,
        "msg/s",
    )
