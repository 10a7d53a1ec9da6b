"""What pair health needs of the program, aggregated per pair in SQL (`HealthInputs`), and its
meeting half (`ActivityInputs`): the SQL twins of `app.health.goal_counts` and
`latest_sentiment` beside `data_access.queries.meeting_stats`, so a large store is scored
without reading every goal, meeting and response."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    and_,
    case,
    func,
    or_,
    select,
)
from sqlalchemy.sql import ColumnElement, Select

from data_access.models import Cohort, Goal, Pair, SurveyResponse
from data_access.queries import (
    _DATE_COLUMNS,
    ADHERENCE_WINDOW_DAYS,
    _as_of_param,
    _frame,
    _meeting_stats_frame,
    _meeting_stats_statement,
    _meetings_per_pair,
    _read,
    _unparsed,
)

#: The pair columns pair health reads.
HEALTH_PAIR_COLUMNS = [
    Pair.pair_id,
    Pair.cohort_id,
    Pair.mentor_id,
    Pair.mentee_id,
    Pair.status,
    Pair.started_on,
    Pair.ended_on,
    Pair.target_cadence_days,
]


@dataclass(frozen=True)
class HealthInputs:
    """What pair health needs of the program as of one date, aggregated per pair in SQL: the
    inputs of `app.health.pair_health`."""

    as_of: date
    cohorts: pd.DataFrame
    pairs: pd.DataFrame
    meeting_stats: pd.DataFrame
    goal_counts: pd.DataFrame
    sentiment: pd.DataFrame


def goal_counts(
    connection: Connection, *, as_of: date, cohort_ids: Collection[str] = ()
) -> pd.DataFrame:
    """Per pair with goals that are not dropped as of `as_of` (indexed by `pair_id`; of the
    pairs of `cohort_ids` when given): `goals`, `progress_pct_sum` and `overdue_goals`, exactly
    as `app.health.goal_counts` defines them over `app.metrics.goals_as_of`."""
    statement = _goal_counts_statement(as_of, cohort_ids)
    return _goal_counts_frame(pd.read_sql(statement, connection).set_index("pair_id"))


def _goal_counts_frame(counts: pd.DataFrame) -> pd.DataFrame:
    return counts.astype({"goals": "int64", "progress_pct_sum": float, "overdue_goals": "int64"})


def _goal_counts_statement(as_of: date, cohort_ids: Collection[str]) -> Select:
    as_of_param = _as_of_param(as_of)
    # A goal completed after the as-of date was still in progress that day.
    status = case(
        (and_(Goal.completed_on.is_not(None), Goal.completed_on > as_of_param), "in_progress"),
        else_=Goal.status,
    )
    overdue = and_(status.not_in(["done", "dropped"]), Goal.due_on < as_of_param)
    statement = (
        select(
            Goal.pair_id,
            func.count().label("goals"),
            func.sum(
                case((status == "done", 100), else_=func.coalesce(Goal.progress_pct, 0))
            ).label("progress_pct_sum"),
            func.sum(case((overdue, 1), else_=0)).label("overdue_goals"),
        )
        .where(or_(Goal.created_on.is_(None), Goal.created_on <= as_of_param), status != "dropped")
        .group_by(Goal.pair_id)
    )
    if cohort_ids:
        statement = statement.where(
            Goal.pair_id.in_(select(Pair.pair_id).where(Pair.cohort_id.in_(sorted(cohort_ids))))
        )
    return statement


#: Latest answers are found with one MAX per person and measure over a key that orders them as
#: the definition does (later day first, then the lower answer): day number × `_KEY_RADIX` +
#: (`_KEY_RADIX` − 1 − answer). The answers are 1–5 (the import format refuses others).
_KEY_RADIX = 1000


def _day_number(connection: Connection, day: ColumnElement) -> ColumnElement:
    """Days from 1970-01-01 to `day`, in the connection's SQL dialect."""
    if connection.dialect.name == "sqlite":
        return func.julianday(day) - 2440587.5
    return day - date(1970, 1, 1)


def latest_sentiment(
    connection: Connection, *, as_of: date, cohort_ids: Collection[str] = ()
) -> pd.DataFrame:
    """Per pair that started by `as_of` with answers (indexed by `pair_id`): the latest
    satisfaction and relationship quality of its mentor and its mentee submitted by `as_of`, the
    lowest on a day with several, exactly as `app.health.latest_sentiment` defines them. With
    `cohort_ids`, only those cohorts' pairs and the responses counted in them (the response's
    `cohort_id`, else its pair's: `app.cohort_narrowing.program_for_cohorts`)."""
    statement = _sentiment_keys_statement(connection, as_of, cohort_ids)
    return _answers_from_keys(pd.read_sql(statement, connection).set_index("pair_id"))


def _answers_from_keys(keys: pd.DataFrame) -> pd.DataFrame:
    """The answers inside `_sentiment_keys_statement`'s keys (NaN stays NaN)."""
    return (_KEY_RADIX - 1) - keys.astype(float) % _KEY_RADIX


def _sentiment_keys_statement(
    connection: Connection, as_of: date, cohort_ids: Collection[str]
) -> Select:
    as_of_param = _as_of_param(as_of)
    measures = (SurveyResponse.satisfaction, SurveyResponse.relationship_quality)
    day = _day_number(connection, SurveyResponse.submitted_on)
    # Per person and pair first (a GROUP BY the responses alone), then the pair's two members.
    latest = (
        select(
            SurveyResponse.pair_id,
            SurveyResponse.participant_id,
            *(
                func.max(
                    case((measure.is_not(None), day * _KEY_RADIX + (_KEY_RADIX - 1 - measure)))
                ).label(measure.name)
                for measure in measures
            ),
        )
        .where(
            SurveyResponse.pair_id.is_not(None),
            SurveyResponse.submitted_on <= as_of_param,
            or_(*(measure.is_not(None) for measure in measures)),
        )
        .group_by(SurveyResponse.pair_id, SurveyResponse.participant_id)
    )
    pairs = Pair.started_on <= as_of_param
    if cohort_ids:
        chosen = sorted(cohort_ids)
        pair_cohort = select(Pair.cohort_id).where(Pair.pair_id == SurveyResponse.pair_id)
        counted_in = func.coalesce(SurveyResponse.cohort_id, pair_cohort.scalar_subquery())
        latest = latest.where(counted_in.in_(chosen))
        pairs = and_(pairs, Pair.cohort_id.in_(chosen))
    latest = latest.subquery("latest")
    member = {"mentor": Pair.mentor_id, "mentee": Pair.mentee_id}
    # Grouped by the responses' pair_id: they come in that order, so no sort is needed.
    return (
        select(
            latest.c.pair_id,
            *(
                func.max(
                    case((latest.c.participant_id == member[person], latest.c[measure.name]))
                ).label(f"{person}_{measure.name}")
                for measure in measures
                for person in ("mentor", "mentee")
            ),
        )
        .join(Pair, Pair.pair_id == latest.c.pair_id)
        .where(pairs, latest.c.participant_id.in_([Pair.mentor_id, Pair.mentee_id]))
        .group_by(latest.c.pair_id)
    )


def load_health_inputs(
    engine: Engine,
    *,
    as_of: date,
    cohort_ids: Collection[str] = (),
    window_days: int = ADHERENCE_WINDOW_DAYS,
) -> HealthInputs:
    """What pair health needs on `as_of`, read in one snapshot and aggregated in SQL, for the
    pairs of `cohort_ids` (all when empty): the same health as `load_program` followed by
    `app.cohort_narrowing.program_for_cohorts` gives, without reading every goal and survey
    response."""
    with engine.connect() as connection, connection.begin():
        pair_frame, cohort_frame = _health_pairs_and_cohorts(connection, as_of, cohort_ids)
        statement = _health_aggregates_statement(connection, as_of, window_days, cohort_ids)
        aggregates = _read(connection, statement).set_index("pair_id")
    stats = _meeting_stats_frame(aggregates.loc[aggregates["last_meeting_on"].notna()])
    goals = aggregates.loc[
        aggregates["goals"].notna(), ["goals", "progress_pct_sum", "overdue_goals"]
    ]
    keys = aggregates[list(_SENTIMENT_KEYS)].dropna(how="all")
    return HealthInputs(
        as_of=as_of,
        cohorts=cohort_frame,
        pairs=pair_frame,
        meeting_stats=stats,
        goal_counts=_goal_counts_frame(goals),
        sentiment=_answers_from_keys(keys),
    )


def _health_pairs_and_cohorts(
    connection: Connection, as_of: date, cohort_ids: Collection[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pairs of `cohort_ids` (all when empty) started by `as_of`, in `load_program`'s order
    (`HEALTH_PAIR_COLUMNS`), and those cohorts' ids and target cadences."""
    cohorts = select(Cohort.cohort_id, Cohort.target_cadence_days)
    pairs = select(
        *(
            _unparsed(column, column.name) if column.name in _DATE_COLUMNS["pair"] else column
            for column in HEALTH_PAIR_COLUMNS
        )
    ).where(Pair.started_on <= _as_of_param(as_of))
    if cohort_ids:
        cohorts = cohorts.where(Cohort.cohort_id.in_(sorted(cohort_ids)))
    pair_frame = _frame(connection, pairs, "pair")
    if cohort_ids:
        # Narrowed here rather than in SQL, so that the pairs come in `load_program`'s order.
        pair_frame = pair_frame[pair_frame["cohort_id"].isin(set(cohort_ids))]
    return pair_frame, _frame(connection, cohorts, "cohort")


def load_pairs_and_cohorts(engine: Engine, *, as_of: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pairs started by `as_of` and the cohorts' target cadences, as `load_health_inputs`
    reads them, without any aggregate (the stall episodes of "Did the nudge work?")."""
    with engine.connect() as connection, connection.begin():
        return _health_pairs_and_cohorts(connection, as_of, ())


@dataclass(frozen=True)
class ActivityInputs:
    """What `app.health.pair_activity` needs of the program as of one date: the pairs, their
    cohorts and their meeting figures aggregated in SQL (no goals or answers)."""

    as_of: date
    cohorts: pd.DataFrame
    pairs: pd.DataFrame
    meeting_stats: pd.DataFrame


def load_activity_inputs(
    engine: Engine,
    *,
    as_of: date,
    cohort_ids: Collection[str] = (),
    window_days: int = ADHERENCE_WINDOW_DAYS,
) -> ActivityInputs:
    """`load_health_inputs` without the goal counts and answers, for what needs only the
    meeting half of pair health (the executive summary's quarter-earlier comparison): a third
    of the work (figures: docs/architecture.md, "Benchmark log")."""
    with engine.connect() as connection, connection.begin():
        pair_frame, cohort_frame = _health_pairs_and_cohorts(connection, as_of, cohort_ids)
        statement = _meeting_stats_statement(connection, as_of, window_days, cohort_ids)
        stats = _meeting_stats_frame(_read(connection, statement).set_index("pair_id"))
    return ActivityInputs(as_of=as_of, cohorts=cohort_frame, pairs=pair_frame, meeting_stats=stats)


_SENTIMENT_KEYS = tuple(
    f"{person}_{measure}"
    for measure in ("satisfaction", "relationship_quality")
    for person in ("mentor", "mentee")
)


def _health_aggregates_statement(
    connection: Connection, as_of: date, window_days: int, cohort_ids: Collection[str]
) -> Select:
    """`meeting_stats`, `goal_counts` and `latest_sentiment`'s keys in one statement, one row
    per pair that started by `as_of` (of `cohort_ids` when given): one round trip and one row
    per pair instead of three (their rows, not their SQL, are what a large store pays for)."""
    meetings = _meetings_per_pair(connection, as_of, window_days, cohort_ids).subquery("meetings")
    goals = _goal_counts_statement(as_of, cohort_ids).subquery("goals")
    sentiment = _sentiment_keys_statement(connection, as_of, cohort_ids).subquery("sentiment")
    return (
        select(
            meetings.c.pair_id,
            _unparsed(meetings.c.last_meeting_on, "last_meeting_on"),
            meetings.c.meetings_in_window,
            goals.c.goals,
            goals.c.progress_pct_sum,
            goals.c.overdue_goals,
            *(sentiment.c[key] for key in _SENTIMENT_KEYS),
        )
        .outerjoin(goals, goals.c.pair_id == meetings.c.pair_id)
        .outerjoin(sentiment, sentiment.c.pair_id == meetings.c.pair_id)
    )
