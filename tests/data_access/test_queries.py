"""The SQL behind the metrics gives what the pandas definitions give, on SQLite and PostgreSQL."""

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine

from app import metrics
from app.health import pair_health
from data_access import queries
from sample_data.seed import seed_store

ANCHOR = date(2026, 6, 30)


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    seed_store(engine, scale="demo", anchor=ANCHOR)
    return engine


def _everything(engine: Engine) -> dict[str, pd.DataFrame]:
    """Every row of the tables, unfiltered, straight from the store."""
    far_future = date(2100, 1, 1)
    program = queries.load_program(engine, as_of=far_future)
    with engine.connect() as connection:
        all_meetings = queries.meetings(connection, as_of=far_future)
    return {
        "cohorts": program.cohorts,
        "pairs": program.pairs,
        "meetings": all_meetings,
        "goals": program.goals,
        "surveys": program.surveys,
    }


@pytest.mark.parametrize("days_back", [0, 45, 120, 250])
def test_sql_meeting_stats_equal_the_pandas_definition(demo_engine: Engine, days_back: int) -> None:
    as_of = ANCHOR - timedelta(days=days_back)
    everything = _everything(demo_engine)
    pairs = metrics.pairs_as_of(everything["pairs"], as_of=as_of)
    expected = metrics.meeting_stats(pairs, everything["meetings"], as_of=as_of)
    with demo_engine.connect() as connection:
        from_sql = queries.meeting_stats(connection, as_of=as_of)
    # The SQL leaves out pairs that never met; the definition gives them NaT and 0.
    from_sql = from_sql.reindex(expected.index)
    from_sql["meetings_in_window"] = from_sql["meetings_in_window"].fillna(0).astype(int)
    assert len(expected) > 20
    pd.testing.assert_frame_equal(from_sql, expected, check_names=False)


def test_health_from_the_store_equals_health_from_every_row(demo_engine: Engine) -> None:
    everything = _everything(demo_engine)
    program = queries.load_program(demo_engine, as_of=ANCHOR)
    from_store = pair_health(
        program.pairs,
        program.meeting_stats,
        program.goals,
        program.surveys,
        program.cohorts,
        as_of=ANCHOR,
    )
    pairs = metrics.pairs_as_of(everything["pairs"], as_of=ANCHOR)
    from_rows = pair_health(
        everything["pairs"],
        metrics.meeting_stats(pairs, everything["meetings"], as_of=ANCHOR),
        everything["goals"],
        everything["surveys"],
        everything["cohorts"],
        as_of=ANCHOR,
    )
    pd.testing.assert_frame_equal(from_store, from_rows)
    assert set(from_store["band"]) >= {"Healthy", "Watch", "At risk", "Too early"}


def test_load_program_leaves_out_what_came_after_the_as_of_date(demo_engine: Engine) -> None:
    as_of = ANCHOR - timedelta(days=60)
    program = queries.load_program(demo_engine, as_of=as_of)
    assert (program.pairs["started_on"] <= pd.Timestamp(as_of)).all()
    assert (program.surveys["submitted_on"] <= pd.Timestamp(as_of)).all()
    assert program.meeting_stats["last_meeting_on"].max() <= pd.Timestamp(as_of)
    later = queries.load_program(demo_engine, as_of=ANCHOR)
    assert len(later.pairs) > len(program.pairs)
