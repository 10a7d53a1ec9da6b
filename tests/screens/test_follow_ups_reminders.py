"""Follow-ups' e-mail section (AppTest, SQLite and PostgreSQL): "Due today" shows what the next
run sends with a preview and no personal link; "Send now" is for program managers and sends
through a real SMTP server; after it nothing is due; the pair detail lists the e-mails."""

import pytest
from sqlalchemy import func, select

from data_access.follow_ups import log_follow_up
from data_access.models import OutboxMessage
from tests.reminder_program import AS_OF
from tests.screens.conftest import page_text

PAGE = "screens/follow_ups.py"


@pytest.fixture
def store(reminder_store):
    url, engine = reminder_store
    log_follow_up(engine, pair_id="PD", actor="Kim", note="called", owner="coord@example.org")
    return url, engine


def _open(app_on, url: str, **options):
    """Follow-ups with its reminder e-mails section switched on."""
    at = app_on(url, page=PAGE, as_of=AS_OF, **options).run()
    at.toggle(key="show_reminders").set_value(True).run()
    return at


def _outbox(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count(OutboxMessage.id))).scalar_one()


def test_due_today_previews_each_rule_without_personal_links(app_on, store) -> None:
    url, engine = store
    at = _open(app_on, url)
    assert not at.exception
    text = page_text(at)
    # nothing is snoozed here: PD, PE, PF and PG are stalled, two people each
    for title in ("No first meeting yet (2)", "Stalled (8)", "Exit survey (2)"):
        assert title in [expander.label for expander in at.expander], title
    previews = "\n".join(text.value for text in at.text)
    assert "Time for your first mentoring meeting" in text
    assert "?checkin=<personal link>" in previews and "?optout=<personal link>" in previews
    assert "checkin=ey" not in previews  # no working token is shown to staff
    assert _outbox(engine) == 0  # looking queues nothing


def test_send_now_sends_the_due_messages_once(app_on, store, inbox) -> None:
    url, engine = store
    at = _open(app_on, url)
    at.button(key="send_reminders_now").click().run()
    assert not at.exception
    sent = len(inbox.messages)
    assert sent > 0 and _outbox(engine) == sent
    assert f"{sent} sent, 0 failed" in page_text(at)
    assert "No reminder e-mail is due on this date." in page_text(at)
    at.run()
    assert len(inbox.messages) == sent


def test_only_program_managers_can_send_now(app_on, store) -> None:
    url, _engine = store
    at = _open(app_on, url, role="coordinator")
    assert not at.exception
    assert not [button for button in at.button if button.key == "send_reminders_now"]
    assert "Program managers can send the due e-mails" in page_text(at)
