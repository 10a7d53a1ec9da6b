"""Who the store records for a change made through the screens: under sign-in the signed-in
e-mail address for every write (follow-ups, snoozes, resolves, scenario saves and applies) and
in the nudge's signature; in demo mode "<Role> (demo mode)". One function decides it
(`components.session.current_actor`). On SQLite and PostgreSQL."""

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from components.follow_ups import TABLE_KEY
from data_access.app_users import grant_role
from data_access.importer import read_directory, run_import
from data_access.models import AuditLog, FollowUp, Scenario
from tests.app.test_follow_ups import write_queue_program
from tests.screens.test_sign_in import AUTH

TODAY = datetime.now(UTC).date()
FOLLOW_UPS = "screens/follow_ups.py"
WHAT_IF = "screens/what_if.py"
# Two people waiting for a match in the queue program's cohort, for the What-if screen.
WAITING = "M7,Mentor 7,m7@example.org,mentor,IT,2\nE7,Mentee 7,e7@example.org,mentee,Sales,9\n"


def _program(engine: Engine, folder: Path) -> None:
    folder = write_queue_program(folder)
    people = folder / "participants.csv"
    lines = people.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0] + ",department,job_level", [line + ",," for line in lines[1:]]
    people.write_text("\n".join([header, *rows]) + "\n" + WAITING, encoding="utf-8")
    assert run_import(read_directory(folder), engine=engine).applied


def _signed_in(at: AppTest, email: str) -> AppTest:
    at.secrets["auth"] = dict(AUTH)
    at.user = {"is_logged_in": True, "email": email}
    return at


def _select_first(at: AppTest) -> AppTest:
    at.session_state[TABLE_KEY] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    return at.run()


def _follow_up_writers(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(FollowUp.action, FollowUp.created_by).order_by(FollowUp.id)
        ).all()
    return [tuple(row) for row in rows]


def test_follow_ups_and_the_nudge_carry_the_signed_in_address(
    app_on, engine: Engine, store_url: str, tmp_path: Path
) -> None:
    _program(engine, tmp_path / "program")
    grant_role(engine, "kim@example.org", "coordinator", actor="test setup")
    at = _signed_in(app_on(store_url, page=FOLLOW_UPS, as_of=TODAY), "Kim@Example.org").run()
    assert not at.exception
    at = _select_first(at)
    assert at.code[1].value.splitlines()[-1] == "kim@example.org"  # the nudge's signature
    at.text_area(key="follow_up_note").input("Called both")
    at.button(key="FormSubmitter:log_follow_up-Log follow-up").click().run()
    at = _select_first(at)
    at.button(key="snooze").click().run()
    at = _select_first(at)
    at.button(key="resolve").click().run()
    assert not at.exception
    assert _follow_up_writers(engine) == [
        ("logged", "kim@example.org"),
        ("snoozed", "kim@example.org"),
        ("resolved", "kim@example.org"),
    ]


def test_demo_mode_records_the_role_viewed_as(
    app_on, engine: Engine, store_url: str, tmp_path: Path
) -> None:
    _program(engine, tmp_path / "program")
    at = _select_first(app_on(store_url, role="coordinator", page=FOLLOW_UPS, as_of=TODAY).run())
    assert at.code[1].value.splitlines()[-1] == "Coordinator (demo mode)"
    at.button(key="resolve").click().run()
    assert not at.exception
    assert _follow_up_writers(engine) == [("resolved", "Coordinator (demo mode)")]


def test_scenario_saves_and_applies_carry_the_signed_in_address(
    app_on, engine: Engine, store_url: str, tmp_path: Path
) -> None:
    _program(engine, tmp_path / "program")
    grant_role(engine, "pm@example.org", "program_manager", actor="test setup")
    at = _signed_in(app_on(store_url, page=WHAT_IF, as_of=TODAY), "pm@example.org").run()
    at = next(button for button in at.button if button.label == "Propose pairs").click().run()
    at.text_input(key="what_if_scenario_name").input("Signed in")
    at = next(button for button in at.button if button.label == "Save as scenario").click().run()
    at = at.checkbox(key="what_if_apply_told_0").check().run()
    at = at.button(key="what_if_apply").click().run()
    assert not at.exception
    with engine.connect() as connection:
        scenarios = connection.execute(
            select(Scenario.name, Scenario.created_by, Scenario.applied_by)
        ).all()
        audit = connection.execute(
            select(AuditLog.actor).where(AuditLog.action == "apply_scenario")
        ).all()
    assert [tuple(row) for row in scenarios] == [("Signed in", "pm@example.org", "pm@example.org")]
    assert [row.actor for row in audit] == ["pm@example.org"]
