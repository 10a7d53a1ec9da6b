"""One reminders run (`python -m app send-reminders`, Follow-ups' "Send now"): work out what is
due (`app.reminders`), queue it in the outbox, then send every unsent message over SMTP
(`app.mailer`). Without a mail server the messages stay queued and say so; a failed message
stays queued with its error and is tried again on the next run; nothing is sent twice.
"""

import smtplib
import time
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import Engine

from app.checkin.tokens import Purpose, link_url, make_token, signing_key
from app.headlines import store_health
from app.mailer import NOT_CONFIGURED, Mailer, SmtpSettings, public_url, smtp_settings
from app.reminders import due_messages
from app.settings import load_settings
from data_access.follow_ups import latest_follow_ups
from data_access.health_inputs import load_health_inputs
from data_access.outbox import (
    mark_failed,
    mark_sent,
    opted_out_ids,
    queue_messages,
    queued_keys,
    unsent,
)
from data_access.queries import pair_directory


@dataclass
class RunReport:
    """What a run did: its lines (one per message) and the counts."""

    due: int = 0
    queued: int = 0
    sent: int = 0
    failed: int = 0
    waiting: int = 0  # kept unsent: no mail server configured
    lines: list[str] = field(default_factory=list)
    seconds_due: float = 0.0
    seconds_queue: float = 0.0
    seconds_send: float = 0.0

    def summary(self, *, dry_run: bool = False) -> str:
        if dry_run:
            return (
                f"{self.due:,} messages due, {self.queued:,} new (dry run: nothing queued or sent)"
            )
        text = (
            f"{self.due:,} messages due, {self.queued:,} newly queued; "
            f"{self.sent:,} sent, {self.failed:,} failed (kept queued for the next run)"
        )
        if self.waiting:
            text += f", {self.waiting:,} {NOT_CONFIGURED}"
        return text


def compute_due(engine: Engine, as_of: date) -> pd.DataFrame:
    """Every message due on `as_of`, with working check-in and opt-out links."""
    settings = load_settings(engine)
    inputs = load_health_inputs(engine, as_of=as_of)
    health = store_health(inputs, settings)
    directory = pair_directory(engine)
    key = signing_key(engine)  # made once here, not once per link
    base = public_url()

    def link(participant_id: str, pair_id: str | None, purpose: Purpose) -> str:
        return link_url(
            base, make_token(engine, participant_id, pair_id, purpose, key=key), purpose
        )

    return due_messages(
        health,
        inputs.pairs,
        latest_follow_ups(engine, as_of),
        directory,
        as_of=as_of,
        settings=settings.reminders(),
        opted_out=opted_out_ids(engine),
        link=link,
    )


def not_queued(engine: Engine, due: pd.DataFrame) -> pd.DataFrame:
    """The messages of `due` the outbox does not hold yet: what a run would newly queue."""
    known = queued_keys(engine, due["dedupe_key"])
    return due[~due["dedupe_key"].isin(known)].reset_index(drop=True)


def send_queued(engine: Engine, smtp: SmtpSettings | None, report: RunReport) -> None:
    """Try every unsent message once (oldest first); record each outcome."""
    pending = unsent(engine)
    if smtp is None:
        report.waiting = len(pending)
        report.lines += [
            f"waiting  {row.rule:<13} {row.recipient_email}  {row.subject} ({NOT_CONFIGURED})"
            for row in pending.itertuples()
        ]
        return
    mailer = Mailer(smtp)
    try:
        for row in pending.itertuples():
            try:
                mailer.send(row.recipient_email, row.subject, row.body)
            except (smtplib.SMTPException, OSError) as error:
                mark_failed(engine, int(row.id), f"{type(error).__name__}: {error}")
                report.failed += 1
                report.lines.append(
                    f"failed   {row.rule:<13} {row.recipient_email}  {row.subject} ({error})"
                )
                continue
            mark_sent(engine, int(row.id))
            report.sent += 1
            report.lines.append(f"sent     {row.rule:<13} {row.recipient_email}  {row.subject}")
    finally:
        mailer.close()


def run_reminders(
    engine: Engine, *, as_of: date, dry_run: bool = False, send: bool = True
) -> RunReport:
    """Queue what is due on `as_of` and (unless `dry_run`, or `send` is False) send the queue."""
    report = RunReport()
    smtp = smtp_settings()  # a bad PAIRPULSE_SMTP_URL stops the run before anything is queued
    started = time.perf_counter()
    due = compute_due(engine, as_of)
    report.seconds_due = time.perf_counter() - started
    report.due = len(due)
    if dry_run:
        fresh = not_queued(engine, due)
        report.queued = len(fresh)
        report.lines += [
            f"due      {row.rule:<13} {row.recipient_email}  {row.subject}"
            for row in fresh.itertuples()
        ]
        return report
    started = time.perf_counter()
    records = due.astype(object).where(due.notna(), None).to_dict("records")
    report.queued = queue_messages(engine, records)
    report.seconds_queue = time.perf_counter() - started
    if send:
        started = time.perf_counter()
        send_queued(engine, smtp, report)
        report.seconds_send = time.perf_counter() - started
    return report
