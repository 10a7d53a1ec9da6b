"""Reminder e-mails end to end on SQLite and PostgreSQL, through a real SMTP server (aiosmtpd):
who is sent what, with working links; nothing twice; a refusing server keeps the queue."""

import re
from email.message import Message
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from app.checkin import tokens
from app.send_reminders import run_reminders
from data_access.follow_ups import log_follow_up, resolve, snooze
from data_access.models import OutboxMessage
from data_access.outbox import opt_out
from tests.conftest import SMTP_TEST_PUBLIC_URL as PUBLIC
from tests.conftest import Inbox
from tests.reminder_program import AS_OF, import_program, mentee, mentor
from tests.reminder_program import email as address_of


@pytest.fixture
def program(engine: Engine, tmp_path: Path) -> Engine:
    import_program(engine, tmp_path / "program")
    snooze(engine, pair_id="PE", actor="Kim", until=AS_OF.replace(year=AS_OF.year + 1))
    resolve(engine, pair_id="PF", actor="Kim")
    log_follow_up(engine, pair_id="PD", actor="Kim", note="called", owner="coord@example.org")
    opt_out(engine, mentee("PG"))
    return engine


def _sent(inbox: Inbox) -> dict[tuple[str, str], Message]:
    """(recipient, subject) → message."""
    return {(message["To"], message["Subject"]): message for message in inbox.messages}


def _rules_by_recipient(engine: Engine) -> set[tuple[str, str | None, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(OutboxMessage.rule, OutboxMessage.pair_id, OutboxMessage.recipient_email)
        ).all()
    return {(row.rule, row.pair_id, row.recipient_email) for row in rows}


def test_a_run_sends_each_due_message_to_the_right_people(program: Engine, inbox: Inbox) -> None:
    report = run_reminders(program, as_of=AS_OF)
    both = lambda rule, pair: {  # noqa: E731
        (rule, pair, address_of(mentor(pair))),
        (rule, pair, address_of(mentee(pair))),
    }
    expected = (
        both("first_meeting", "PA")
        | both("cadence", "PC")
        | both("pulse", "PC")
        | both("stalled", "PD")
        | both("pulse", "PD")
        | {("stalled", "PG", "mg@example.org"), ("pulse", "PG", "mg@example.org")}
        | both("exit", "PH")
        | {("digest", None, "coord@example.org")}
    )
    assert _rules_by_recipient(program) == expected
    assert (report.sent, report.failed, report.queued) == (len(expected), 0, len(expected))
    assert len(inbox.messages) == len(expected)
    recipients = {message["To"] for message in inbox.messages}
    assert not recipients & {address_of(mentor(p)) for p in ("PB", "PE", "PF")}
    assert address_of(mentee("PG")) not in recipients  # opted out


def test_the_links_in_a_message_open_that_persons_check_in_and_opt_out(
    program: Engine, inbox: Inbox
) -> None:
    run_reminders(program, as_of=AS_OF)
    message = next(m for m in inbox.messages if m["To"] == address_of(mentee("PA")))
    body = message.get_payload(decode=True).decode()
    checkin = re.search(rf"{re.escape(PUBLIC)}/\?checkin=(\S+)", body)
    optout = re.search(rf"{re.escape(PUBLIC)}/\?optout=(\S+)", body)
    assert checkin and optout, body
    claims = tokens.read_token(program, checkin.group(1))
    assert (claims.participant_id, claims.pair_id) == (mentee("PA"), "PA")
    assert tokens.read_token(program, optout.group(1), purpose="optout").participant_id == (
        mentee("PA")
    )
    assert "Mia" in message["Subject"] and message["From"] == "PairPulse <pairpulse@example.org>"


def test_a_second_run_sends_nothing(program: Engine, inbox: Inbox) -> None:
    first = run_reminders(program, as_of=AS_OF)
    second = run_reminders(program, as_of=AS_OF)
    assert first.sent > 0
    assert (second.due, second.queued, second.sent) == (first.due, 0, 0)
    assert len(inbox.messages) == first.sent


def test_a_refusing_server_keeps_the_messages_queued_and_the_next_run_sends_them_once(
    program: Engine, inbox: Inbox
) -> None:
    inbox.refuse = "451 4.3.0 Mail server temporarily rejected message"
    refused = run_reminders(program, as_of=AS_OF)
    assert refused.sent == 0 and refused.failed == refused.queued > 0
    with program.connect() as connection:
        errors = (
            connection.execute(select(OutboxMessage.error).where(OutboxMessage.sent_at.is_(None)))
            .scalars()
            .all()
        )
    assert len(errors) == refused.queued and all("451" in error for error in errors)
    inbox.refuse = None
    retried = run_reminders(program, as_of=AS_OF)
    assert (retried.queued, retried.sent, retried.failed) == (0, refused.queued, 0)
    assert len(inbox.messages) == refused.queued
    assert run_reminders(program, as_of=AS_OF).sent == 0


def test_a_mail_server_that_is_down_loses_nothing(
    program: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAIRPULSE_SMTP_URL", "smtp://127.0.0.1:9")  # nothing listens there
    report = run_reminders(program, as_of=AS_OF)
    assert report.sent == 0 and report.failed == report.queued > 0
    with program.connect() as connection:
        unsent = connection.execute(
            select(func.count()).where(OutboxMessage.sent_at.is_(None))
        ).scalar_one()
    assert unsent == report.queued


def test_without_a_mail_server_messages_wait_and_say_why(
    program: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAIRPULSE_SMTP_URL", raising=False)
    report = run_reminders(program, as_of=AS_OF)
    assert report.sent == 0 and report.waiting == report.queued > 0
    assert "not sent: no mail server configured" in report.summary()


def test_dry_run_queues_nothing(program: Engine, inbox: Inbox) -> None:
    report = run_reminders(program, as_of=AS_OF, dry_run=True)
    assert report.due > 0 and report.queued == report.due
    with program.connect() as connection:
        assert connection.execute(select(func.count(OutboxMessage.id))).scalar_one() == 0
    assert inbox.messages == []


def test_the_command_prints_a_line_per_message_and_a_summary(
    cli_store: str, tmp_path: Path, inbox: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main
    from data_access.db import make_engine

    engine = make_engine(cli_store)
    import_program(engine, tmp_path / "program")
    assert main(["send-reminders", "--as-of", AS_OF.isoformat(), "--dry-run"]) == 0
    dry = capsys.readouterr().out.splitlines()
    assert dry[-1].startswith(f"Reminders as of {AS_OF.isoformat()}: ")
    assert "dry run: nothing queued or sent" in dry[-1] and inbox.messages == []
    assert main(["send-reminders", "--as-of", AS_OF.isoformat()]) == 0
    lines = capsys.readouterr().out.splitlines()
    sent = [line for line in lines if line.startswith("sent ")]
    assert len(sent) == len(inbox.messages) == len(dry) - 1
    assert f"{len(sent)} sent, 0 failed" in lines[-1]
    engine.dispose()


def test_a_mail_server_address_that_makes_no_sense_is_refused(
    cli_store: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    monkeypatch.setenv("PAIRPULSE_SMTP_URL", "http://mail.example.org")
    assert main(["send-reminders", "--as-of", AS_OF.isoformat()]) == 2
    assert "PAIRPULSE_SMTP_URL must look like smtp://" in capsys.readouterr().err
