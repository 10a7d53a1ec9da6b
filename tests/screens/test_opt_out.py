"""The opt-out page (AppTest, SQLite and PostgreSQL): one confirm, then no more e-mail to that
person; a check-in token does not open it."""

from app.checkin import tokens
from app.send_reminders import compute_due
from data_access.outbox import opted_out
from tests.reminder_program import AS_OF, email, mentor


def test_opting_out_stops_every_further_email(app_on, reminder_store) -> None:
    url, engine = reminder_store
    person = mentor("PD")
    assert email(person) in set(compute_due(engine, AS_OF)["recipient_email"])
    at = app_on(url, as_of=AS_OF)
    at.query_params["optout"] = tokens.make_token(engine, person, None, "optout")
    at.run()
    assert not at.exception and at.title[0].value == "E-mail preferences"
    at.button[0].click().run()
    assert "no more e-mail" in at.success[0].value
    assert opted_out(engine, person)
    assert email(person) not in set(compute_due(engine, AS_OF)["recipient_email"])


def test_a_check_in_token_does_not_opt_anyone_out(app_on, reminder_store) -> None:
    url, engine = reminder_store
    at = app_on(url, as_of=AS_OF)
    at.query_params["optout"] = tokens.make_token(engine, mentor("PD"), "PD")
    at.run()
    assert not at.exception and len(at.button) == 0
    assert "not valid" in at.error[0].value
    assert not opted_out(engine, mentor("PD"))
