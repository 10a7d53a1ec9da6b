"""The app-users table (who may sign in, with which role): adding, changing, removing, each
audited; bad addresses refused; the last program manager kept. SQLite and PostgreSQL."""

import json

import pytest
from sqlalchemy import Engine, select

from data_access.app_users import (
    AppUserError,
    app_users,
    grant_role,
    remove_access,
    role_for_email,
)
from data_access.models import AuditLog


def _audit(engine: Engine) -> list[tuple[str, str, dict]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditLog.actor, AuditLog.action, AuditLog.detail).order_by(AuditLog.id)
        ).all()
    return [(actor, action, json.loads(detail)) for actor, action, detail in rows]


def test_a_person_is_added_found_in_any_case_changed_and_removed(engine: Engine) -> None:
    assert role_for_email(engine, "ana@example.org") is None
    grant_role(engine, "  Ana@Example.ORG ", "coordinator", actor="pm@example.org")
    assert [(user.email, user.role, user.added_by) for user in app_users(engine)] == [
        ("ana@example.org", "coordinator", "pm@example.org")
    ]
    assert role_for_email(engine, "ANA@example.org") == "coordinator"
    assert role_for_email(engine, "other@example.org") is None

    message = grant_role(engine, "ana@example.org", "executive", actor="pm@example.org")
    assert "now executive" in message
    assert role_for_email(engine, "ana@example.org") == "executive"

    remove_access(engine, "ANA@EXAMPLE.ORG", actor="pm@example.org")
    assert app_users(engine) == []
    assert role_for_email(engine, "ana@example.org") is None

    assert _audit(engine) == [
        (
            "pm@example.org",
            "app_user",
            {"change": "added", "email": "ana@example.org", "role": "coordinator"},
        ),
        (
            "pm@example.org",
            "app_user",
            {
                "change": "changed",
                "email": "ana@example.org",
                "role": "executive",
                "before": "coordinator",
            },
        ),
        (
            "pm@example.org",
            "app_user",
            {"change": "removed", "email": "ana@example.org", "before": "executive"},
        ),
    ]


def test_granting_the_same_role_again_changes_nothing(engine: Engine) -> None:
    grant_role(engine, "ana@example.org", "coordinator", actor="pm")
    assert "nothing changed" in grant_role(engine, "ANA@example.org", "coordinator", actor="pm")
    assert len(app_users(engine)) == 1
    assert len(_audit(engine)) == 1


@pytest.mark.parametrize(
    "email",
    [
        "",
        "   ",
        "ana",
        "ana@",
        "@example.org",
        "ana@example",
        "a b@example.org",
        "a@b@c.org",
        "x" * 250 + "@example.org",
    ],
)
def test_a_bad_address_is_refused_and_nothing_is_written(engine: Engine, email: str) -> None:
    with pytest.raises(AppUserError):
        grant_role(engine, email, "coordinator", actor="pm")
    assert app_users(engine) == []
    assert _audit(engine) == []


def test_an_unknown_role_is_refused(engine: Engine) -> None:
    with pytest.raises(AppUserError, match="not a role"):
        grant_role(engine, "ana@example.org", "superuser", actor="pm")
    assert app_users(engine) == []


def test_the_last_program_manager_can_be_neither_removed_nor_demoted(engine: Engine) -> None:
    grant_role(engine, "pm@example.org", "program_manager", actor="setup")
    with pytest.raises(AppUserError, match="only program manager"):
        remove_access(engine, "PM@example.org", actor="pm@example.org")
    with pytest.raises(AppUserError, match="only program manager"):
        grant_role(engine, "pm@example.org", "coordinator", actor="pm@example.org")
    assert role_for_email(engine, "pm@example.org") == "program_manager"
    assert len(_audit(engine)) == 1

    grant_role(engine, "second@example.org", "program_manager", actor="pm@example.org")
    remove_access(engine, "pm@example.org", actor="second@example.org")  # now allowed
    assert [user.email for user in app_users(engine)] == ["second@example.org"]


def test_removing_someone_without_access_is_refused(engine: Engine) -> None:
    with pytest.raises(AppUserError, match="no access"):
        remove_access(engine, "nobody@example.org", actor="pm")
    assert _audit(engine) == []
