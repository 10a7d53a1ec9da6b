"""Upgrades: a store made by the first Alembic revision, holding data, opens after an upgrade to
the newest revision with every row intact. SQLite and PostgreSQL.

The rows go in with plain SQL written against the first revision's schema (as the code of that
time wrote them), not through today's models, and come back out through today's models.
"""

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, select

from app.startup import open_store
from data_access.app_users import role_for_email
from data_access.db import (
    MIGRATIONS_DIR,
    current_revision,
    forget_engines,
    head_revision,
    make_engine,
    normalise_url,
    table_counts,
    upgrade_store,
)
from data_access.models import (
    AppUser,
    AuditLog,
    Cohort,
    FollowUp,
    Goal,
    Meeting,
    Pair,
    Participant,
    Scenario,
    ScenarioPair,
    Setting,
    StoreCount,
    SurveyResponse,
)
from data_access.revision import table_counts_as_written
from data_access.settings_store import stored_settings
from tests.conftest import BACKENDS, POSTGRES_ENV


def _first_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    revisions = list(ScriptDirectory.from_config(config).walk_revisions())
    first = [revision for revision in revisions if revision.down_revision is None]
    assert len(first) == 1, "the migrations have exactly one base revision"
    return first[0].revision


FIRST = _first_revision()


@pytest.fixture(params=BACKENDS)
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store Alembic has never touched: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"PostgreSQL run skipped: set {POSTGRES_ENV} (e.g. by .ci/run)")
    admin_url = normalise_url(admin_url)
    name = f"pairpulse_upgrade_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# One row (or two) in every table, in the first revision's columns.
OLD_ROWS = [
    "INSERT INTO cohort (cohort_id, name, start_date, end_date, focus_area, target_cadence_days) "
    "VALUES ('C1', 'Spring 2026', '2026-01-05', NULL, 'AI tools', 14)",
    "INSERT INTO participant (participant_id, name, email, role, department, job_level, "
    "birth_year, location, timezone, skills_offered, skills_wanted, capacity, joined_on, left_on) "
    "VALUES ('P1', 'Ana Silva', 'ana@example.org', 'mentor', 'Data', 2, 1999, 'Lisbon', "
    "'Europe/Lisbon', 'python;sql', NULL, 2, '2026-01-02', NULL), "
    "('P2', 'Bo Berg', NULL, 'mentee', 'Finance', 8, 1968, NULL, NULL, NULL, 'python', 1, "
    "NULL, NULL)",
    "INSERT INTO pair (pair_id, cohort_id, mentor_id, mentee_id, started_on, ended_on, status, "
    "focus_area, target_cadence_days) "
    "VALUES ('PR1', 'C1', 'P1', 'P2', '2026-01-10', NULL, 'active', NULL, 21)",
    "INSERT INTO meeting (meeting_id, pair_id, held_on, duration_minutes, format, topics) "
    "VALUES ('M1', 'PR1', '2026-01-20', 45, 'video', 'prompting;spreadsheets')",
    "INSERT INTO goal (goal_id, pair_id, title, category, created_on, due_on, completed_on, "
    "status, progress_pct) VALUES ('G1', 'PR1', 'Automate the monthly report', 'tools', "
    "'2026-01-10', '2026-03-01', NULL, 'in_progress', 40)",
    "INSERT INTO survey_response (response_id, participant_id, pair_id, cohort_id, submitted_on, "
    "kind, satisfaction, relationship_quality, digital_confidence, nps, comment) "
    "VALUES ('S1', 'P2', 'PR1', 'C1', '2026-01-31', 'pulse', 4, 5, 3, 9, 'Going well')",
    "INSERT INTO follow_up (id, pair_id, action, note, next_step, owner, due_on, snoozed_until, "
    "created_at, created_by) VALUES (1, 'PR1', 'note', 'Called both', NULL, 'Kim', NULL, NULL, "
    ":at, 'Kim')",
    "INSERT INTO scenario (id, name, cohort_id, pool, settings_json, created_at, created_by, "
    "applied_at, applied_by) VALUES (1, 'Try 1', 'C1', 'unmatched', '{}', :at, 'Kim', NULL, NULL)",
    "INSERT INTO scenario_pair (id, scenario_id, mentor_id, mentee_id, score, reasons) "
    "VALUES (1, 1, 'P1', 'P2', 0.75, 'skills match')",
    "INSERT INTO app_user (email, role, added_at, added_by) "
    "VALUES ('pm@example.org', 'program_manager', :at, 'setup')",
    "INSERT INTO setting (key, value_json, updated_at, updated_by) "
    "VALUES ('stalled_factor', '2.5', :at, 'pm@example.org')",
    "INSERT INTO audit_log (id, at, actor, action, detail) "
    "VALUES (1, :at, 'Data screen', 'import', '{\"files\": 6}')",
]
AT = datetime(2026, 1, 31, 9, 30, tzinfo=UTC)


def _fill_at_first_revision(engine: Engine) -> None:
    # Timestamps as each backend's driver writes them: UTC text on SQLite, an offset on PostgreSQL.
    at = "2026-01-31 09:30:00.000000" if engine.dialect.name == "sqlite" else AT.isoformat()
    with engine.begin() as connection:
        for statement in OLD_ROWS:
            connection.execute(text(statement), {"at": at} if ":at" in statement else {})


def test_a_store_made_by_the_first_revision_keeps_its_data_through_the_upgrade(
    blank_url: str,
) -> None:
    engine = make_engine(blank_url)
    try:
        upgrade_store(engine, FIRST)
        assert current_revision(engine) == FIRST
        _fill_at_first_revision(engine)

        upgrade_store(engine)
        assert current_revision(engine) == head_revision()
        # Today's schema is all there: every table the models know.
        assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())

        assert table_counts(engine) == {
            "cohorts": 1,
            "participants": 2,
            "pairs": 1,
            "meetings": 1,
            "goals": 1,
            "surveys": 1,
            "employees": 0,
            "promotions": 0,
        }
        # The upgrade recorded them, for the Data screen to show without counting.
        with engine.connect() as connection:
            recorded = connection.execute(select(StoreCount.name, StoreCount.rows)).all()
        assert dict(recorded) == table_counts(engine) == table_counts_as_written(engine)
        with Session(engine) as session:

            def one(model, *where):
                return session.exec(select(model).where(*where)).one()

            cohort = one(Cohort)
            assert (cohort.name, cohort.start_date, cohort.target_cadence_days) == (
                "Spring 2026",
                date(2026, 1, 5),
                14,
            )
            ana = one(Participant, Participant.participant_id == "P1")
            assert (ana.email, ana.job_level, ana.capacity, ana.skills_offered) == (
                "ana@example.org",
                2,
                2,
                "python;sql",
            )
            pair = one(Pair)
            assert (pair.mentor_id, pair.mentee_id, pair.status, pair.target_cadence_days) == (
                "P1",
                "P2",
                "active",
                21,
            )
            assert one(Meeting).held_on == date(2026, 1, 20)
            assert one(Goal).progress_pct == 40
            survey = one(SurveyResponse)
            assert (survey.nps, survey.comment) == (9, "Going well")
            follow_up = one(FollowUp)
            assert (follow_up.note, follow_up.created_at) == ("Called both", AT)
            assert one(Scenario).created_at == AT
            assert one(ScenarioPair).score == pytest.approx(0.75)
            user = one(AppUser)
            assert (user.email, user.role, user.added_at) == (
                "pm@example.org",
                "program_manager",
                AT,
            )
            assert one(Setting).updated_at == AT
            assert one(AuditLog).detail == '{"files": 6}'
        assert stored_settings(engine) == {"stalled_factor": 2.5}
        assert role_for_email(engine, "PM@example.org") == "program_manager"
    finally:
        engine.dispose()


def test_the_app_opens_an_old_store_by_upgrading_it_and_keeps_its_data(blank_url: str) -> None:
    # What happens when a newer PairPulse starts on a store left by the first version.
    engine = make_engine(blank_url)
    upgrade_store(engine, FIRST)
    _fill_at_first_revision(engine)
    engine.dispose()

    opened = open_store(blank_url)
    try:
        assert current_revision(opened) == head_revision()
        assert table_counts(opened)["participants"] == 2
        assert role_for_email(opened, "pm@example.org") == "program_manager"
    finally:
        forget_engines()
