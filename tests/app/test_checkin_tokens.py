"""Check-in link tokens: what a genuine token names, and what is refused."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from app.checkin import tokens
from data_access.models import Setting


@pytest.fixture(autouse=True)
def _no_configured_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(tokens.SECRET_KEY_ENV, raising=False)


def test_a_token_names_its_participant_pair_and_purpose(engine) -> None:
    token = tokens.make_token(engine, "P001", "PR01")
    claims = tokens.read_token(engine, token)
    assert (claims.participant_id, claims.pair_id, claims.purpose) == ("P001", "PR01", "checkin")
    assert abs(claims.issued_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_the_generated_key_is_kept_in_the_store_once(engine) -> None:
    first = tokens.signing_key(engine)
    assert tokens.signing_key(engine) == first
    with engine.connect() as connection:
        keys = connection.execute(select(Setting.key)).scalars().all()
    assert keys.count(tokens.STORED_KEY_SETTING) == 1


def test_a_tampered_token_is_refused(engine) -> None:
    token = tokens.make_token(engine, "P001", "PR01")
    forged = URLSafeTimedSerializer("not the key", salt="pairpulse.link.v1").dumps(
        {"p": "P002", "pr": "PR01", "u": "checkin"}
    )
    flipped = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for bad in (forged, flipped, "", "garbage"):
        with pytest.raises(tokens.LinkRefused) as refused:
            tokens.read_token(engine, bad)
        assert refused.value.reason == "invalid"


def test_an_expired_token_is_refused(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    token = tokens.make_token(engine, "P001", "PR01")
    monkeypatch.setattr("time.time", lambda: datetime.now(UTC).timestamp() + 31 * 86_400)
    with pytest.raises(tokens.LinkRefused) as refused:
        tokens.read_token(engine, token)
    assert refused.value.reason == "expired"
    assert "expired" in str(refused.value)


def test_a_link_for_one_purpose_does_not_open_another(engine) -> None:
    optout = tokens.make_token(engine, "P001", None, "optout")
    with pytest.raises(tokens.LinkRefused):
        tokens.read_token(engine, optout, purpose="checkin")
    assert tokens.read_token(engine, optout, purpose="optout").pair_id is None


def test_rotating_the_key_invalidates_old_links(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(tokens.SECRET_KEY_ENV, "first key")
    token = tokens.make_token(engine, "P001", "PR01")
    assert tokens.read_token(engine, token).participant_id == "P001"
    monkeypatch.setenv(tokens.SECRET_KEY_ENV, "second key")
    with pytest.raises(tokens.LinkRefused):
        tokens.read_token(engine, token)


def test_the_link_carries_the_token_in_its_query() -> None:
    url = tokens.link_url("https://pairpulse.example.org/", "abc.def-ghi", "optout")
    parsed = urlparse(url)
    assert parsed.netloc == "pairpulse.example.org"
    assert parse_qs(parsed.query) == {"optout": ["abc.def-ghi"]}
