"""`python -m app grant | users`: who may sign in, set from the command line with the Data
screen's rules (same validation, audited as "command line", the last program manager kept).
SQLite and PostgreSQL; one run as a real process for the exit status and stderr."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from app.cli import EXIT_OK, EXIT_REFUSED, main
from data_access.app_users import app_users, grant_role, role_for_email
from data_access.models import AuditLog

ROOT = Path(__file__).resolve().parents[2]


def _audit(engine: Engine) -> list[tuple[str, dict]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditLog.actor, AuditLog.detail)
            .where(AuditLog.action == "app_user")
            .order_by(AuditLog.id)
        ).all()
    return [(actor, json.loads(detail)) for actor, detail in rows]


def _people(engine: Engine) -> list[tuple[str, str, str | None]]:
    return [(user.email, user.role, user.added_by) for user in app_users(engine)]


def test_the_first_program_manager_is_granted_listed_and_audited(
    cli_store: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["users"]) == EXIT_OK
    assert "Nobody has access yet" in capsys.readouterr().out

    assert main(["grant", "  Pat@Example.ORG ", "program_manager"]) == EXIT_OK
    assert capsys.readouterr().out.strip() == (
        "pat@example.org can now sign in as program manager."
    )
    assert role_for_email(engine, "PAT@example.org") == "program_manager"
    assert _people(engine) == [("pat@example.org", "program_manager", "command line")]
    assert _audit(engine) == [
        (
            "command line",
            {"change": "added", "email": "pat@example.org", "role": "program_manager"},
        )
    ]

    assert main(["grant", "kim@example.org", "coordinator"]) == EXIT_OK
    capsys.readouterr()
    assert main(["users"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].split()[:2] == ["kim@example.org", "coordinator"]
    assert lines[1].split()[:2] == ["pat@example.org", "program_manager"]
    assert lines[1].endswith("by command line")


def test_a_role_is_changed_and_access_removed(
    cli_store: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    grant_role(engine, "pat@example.org", "program_manager", actor="setup")
    grant_role(engine, "kim@example.org", "coordinator", actor="pat@example.org")

    assert main(["grant", "KIM@example.org", "executive"]) == EXIT_OK
    assert "kim@example.org is now executive (was coordinator)" in capsys.readouterr().out
    assert role_for_email(engine, "kim@example.org") == "executive"

    assert main(["grant", "kim@example.org", "--remove"]) == EXIT_OK
    assert "kim@example.org no longer has access" in capsys.readouterr().out
    assert role_for_email(engine, "kim@example.org") is None
    assert [detail["change"] for actor, detail in _audit(engine) if actor == "command line"] == [
        "changed",
        "removed",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["grant", "not-an-address", "coordinator"], "'not-an-address' is not an e-mail address"),
        (["grant", "kim@example.org", "boss"], "'boss' is not a role here"),
        (["grant", "kim@example.org"], "Give a role (one of: executive, program_manager"),
        (["grant", "kim@example.org", "coordinator", "--remove"], "not both"),
        (["grant", "nobody@example.org", "--remove"], "nobody@example.org has no access"),
        (["grant", "pat@example.org", "--remove"], "pat@example.org is the only program manager"),
        (["grant", "pat@example.org", "executive"], "pat@example.org is the only program manager"),
    ],
)
def test_a_refused_change_exits_2_says_why_and_writes_nothing(
    cli_store: str,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    grant_role(engine, "pat@example.org", "program_manager", actor="setup")
    before = (_people(engine), _audit(engine))

    assert main(argv) == EXIT_REFUSED
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""
    assert (_people(engine), _audit(engine)) == before


def test_an_unknown_role_lists_the_roles_from_a_real_process(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "grant", "kim@example.org", "admin"],
        cwd=ROOT,
        env={
            "DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
            "PATH": "/usr/bin:/bin",
            "PAIRPULSE_DEMO_DATA": "0",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == EXIT_REFUSED
    assert result.stderr.strip() == (
        "Refused, nothing changed: 'admin' is not a role here. "
        "The roles are: executive, program_manager, coordinator."
    )
    assert "Traceback" not in result.stderr
