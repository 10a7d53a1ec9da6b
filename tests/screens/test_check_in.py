"""The check-in page a personal link opens (AppTest, SQLite and PostgreSQL): only the pair's
first names and the form; refused links write nothing; a second submission writes nothing; bad
input is refused; markup is stored as text and shown literally; no other screen opens."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from app.checkin import tokens
from app.headlines import store_health
from app.settings import load_settings
from data_access.checkins import revoke_links
from data_access.health_inputs import load_health_inputs
from data_access.models import Meeting, SurveyResponse
from tests.reminder_program import AS_OF, mentee, mentor
from tests.screens.conftest import page_text


def _open(app_on, url: str, token: str, *, page: str | None = None) -> AppTest:
    at = app_on(url, as_of=AS_OF)
    at.query_params["checkin"] = token
    if page is not None:
        at.switch_page(page)
    return at.run()


def _counts(engine) -> tuple[int, int]:
    with engine.connect() as connection:
        return (
            connection.execute(select(func.count()).select_from(Meeting)).scalar_one(),
            connection.execute(select(func.count()).select_from(SurveyResponse)).scalar_one(),
        )


def _fill(at: AppTest, *, held_on=None, minutes=40, topics="roadmap", satisfaction=4) -> AppTest:
    at.date_input[0].set_value(held_on or AS_OF - timedelta(days=1))
    at.selectbox[0].set_value("video")
    at.number_input[0].set_value(minutes)
    at.text_input[0].set_value(topics)
    at.radio[0].set_value(satisfaction)
    at.radio[1].set_value(5)
    return at


def _stalled(engine, pair_id: str) -> bool:
    health = store_health(load_health_inputs(engine, as_of=AS_OF), load_settings(engine))
    return bool(health.at[pair_id, "stalled"])


def test_a_link_shows_only_the_pairs_first_names_and_the_form(app_on, reminder_store) -> None:
    url, engine = reminder_store
    at = _open(app_on, url, tokens.make_token(engine, mentee("PD"), "PD"))
    assert not at.exception
    text = page_text(at)
    assert "EliD, with MiaD" in text
    assert "Stone" not in text and "Park" not in text  # no surnames
    assert "Cohort health" not in text and "Follow-ups" not in text
    assert [button.label for button in at.button] == ["Send"]
    assert len(at.radio) == 3  # a mentee also answers digital confidence


def test_logging_a_meeting_writes_it_once_and_the_pair_is_no_longer_stalled(
    app_on, reminder_store
) -> None:
    url, engine = reminder_store
    token = tokens.make_token(engine, mentor("PD"), "PD")
    assert _stalled(engine, "PD")
    before = _counts(engine)
    at = _fill(_open(app_on, url, token), topics="<b>Copilot</b> **prompts** [x](javascript:1)")
    at.button[0].click().run()
    assert not at.exception
    assert "Thank you" in page_text(at)
    assert _counts(engine) == (before[0] + 1, before[1] + 1)
    with engine.connect() as connection:
        row = connection.execute(
            select(Meeting.topics, Meeting.source, Meeting.duration_minutes).where(
                Meeting.pair_id == "PD", Meeting.source == "checkin"
            )
        ).one()
    assert tuple(row) == ("<b>Copilot</b> **prompts** [x](javascript:1)", "checkin", 40)
    assert not _stalled(engine, "PD")
    # the same link opened again (a reload): the thank-you, no form, nothing written
    again = _open(app_on, url, token)
    assert "Thank you" in page_text(again) and len(again.button) == 0
    assert _counts(engine) == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"held_on": AS_OF + timedelta(days=1)}, "is in the future"),
        ({"held_on": AS_OF - timedelta(days=400)}, "is before the pair started"),
        ({"minutes": 0}, "at least 1 minute"),
        ({"minutes": 10_000}, "must be between 0 and 1440"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    app_on, reminder_store, change, problem
) -> None:
    url, engine = reminder_store
    before = _counts(engine)
    at = _fill(_open(app_on, url, tokens.make_token(engine, mentor("PC"), "PC")), **change)
    at.button[0].click().run()
    assert not at.exception
    assert "Nothing was saved" in at.error[0].value and problem in at.error[0].value
    assert _counts(engine) == before


def _refused(at: AppTest) -> str:
    assert not at.exception
    assert len(at.button) == 0 and len(at.radio) == 0
    return at.error[0].value


def test_a_tampered_link_is_refused(app_on, reminder_store) -> None:
    url, engine = reminder_store
    token = tokens.make_token(engine, mentor("PD"), "PD")
    assert "not valid" in _refused(_open(app_on, url, token[:-2] + "xx"))


def test_an_expired_link_is_refused(app_on, reminder_store, monkeypatch) -> None:
    url, engine = reminder_store
    token = tokens.make_token(engine, mentor("PD"), "PD")
    later = datetime.now(UTC).timestamp() + (tokens.LINK_MAX_AGE_DAYS + 1) * 86_400
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert "expired" in _refused(_open(app_on, url, token))


def test_a_revoked_link_is_refused_and_a_new_one_works(app_on, reminder_store) -> None:
    url, engine = reminder_store
    old = tokens.make_token(engine, mentor("PD"), "PD")
    revoke_links(engine, mentor("PD"), actor="Kim")
    assert "withdrawn" in _refused(_open(app_on, url, old))
    time.sleep(1.1)  # link times are whole seconds: a link of the revocation's second is revoked
    newer = tokens.make_token(engine, mentor("PD"), "PD")
    assert len(_open(app_on, url, newer).button) == 1


def test_a_link_of_an_ended_pair_or_another_pair_is_refused(app_on, reminder_store) -> None:
    url, engine = reminder_store
    assert "has ended" in _refused(
        _open(app_on, url, tokens.make_token(engine, mentor("PI"), "PI"))
    )
    assert "does not open" in _refused(
        _open(app_on, url, tokens.make_token(engine, mentor("PD"), "PC"))
    )


def test_a_completed_pairs_link_opens_the_exit_survey(app_on, reminder_store) -> None:
    url, engine = reminder_store
    before = _counts(engine)
    at = _open(app_on, url, tokens.make_token(engine, mentor("PH"), "PH"))
    assert len(at.date_input) == 0  # no meeting to log
    at.radio[0].set_value(5)
    at.radio[2].set_value(9)  # recommendation, 0–10
    at.button[0].click().run()
    assert "Thank you" in page_text(at)
    with engine.connect() as connection:
        kind, nps = connection.execute(
            select(SurveyResponse.kind, SurveyResponse.nps).where(
                SurveyResponse.source == "checkin"
            )
        ).one()
    assert (kind, nps) == ("exit", 9)
    assert _counts(engine) == (before[0], before[1] + 1)


@pytest.mark.parametrize(
    "page", ["screens/executive_summary.py", "screens/follow_ups.py", "screens/data.py"]
)
def test_no_other_screen_opens_from_a_check_in_link(app_on, reminder_store, page) -> None:
    url, engine = reminder_store
    at = _open(app_on, url, tokens.make_token(engine, mentor("PD"), "PD"), page=page)
    assert not at.exception
    assert at.title[0].value == "Check in"
    assert "MiaD, with EliD" in page_text(at)
