"""Opening a personal link: the token's checks and the store's, one plain message when refused."""

from dataclasses import dataclass

from sqlalchemy import Engine

from app.checkin.tokens import LinkRefused, Purpose, read_token
from data_access.checkins import EXIT_STATUS, RUNNING_STATUSES, LinkPair, link_pair, revoked

REVOKED = "This link has been withdrawn. Use the link in your most recent e-mail, or ask your program coordinator for a new one."  # noqa: E501
NOT_YOUR_PAIR = (
    "This link does not open a check-in any more. Ask your program coordinator for a new one."  # noqa: E501
)
ENDED = "This mentoring pair has ended, so there is nothing more to log here. Thank you for taking part."  # noqa: E501


@dataclass(frozen=True)
class OpenedLink:
    """A link that opens: who it is for and, for a check-in, the pair's page."""

    participant_id: str
    pair: LinkPair | None


def open_link(engine: Engine, token: str, purpose: Purpose = "checkin") -> OpenedLink:
    """The opened link, or `LinkRefused` with the plain message to show (nothing is written)."""
    claims = read_token(engine, token, purpose=purpose)
    if revoked(engine, claims.participant_id, claims.issued_at):
        raise LinkRefused("revoked", REVOKED)
    if purpose != "checkin":
        return OpenedLink(claims.participant_id, None)
    pair = link_pair(engine, claims.participant_id, claims.pair_id)
    if pair is None:
        raise LinkRefused("not_in_pair", NOT_YOUR_PAIR)
    if pair.status not in (*RUNNING_STATUSES, EXIT_STATUS):
        raise LinkRefused("ended", ENDED)
    return OpenedLink(claims.participant_id, pair)
