"""The meeting aggregates of the Meetings screen, in SQL, equal a pandas computation over every
meeting row, on SQLite and PostgreSQL; meetings after the as-of date never count."""

import itertools
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from app import metrics
from data_access import activity, queries
from data_access.importer import read_directory, run_import
from sample_data.seed import seed_store

ANCHOR = date(2026, 11, 23)
FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
FIXTURE_AS_OF = date(2025, 3, 31)


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    seed_store(engine, scale="demo", anchor=ANCHOR)
    return engine


@pytest.fixture
def fixture_engine(engine: Engine) -> Engine:
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    return engine


def _held(engine: Engine, as_of: date, cohort_ids: tuple[str, ...]) -> pd.DataFrame:
    """Every meeting row held by `as_of` by the pairs of `cohort_ids`, with its pair's cohort."""
    everything = queries.load_program(engine, as_of=date(2100, 1, 1))
    with engine.connect() as connection:
        rows = queries.meetings(connection, as_of=date(2100, 1, 1))
    rows = rows.merge(everything.pairs[["pair_id", "cohort_id"]], on="pair_id")
    if cohort_ids:
        rows = rows[rows["cohort_id"].isin(cohort_ids)]
    return rows[rows["held_on"] <= pd.Timestamp(as_of)]


def _pandas_longest_gaps(engine: Engine, as_of: date, cohort_ids: tuple[str, ...]) -> pd.DataFrame:
    """The longest gap of each active pair, by the docstring's definition, in plain pandas."""
    pairs = metrics.pairs_as_of(queries.load_program(engine, as_of=as_of).pairs, as_of=as_of).query(
        "status == 'active'"
    )
    if cohort_ids:
        pairs = pairs[pairs["cohort_id"].isin(cohort_ids)]
    held = _held(engine, as_of, cohort_ids)
    rows = []
    for pair in pairs.itertuples():
        # (day, kind): 0 the start, 1 a meeting, 2 the as-of date — a meeting on the as-of date
        # comes before it, so only a gap ending on kind 2 is still running.
        meetings = held.loc[held["pair_id"] == pair.pair_id, "held_on"]
        timeline = sorted(
            [(pair.started_on, 0), (pd.Timestamp(as_of), 2)] + [(day, 1) for day in meetings]
        )
        steps = [
            (later - earlier, later, kind, earlier)
            for (earlier, _), (later, kind) in itertools.pairwise(timeline)
        ]
        gap, end, kind, start = max(steps)  # the longest; of equal ones the latest
        rows.append((pair.pair_id, pair.cohort_id, gap.days, start, end, kind == 2))
    frame = pd.DataFrame(
        rows, columns=["pair_id", "cohort_id", "gap_days", "gap_start", "gap_end", "ongoing"]
    )
    return frame.sort_values(["gap_days", "pair_id"], ascending=[False, True], ignore_index=True)


SCOPES = [
    pytest.param(ANCHOR, (), id="anchor-all"),
    pytest.param(ANCHOR - timedelta(days=150), ("C01",), id="150-days-back-pilot"),
    pytest.param(ANCHOR - timedelta(days=10), ("C02", "C03"), id="10-days-back-two-cohorts"),
]


@pytest.mark.parametrize(("as_of", "cohort_ids"), SCOPES)
def test_sql_meeting_aggregates_equal_pandas_over_every_row(
    demo_engine: Engine, as_of: date, cohort_ids: tuple[str, ...]
) -> None:
    held = _held(demo_engine, as_of, cohort_ids)
    assert len(held) > 100
    scope = {"as_of": as_of, "cohort_ids": cohort_ids}

    per_month = (
        held.assign(month=held["held_on"].dt.to_period("M").dt.to_timestamp())
        .groupby(["month", "cohort_id"])
        .size()
        .rename("meetings")
        .reset_index()
    )
    pd.testing.assert_frame_equal(
        activity.meetings_per_month(demo_engine, **scope), per_month, check_dtype=False
    )

    formats = held["format"].fillna("unknown").value_counts()
    from_sql = activity.format_mix(demo_engine, **scope).set_index("format")["meetings"]
    assert from_sql.to_dict() == formats.to_dict()
    assert list(from_sql) == sorted(from_sql, reverse=True)

    first_monday = pd.Timestamp(as_of - timedelta(days=as_of.weekday() + 7 * 25))
    recent = held[held["held_on"] >= first_monday]
    per_week = (
        recent.assign(
            week_start=recent["held_on"] - pd.to_timedelta(recent["held_on"].dt.day_of_week, "D")
        )
        .groupby(["week_start", "cohort_id"])
        .size()
        .rename("meetings")
        .reset_index()
    )
    pd.testing.assert_frame_equal(
        activity.meetings_per_week(demo_engine, **scope), per_week, check_dtype=False
    )

    since = as_of - timedelta(days=29)
    assert activity.meetings_held(demo_engine, since=since, **scope) == int(
        (held["held_on"] >= pd.Timestamp(since)).sum()
    )

    expected_gaps = _pandas_longest_gaps(demo_engine, as_of, cohort_ids)
    assert len(expected_gaps) > 10
    pd.testing.assert_frame_equal(
        activity.longest_gaps(demo_engine, **scope, limit=10),
        expected_gaps.head(10),
        check_dtype=False,
    )


def test_the_fixture_program_by_hand(fixture_engine: Engine) -> None:
    # tests/fixtures/program/meetings.csv: M001–M004 in the 2024 pilot, M005–M007 in spring 2025.
    per_month = activity.meetings_per_month(fixture_engine, as_of=FIXTURE_AS_OF)
    assert list(
        zip(
            per_month["month"].dt.strftime("%Y-%m"),
            per_month["cohort_id"],
            per_month["meetings"],
            strict=True,
        )
    ) == [
        ("2024-01", "C2024", 2),
        ("2024-02", "C2024", 2),
        ("2025-02", "C2025", 2),
        ("2025-03", "C2025", 1),
    ]
    formats = activity.format_mix(fixture_engine, as_of=FIXTURE_AS_OF)
    assert dict(zip(formats["format"], formats["meetings"], strict=True)) == {
        "video": 3,
        "chat": 1,
        "in_person": 1,
        "phone": 1,
        "unknown": 1,  # M006 has no format
    }
    weeks = activity.meetings_per_week(fixture_engine, as_of=FIXTURE_AS_OF)
    # M007 on Wed 12 Feb, M005 on Mon 17 Feb, M006 on Mon 3 Mar 2025; the pilot is too old.
    assert [day.isoformat() for day in weeks["week_start"].dt.date] == [
        "2025-02-10",
        "2025-02-17",
        "2025-03-03",
    ]
    # P03 (the only active pair) met on 17 Feb and 3 Mar: its longest gap is since then.
    gaps = activity.longest_gaps(fixture_engine, as_of=FIXTURE_AS_OF)
    assert gaps.to_dict("records") == [
        {
            "pair_id": "P03",
            "cohort_id": "C2025",
            "gap_days": 28,
            "gap_start": pd.Timestamp("2025-03-03"),
            "gap_end": pd.Timestamp("2025-03-31"),
            "ongoing": True,
        }
    ]


def test_meetings_after_the_as_of_date_do_not_count(fixture_engine: Engine) -> None:
    as_of = date(2025, 3, 2)  # the day before M006
    assert activity.meetings_held(fixture_engine, since=date(2025, 1, 1), as_of=as_of) == 2
    formats = activity.format_mix(fixture_engine, as_of=as_of, cohort_ids=["C2025"])
    assert dict(zip(formats["format"], formats["meetings"], strict=True)) == {"video": 2}
    per_month = activity.meetings_per_month(fixture_engine, as_of=as_of, cohort_ids=["C2025"])
    assert per_month["meetings"].tolist() == [2]
    # P03: start 10 Feb, met 17 Feb, then nothing up to 2 Mar: 13 days, still running.
    gap = activity.longest_gaps(fixture_engine, as_of=as_of).iloc[0]
    assert (gap["pair_id"], gap["gap_days"], gap["ongoing"]) == ("P03", 13, True)
    # On 3 Mar P03 met: the 14 days since 17 Feb are its longest gap, and it is over.
    gap = activity.longest_gaps(fixture_engine, as_of=date(2025, 3, 3)).iloc[0]
    assert (gap["gap_days"], gap["gap_end"], gap["ongoing"]) == (
        14,
        pd.Timestamp("2025-03-03"),
        False,
    )
    # In 2024 P01 and P02 were active; as of 1 Mar P02 had not met since 30 Jan.
    gaps = activity.longest_gaps(fixture_engine, as_of=date(2024, 3, 1))
    assert gaps[["pair_id", "gap_days", "ongoing"]].to_dict("records") == [
        {"pair_id": "P02", "gap_days": 31, "ongoing": True},
        {"pair_id": "P01", "gap_days": 14, "ongoing": False},
    ]


def test_an_empty_store_gives_empty_aggregates(engine: Engine) -> None:
    assert activity.meetings_per_month(engine, as_of=ANCHOR).empty
    assert activity.format_mix(engine, as_of=ANCHOR).empty
    assert activity.meetings_per_week(engine, as_of=ANCHOR).empty
    assert activity.longest_gaps(engine, as_of=ANCHOR).empty
    assert activity.meetings_held(engine, since=ANCHOR, as_of=ANCHOR) == 0


def test_goal_titles_are_read_for_the_goals_asked_in_batches(
    fixture_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(activity, "_TITLE_BATCH", 2)
    titles = activity.goal_titles(fixture_engine, ["G04", "G01", "G03", "G01"])
    assert titles.to_dict("records") == [
        {"goal_id": "G01", "pair_id": "P01", "title": "Write prompts for weekly reports"},
        {"goal_id": "G03", "pair_id": "P02", "title": "Read a sales dashboard unaided"},
        {"goal_id": "G04", "pair_id": "P03", "title": "Run a meeting in Teams with Loop notes"},
    ]
    assert activity.goal_titles(fixture_engine, []).empty
