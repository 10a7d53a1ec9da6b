"""The schema: Alembic's migrations match the models, indexes exist, the engine is set up right."""

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlmodel import SQLModel

from data_access import db
from data_access.db import current_revision, head_revision, make_engine, upgrade_store
from data_access.models import Cohort
from data_access.writes import upsert_rows

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
    assert checked == 13  # pair 3, meeting, goal, survey 3, follow-up, scenario, scenario pair 3


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
