"""The SQL behind the metrics gives what the pandas definitions give, on SQLite and PostgreSQL."""

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select

from app import health, metrics
from app.cohort_narrowing import program_for_cohorts
from app.headlines import program_health, store_activity, store_health
from app.health import pair_health_from_rows
from app.settings import ProgramSettings
from data_access import health_inputs, queries
from data_access.models import Pair, SurveyResponse
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
    from_store = pair_health_from_rows(
        program.pairs,
        program.meeting_stats,
        program.goals,
        program.surveys,
        program.cohorts,
        as_of=ANCHOR,
    )
    pairs = metrics.pairs_as_of(everything["pairs"], as_of=ANCHOR)
    from_rows = pair_health_from_rows(
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


@pytest.mark.parametrize("days_back", [0, 92, 400])
def test_an_earlier_program_cut_from_a_later_one_equals_reading_it(
    demo_engine: Engine, days_back: int
) -> None:
    earlier = ANCHOR - timedelta(days=days_back)
    cut = queries.earlier_program(
        queries.load_program(demo_engine, as_of=ANCHOR), demo_engine, as_of=earlier
    )
    read = queries.load_program(demo_engine, as_of=earlier)
    assert cut.as_of == read.as_of == earlier
    keys = {"cohorts": "cohort_id", "participants": "participant_id", "pairs": "pair_id"}
    keys |= {"goals": "goal_id", "surveys": ["participant_id", "submitted_on", "kind", "pair_id"]}
    for name, key in keys.items():
        ours, theirs = (
            getattr(p, name).sort_values(key).reset_index(drop=True) for p in (cut, read)
        )
        # An empty frame read from the store has no rows to tell its columns' types by.
        pd.testing.assert_frame_equal(ours, theirs, check_dtype=not theirs.empty)
    pd.testing.assert_frame_equal(cut.meeting_stats, read.meeting_stats)
    if days_back:
        assert len(cut.surveys) < len(queries.load_program(demo_engine, as_of=ANCHOR).surveys)


def test_the_goals_screen_reads_the_programs_pairs_and_goals_and_nothing_else(
    demo_engine: Engine,
) -> None:
    as_of = ANCHOR - timedelta(days=60)
    program = queries.load_program(demo_engine, as_of=as_of)
    pairs, goals = queries.pairs_and_goals(demo_engine, as_of=as_of)
    pd.testing.assert_frame_equal(
        pairs.sort_values("pair_id", ignore_index=True),
        program.pairs.sort_values("pair_id", ignore_index=True),
    )
    pd.testing.assert_frame_equal(
        goals.sort_values("goal_id", ignore_index=True),
        program.goals.sort_values("goal_id", ignore_index=True),
    )
    assert "title" not in goals


def test_the_survey_program_is_the_program_without_meetings_and_goals(demo_engine: Engine) -> None:
    as_of = ANCHOR - timedelta(days=60)
    whole = queries.load_program(demo_engine, as_of=as_of)
    surveys = queries.load_survey_program(demo_engine, as_of=as_of)
    keys = {"cohorts": "cohort_id", "participants": "participant_id", "pairs": "pair_id"}
    keys["surveys"] = ["participant_id", "submitted_on", "kind", "pair_id"]
    for name, key in keys.items():
        ours, theirs = (
            getattr(p, name).sort_values(key, ignore_index=True) for p in (surveys, whole)
        )
        pd.testing.assert_frame_equal(ours, theirs, obj=name)
    assert surveys.meeting_stats is None and surveys.goals is None
    cohort = whole.cohorts["cohort_id"].iloc[0]
    narrowed = program_for_cohorts(surveys, [cohort])
    assert narrowed.goals is None
    expected = program_for_cohorts(whole, [cohort])
    assert len(narrowed.surveys) == len(expected.surveys) > 0
    assert set(narrowed.participants["participant_id"]) == set(
        expected.participants["participant_id"]
    )


def test_program_size_counts_cohorts_and_pairs_started_by_the_date(demo_engine: Engine) -> None:
    for as_of in (ANCHOR, ANCHOR - timedelta(days=200), date(2000, 1, 1)):
        program = queries.load_program(demo_engine, as_of=as_of)
        size = queries.program_size(demo_engine, as_of=as_of)
        assert size.cohorts == len(program.cohorts) > 0
        assert size.pairs_started == len(program.pairs)
    assert queries.program_size(demo_engine, as_of=date(2000, 1, 1)).pairs_started == 0


def test_an_earlier_program_cannot_be_cut_for_a_later_date(demo_engine: Engine) -> None:
    program = queries.load_program(demo_engine, as_of=ANCHOR)
    with pytest.raises(ValueError, match="after the program's date"):
        queries.earlier_program(program, demo_engine, as_of=ANCHOR + timedelta(days=1))


def _add_awkward_answers(engine: Engine) -> list[str]:
    """Answers the SQL must treat as the definition does: two and three answers from one person
    on one day (the lower counts), answers after the as-of date (never count), a blank answer on
    a later day (the earlier answer still counts), an answer from someone outside the pair, and
    one given in another cohort than its pair's. Returns the cohorts, first the pairs' cohort."""
    with engine.begin() as connection:
        pairs = connection.execute(
            select(Pair.pair_id, Pair.cohort_id, Pair.mentor_id, Pair.mentee_id, Pair.started_on)
            .where(Pair.started_on <= ANCHOR - timedelta(days=130))
            .order_by(Pair.pair_id)
        ).all()
        first, second = (
            pairs[0],
            next(pair for pair in pairs if pair.cohort_id != pairs[0].cohort_id),
        )
        rows = []

        def answer(pair, person, days_back, satisfaction, quality, cohort=None) -> None:
            rows.append(
                {
                    "response_id": f"AWK{len(rows):03d}",
                    "participant_id": person,
                    "pair_id": pair.pair_id,
                    "cohort_id": cohort,
                    "submitted_on": ANCHOR - timedelta(days=days_back),
                    "kind": "pulse",
                    "satisfaction": satisfaction,
                    "relationship_quality": quality,
                }
            )

        for pair in (first, second):
            answer(pair, pair.mentee_id, 50, 4, 2)  # a tie on day -50 ...
            answer(pair, pair.mentee_id, 50, 1, 3)
            answer(pair, pair.mentee_id, 50, 3, None)  # ... of three for satisfaction
            answer(pair, pair.mentor_id, 50, 5, 5)
            answer(pair, pair.mentor_id, 50, 2, 4)
            answer(pair, pair.mentor_id, 20, None, None)  # later but blank
            answer(pair, pair.mentee_id, -5, 1, 1)  # after the anchor
        answer(first, second.mentee_id, 10, 1, 1)  # not in the pair: never counts
        answer(first, first.mentor_id, 5, 1, 1, cohort=second.cohort_id)  # another cohort's
        connection.execute(insert(SurveyResponse), rows)
    return [first.cohort_id, second.cohort_id]


@pytest.mark.parametrize("days_back", [0, 45, 60, 250])
def test_sql_sentiment_and_goal_counts_equal_the_pandas_definition(
    demo_engine: Engine, days_back: int
) -> None:
    _add_awkward_answers(demo_engine)
    as_of = ANCHOR - timedelta(days=days_back)
    everything = _everything(demo_engine)
    pairs = metrics.pairs_as_of(everything["pairs"], as_of=as_of)
    surveys = metrics.responses_as_of(everything["surveys"], as_of=as_of)
    expected_sentiment = health.latest_sentiment(pairs, surveys).dropna(how="all")
    expected_goals = health.goal_counts(
        metrics.goals_as_of(everything["goals"], as_of=as_of), as_of=as_of
    )
    with demo_engine.connect() as connection:
        sentiment = health_inputs.latest_sentiment(connection, as_of=as_of)
        goals = health_inputs.goal_counts(connection, as_of=as_of)
    assert len(expected_sentiment) > 10 and len(expected_goals) > 10
    pd.testing.assert_frame_equal(
        sentiment.sort_index(), expected_sentiment.sort_index(), check_names=False
    )
    pd.testing.assert_frame_equal(
        goals.sort_index(), expected_goals.sort_index(), check_names=False
    )


def test_a_tie_counts_the_lower_answer_and_later_answers_never_count(demo_engine: Engine) -> None:
    _add_awkward_answers(demo_engine)
    with demo_engine.connect() as connection:
        first = connection.execute(
            select(SurveyResponse.pair_id).where(SurveyResponse.response_id == "AWK000")
        ).scalar_one()
        earlier = ANCHOR - timedelta(days=30)
        before = health_inputs.latest_sentiment(connection, as_of=earlier).loc[first]
        after = health_inputs.latest_sentiment(connection, as_of=ANCHOR).loc[first]
    assert before.to_dict() == {
        "mentor_satisfaction": 2.0,
        "mentee_satisfaction": 1.0,
        "mentor_relationship_quality": 4.0,
        "mentee_relationship_quality": 2.0,
    }
    # On the anchor the mentor's own answer given in another cohort is their latest; the
    # mentee's answer after the anchor still does not count, nor does the outsider's.
    assert after.to_dict() == {
        **before.to_dict(),
        "mentor_satisfaction": 1.0,
        "mentor_relationship_quality": 1.0,
    }


@pytest.mark.parametrize("days_back", [0, 60])
def test_health_from_sql_aggregates_equals_health_of_the_loaded_program(
    demo_engine: Engine, days_back: int
) -> None:
    """What the screens show (store_health) is program_health of the program, whole or
    narrowed to some cohorts, to the last digit and in the same order."""
    cohorts = _add_awkward_answers(demo_engine)
    as_of = ANCHOR - timedelta(days=days_back)
    settings = ProgramSettings()
    program = queries.load_program(demo_engine, as_of=as_of)
    for chosen in ((), (cohorts[0],), tuple(cohorts)):
        expected = program_health(program_for_cohorts(program, chosen), settings)
        inputs = health_inputs.load_health_inputs(demo_engine, as_of=as_of, cohort_ids=chosen)
        assert len(expected) > 5
        pd.testing.assert_frame_equal(store_health(inputs, settings), expected)


@pytest.mark.parametrize("days_back", [0, 92])
def test_pair_activity_from_sql_is_the_meeting_half_of_health(
    demo_engine: Engine, days_back: int
) -> None:
    """What the executive summary compares a quarter earlier (store_activity) is program_health
    of the program up to `stalled`, whole or narrowed to some cohorts, in the same order."""
    cohorts = _add_awkward_answers(demo_engine)
    as_of = ANCHOR - timedelta(days=days_back)
    settings = ProgramSettings(stall_factor=1.5)
    program = queries.load_program(demo_engine, as_of=as_of)
    for chosen in ((), (cohorts[0],), tuple(cohorts)):
        health = program_health(program_for_cohorts(program, chosen), settings)
        inputs = health_inputs.load_activity_inputs(demo_engine, as_of=as_of, cohort_ids=chosen)
        activity = store_activity(inputs, settings)
        assert list(activity.columns) == list(
            health.columns[: health.columns.get_loc("stalled") + 1]
        )
        assert len(activity) > 5
        if not chosen:
            assert activity["stalled"].any() and not activity["stalled"].all()
        pd.testing.assert_frame_equal(activity, health[activity.columns])
