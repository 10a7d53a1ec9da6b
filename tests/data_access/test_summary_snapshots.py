"""The executive summary kept in the store (data_access.summary_snapshots): read back only for
the program revision and code version it was worked out from, never replaced by an older
revision's, stale rows deleted, at most MAX_KEPT kept, and a store that cannot keep it costs
nothing but the work. On SQLite and PostgreSQL."""

from datetime import date

import pytest
from sqlalchemy import Engine, func, select, text

from data_access import summary_snapshots
from data_access.models import SummarySnapshot
from data_access.summary_snapshots import forget_summaries, keep_summary, kept_summary

DAY = date(2026, 11, 23)


def _rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(SummarySnapshot)).scalar_one()


def test_a_summary_is_read_back_only_for_its_revision_version_day_and_cohorts(
    engine: Engine,
) -> None:
    assert kept_summary(engine, DAY, (), 3, "v1") is None
    assert keep_summary(engine, DAY, ("C2", "C1"), 3, "v1", '{"kept": 1}')
    assert kept_summary(engine, DAY, ("C1", "C2"), 3, "v1") == '{"kept": 1}'  # any order
    assert kept_summary(engine, DAY, ("C1",), 3, "v1") is None
    assert kept_summary(engine, DAY, (), 3, "v1") is None
    assert kept_summary(engine, date(2026, 11, 24), ("C1", "C2"), 3, "v1") is None
    assert kept_summary(engine, DAY, ("C1", "C2"), 4, "v1") is None  # the program changed
    assert kept_summary(engine, DAY, ("C1", "C2"), 3, "v2") is None  # a new version


def test_a_newer_revision_replaces_the_old_and_an_older_one_never_replaces_the_new(
    engine: Engine,
) -> None:
    assert keep_summary(engine, DAY, (), 3, "v1", "three")
    assert keep_summary(engine, date(2026, 11, 1), (), 3, "v1", "three, earlier day")
    assert keep_summary(engine, DAY, (), 4, "v1", "four")
    assert kept_summary(engine, DAY, (), 4, "v1") == "four"
    assert _rows(engine) == 1  # the revision-3 summary of the other day is gone too
    # A slow process that read revision 3 finishes after the write: its summary is not kept over
    # the newer one.
    keep_summary(engine, DAY, (), 3, "v1", "three, late")
    assert kept_summary(engine, DAY, (), 4, "v1") == "four"
    assert kept_summary(engine, DAY, (), 3, "v1") is None


def test_another_code_version_s_summaries_are_deleted(engine: Engine) -> None:
    keep_summary(engine, DAY, (), 3, "old", "old")
    keep_summary(engine, DAY, ("C1",), 3, "new", "new")
    assert _rows(engine) == 1
    assert kept_summary(engine, DAY, (), 3, "old") is None


def test_at_most_max_kept_summaries_are_kept_the_newest(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary_snapshots, "MAX_KEPT", 3)
    for n in range(5):
        keep_summary(engine, DAY, (f"C{n}",), 1, "v1", f"cohort {n}")
    assert _rows(engine) == 3
    assert kept_summary(engine, DAY, ("C0",), 1, "v1") is None
    assert kept_summary(engine, DAY, ("C4",), 1, "v1") == "cohort 4"
    assert forget_summaries(engine) == 3
    assert _rows(engine) == 0


def test_a_store_that_cannot_keep_a_summary_costs_only_the_work(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE summary_snapshot"))
    try:
        assert keep_summary(engine, DAY, (), 1, "v1", "x") is False
        assert kept_summary(engine, DAY, (), 1, "v1") is None
    finally:  # the PostgreSQL database is shared by the session's tests
        SummarySnapshot.__table__.create(engine)  # type: ignore[attr-defined]
