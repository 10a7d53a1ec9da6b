"""Signed, expiring link tokens (`itsdangerous`): one participant, one pair, one purpose.

A token is what a participant's e-mail carries: `checkin` opens the check-in form for that pair,
`optout` stops further e-mail to that person. It grants nothing else. The signing key is
`PAIRPULSE_SECRET_KEY` when set, else one generated on first use and kept in the store's
`setting` table (never written to the audit log); changing the key invalidates every link.
"""

import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal
from urllib.parse import urlencode

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from data_access.models import Setting

SECRET_KEY_ENV = "PAIRPULSE_SECRET_KEY"  # noqa: S105 (the variable's name, not a key)
#: The `setting` row that keeps the generated key when `PAIRPULSE_SECRET_KEY` is unset.
STORED_KEY_SETTING = "link_signing_key"
#: How long a link works after it was made.
LINK_MAX_AGE_DAYS = 30
_SALT = "pairpulse.link.v1"

Purpose = Literal["checkin", "optout"]
PURPOSES: tuple[str, ...] = ("checkin", "optout")


class LinkRefused(Exception):
    """A token that must not be honoured; `str(error)` is the plain message to show."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class LinkClaims:
    """What a valid token names."""

    participant_id: str
    pair_id: str | None
    purpose: str
    issued_at: datetime


def signing_key(engine: Engine) -> str:
    """`PAIRPULSE_SECRET_KEY`, else the store's generated key (made and kept on first use)."""
    configured = os.environ.get(SECRET_KEY_ENV, "").strip()
    if configured:
        return configured
    with engine.connect() as connection:
        stored = connection.execute(
            select(Setting.value_json).where(Setting.key == STORED_KEY_SETTING)
        ).scalar_one_or_none()
    if stored is not None:
        return json.loads(stored)
    generated = secrets.token_urlsafe(32)
    try:
        with engine.begin() as connection:
            connection.execute(
                Setting.__table__.insert(),  # type: ignore[attr-defined]
                {
                    "key": STORED_KEY_SETTING,
                    "value_json": json.dumps(generated),
                    "updated_at": datetime.now(UTC),
                    "updated_by": "pairpulse",
                },
            )
    except IntegrityError:  # another process made it first: use theirs
        return signing_key(engine)
    return generated


@lru_cache(maxsize=4)
def _serializer(key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=_SALT)


def make_token(
    engine: Engine,
    participant_id: str,
    pair_id: str | None,
    purpose: Purpose = "checkin",
    *,
    key: str | None = None,
) -> str:
    """A signed token naming `participant_id`, `pair_id` and `purpose`, timestamped now.
    `key` (from `signing_key`) saves reading it again when making many links."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    payload = {"p": participant_id, "pr": pair_id, "u": purpose}
    return _serializer(key or signing_key(engine)).dumps(payload)


def read_token(
    engine: Engine,
    token: str,
    *,
    purpose: Purpose = "checkin",
    max_age_days: int = LINK_MAX_AGE_DAYS,
) -> LinkClaims:
    """The claims of a genuine, unexpired token for `purpose`; `LinkRefused` otherwise.

    Revocation and whether the pair is still active are the caller's checks (they need the
    store's current rows)."""
    serializer = _serializer(signing_key(engine))
    try:
        payload, issued = serializer.loads(
            token, max_age=max_age_days * 86_400, return_timestamp=True
        )
    except SignatureExpired as error:
        raise LinkRefused(
            "expired",
            "This link has expired. Ask your program coordinator for a new one.",
        ) from error
    except BadSignature as error:
        raise LinkRefused(
            "invalid",
            "This link is not valid. Check that it was copied whole, or ask your program "
            "coordinator for a new one.",
        ) from error
    if (
        not isinstance(payload, dict)
        or payload.get("u") != purpose
        or not isinstance(payload.get("p"), str)
    ):
        raise LinkRefused("invalid", "This link is not valid for this page.")
    pair_id = payload.get("pr")
    return LinkClaims(
        participant_id=payload["p"],
        pair_id=pair_id if isinstance(pair_id, str) else None,
        purpose=purpose,
        issued_at=issued if issued.tzinfo else issued.replace(tzinfo=UTC),
    )


def link_url(public_url: str, token: str, purpose: Purpose = "checkin") -> str:
    """The address a participant opens: `<public_url>/?checkin=<token>` (or `?optout=`)."""
    return f"{public_url.rstrip('/')}/?{urlencode({purpose: token})}"
