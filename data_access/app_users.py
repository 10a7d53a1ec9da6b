"""Who may use PairPulse when sign-in is configured: the app-users table, e-mail → role.

E-mail addresses are kept trimmed and in lower case and looked up without regard to case, so
`Ana@Example.org` from the identity provider finds `ana@example.org`. Every change writes an
audit row in the same transaction. The store always keeps at least one program manager once it
has one: removing or demoting the last one is refused, so nobody is locked out of the Data screen.
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from data_access.models import AppUser, AuditLog

#: The roles a person can be given (the keys of `components.access.ROLES`).
APP_ROLES = ("executive", "program_manager", "coordinator")
PROGRAM_MANAGER = "program_manager"
AUDIT_ACTION = "app_user"
MAX_EMAIL_LENGTH = 254
# One @, something before it, a domain with a dot after it, no spaces. The identity provider has
# verified the address; this only catches typing mistakes on the Data screen.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


class AppUserError(ValueError):
    """A change to the app users that was refused; the message says why, for the person."""


@dataclass(frozen=True)
class AppUserRow:
    email: str
    role: str
    added_at: datetime
    added_by: str | None


def normalise_email(text: str) -> str:
    """`text` trimmed and in lower case, or `AppUserError` when it is not an e-mail address."""
    email = text.strip().lower()
    if not email:
        raise AppUserError("Enter an e-mail address.")
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email):
        raise AppUserError(f"{text.strip()[:60]!r} is not an e-mail address.")
    return email


def app_users(engine: Engine) -> list[AppUserRow]:
    """Everyone with access, by e-mail address."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(AppUser.email, AppUser.role, AppUser.added_at, AppUser.added_by).order_by(
                AppUser.email
            )
        ).all()
    return [AppUserRow(*row) for row in rows]


def _row_for(connection: Connection, email: str):
    return connection.execute(
        select(AppUser.email, AppUser.role).where(func.lower(AppUser.email) == email.lower())
    ).first()


def role_for_email(engine: Engine, email: str | None) -> str | None:
    """The role of the person signed in as `email` (any case), or None when they have none."""
    if not email or not email.strip():
        return None
    with engine.connect() as connection:
        row = _row_for(connection, email.strip())
    return row.role if row is not None and row.role in APP_ROLES else None


def _program_managers_other_than(connection: Connection, email: str) -> int:
    """How many program managers there are besides `email`. Every program manager's row stays
    locked until the transaction ends (PostgreSQL), so two managers removing each other at the
    same moment cannot both succeed."""
    managers = connection.execute(
        select(AppUser.email).where(AppUser.role == PROGRAM_MANAGER).with_for_update()
    ).scalars()
    return sum(1 for manager in managers if manager.lower() != email)


def _audit(connection: Connection, actor: str, now: datetime, **detail: str | None) -> None:
    connection.execute(
        insert(AuditLog),
        {"at": now, "actor": actor, "action": AUDIT_ACTION, "detail": json.dumps(detail)},
    )


def grant_role(engine: Engine, email: str, role: str, *, actor: str) -> str:
    """Give `email` the role `role` (adding them, or changing their role); returns what was done
    in a sentence. Refuses a bad address, an unknown role, and demoting the last program
    manager."""
    email = normalise_email(email)
    if role not in APP_ROLES:
        raise AppUserError(f"{role!r} is not a role here.")
    now = datetime.now(UTC)
    with engine.begin() as connection:
        existing = _row_for(connection, email)
        if existing is None:
            connection.execute(
                insert(AppUser),
                {"email": email, "role": role, "added_at": now, "added_by": actor},
            )
            _audit(connection, actor, now, change="added", email=email, role=role)
            return f"{email} can now sign in as {role.replace('_', ' ')}."
        if existing.role == role:
            return f"{email} already has that role; nothing changed."
        if existing.role == PROGRAM_MANAGER and not _program_managers_other_than(connection, email):
            raise AppUserError(
                f"{email} is the only program manager: give someone else that role first, "
                "so that somebody can still manage access."
            )
        connection.execute(update(AppUser).where(AppUser.email == existing.email).values(role=role))
        _audit(
            connection, actor, now, change="changed", email=email, role=role, before=existing.role
        )
    return f"{email} is now {role.replace('_', ' ')} (was {existing.role.replace('_', ' ')})."


def remove_access(engine: Engine, email: str, *, actor: str) -> str:
    """Take away `email`'s access; returns what was done in a sentence. Refuses an address that
    has no access and removing the last program manager."""
    email = normalise_email(email)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        existing = _row_for(connection, email)
        if existing is None:
            raise AppUserError(f"{email} has no access to remove.")
        if existing.role == PROGRAM_MANAGER and not _program_managers_other_than(connection, email):
            raise AppUserError(
                f"{email} is the only program manager and cannot be removed: give someone else "
                "that role first, so that somebody can still manage access."
            )
        connection.execute(delete(AppUser).where(AppUser.email == existing.email))
        _audit(connection, actor, now, change="removed", email=email, before=existing.role)
    return f"{email} no longer has access."
