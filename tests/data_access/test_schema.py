"""The schema: Alembic's migrations match the models, indexes exist, the engine is set up right."""

from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlmodel import SQLModel

from data_access import db
from data_access.db import current_revision, head_revision, make_engine, upgrade_store
from data_access.importer import read_directory, run_import
from data_access.models import Cohort
from data_access.writes import upsert_rows
from tests.conftest import _empty_postgres_tables

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"

# The dates screens filter on (as-of date, ranges, overdue, trends).
FILTERED_DATES = {
    "cohort": ["start_date", "end_date"],
    "participant": ["joined_on", "left_on"],
    "pair": ["started_on", "ended_on"],
    "meeting": ["held_on"],
    "goal": ["created_on", "due_on", "completed_on"],
    "survey_response": ["submitted_on"],
    "follow_up": ["due_on", "snoozed_until", "created_at"],
    "audit_log": ["at"],
}

PILOT = {
    "cohort_id": "C1",
    "name": "Pilot",
    "start_date": date(2026, 1, 5),
    "end_date": None,
    "focus_area": "AI",
    "target_cadence_days": 14,
}


def _leading_index_columns(engine: Engine, table: str) -> set[str]:
    inspector = inspect(engine)
    leading = {index["column_names"][0] for index in inspector.get_indexes(table)}
    leading.update(inspector.get_pk_constraint(table)["constrained_columns"][:1])
    return leading


def test_migrations_create_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []
    assert current_revision(engine) == head_revision()


def test_every_foreign_key_is_indexed(engine: Engine) -> None:
    inspector = inspect(engine)
    checked = 0
    for table in inspector.get_table_names():
        leading = _leading_index_columns(engine, table)
        for foreign_key in inspector.get_foreign_keys(table):
            column = foreign_key["constrained_columns"][0]
            assert column in leading, f"{table}.{column} has no index"
            checked += 1
    assert checked == 14  # pair 3, meeting, goal, survey 3, follow-up, scenario, scenario pair 3,
    # promotion


@pytest.mark.parametrize(("table", "columns"), FILTERED_DATES.items())
def test_every_filtered_date_is_indexed(engine: Engine, table: str, columns: list[str]) -> None:
    leading = _leading_index_columns(engine, table)
    assert set(columns) <= leading


def test_upgrade_is_idempotent(engine: Engine) -> None:
    upgrade_store(engine)
    upgrade_store(engine)
    assert current_revision(engine) == head_revision()


def test_sqlite_store_uses_wal_and_enforces_foreign_keys(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    engine.dispose()


def test_default_store_is_sqlite_under_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert db.database_url() == f"sqlite:///{db.PROJECT_ROOT / 'data' / 'pairpulse.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@db.example/pairpulse")
    assert db.database_url() == "postgresql://someone@db.example/pairpulse"
    assert db.normalise_url(db.database_url()).startswith("postgresql+psycopg://")


def test_a_fresh_sqlite_file_is_created_and_migrated(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'new.db'}")
    assert current_revision(engine) is None
    upgrade_store(engine)
    assert current_revision(engine) == head_revision()
    assert db.store_is_empty(engine)
    engine.dispose()


def test_upsert_inserts_then_updates_by_primary_key(engine: Engine) -> None:
    with engine.begin() as connection:
        upsert_rows(connection, Cohort, [PILOT])
    with engine.begin() as connection:
        upsert_rows(
            connection, Cohort, [{**PILOT, "name": "Pilot 2026", "end_date": date(2026, 7, 1)}]
        )
    with engine.connect() as connection:
        cohorts = connection.execute(select(Cohort.name, Cohort.end_date)).all()
    assert cohorts == [("Pilot 2026", date(2026, 7, 1))]


def test_a_failed_transaction_writes_nothing(engine: Engine) -> None:
    with pytest.raises(RuntimeError), engine.begin() as connection:
        upsert_rows(connection, Cohort, [PILOT])
        raise RuntimeError("the store went away mid-import")
    assert db.store_is_empty(engine)


@pytest.fixture
def postgres_url(_postgres_database_url: str) -> str:
    """The session's PostgreSQL database, emptied (for what only PostgreSQL has)."""
    _empty_postgres_tables(_postgres_database_url)
    return _postgres_database_url


def test_postgresql_sessions_run_without_jit_and_with_the_lock_timeout(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(db.LOCK_TIMEOUT_ENV, "2.5")
    engine = make_engine(postgres_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SHOW jit")).scalar_one() == "off"
            assert connection.execute(text("SHOW lock_timeout")).scalar_one() == "2500ms"
    finally:
        engine.dispose()


def _maintained(engine: Engine) -> dict[str, tuple[bool, bool]]:
    """Per program table: whether it has been vacuumed and analysed (PostgreSQL's own record)."""
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_stat_clear_snapshot()"))
        rows = connection.execute(
            text(
                "SELECT relname, last_vacuum IS NOT NULL, last_analyze IS NOT NULL "
                "FROM pg_stat_user_tables WHERE relname IN "
                "('cohort', 'participant', 'pair', 'meeting', 'goal', 'survey_response')"
            )
        )
        return {name: (vacuumed, analysed) for name, vacuumed, analysed in rows}


def test_an_import_leaves_postgresql_with_fresh_statistics(postgres_url: str) -> None:
    """After a bulk write the planner knows the tables' sizes, and the meetings index answers
    alone (the visibility map is set), without waiting for autovacuum."""
    engine = make_engine(postgres_url)
    with engine.connect() as connection:  # the test database may have been vacuumed before
        connection.execute(text("SELECT pg_stat_reset()"))
    assert set(_maintained(engine).values()) <= {(False, False)}
    report = run_import(read_directory(FIXTURE_PROGRAM), engine=engine)
    assert report.applied
    assert _maintained(engine) == dict.fromkeys(
        ("cohort", "participant", "pair", "meeting", "goal", "survey_response"), (True, True)
    )
    engine.dispose()


def test_statistics_that_cannot_be_refreshed_do_not_undo_a_committed_import(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The rows are committed by then: a store gone at that moment is logged, not raised."""
    gone = make_engine("postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2")
    with caplog.at_level("WARNING", logger="data_access.db"):
        db.refresh_statistics(gone)
    assert "VACUUM (ANALYZE) after a bulk write failed" in caplog.text
