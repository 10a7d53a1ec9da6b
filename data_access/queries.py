"""Queries that feed the metrics: DataFrames in the import format's columns, dates as timestamps.

Rows dated after the as-of date are filtered out in SQL, and the per-pair meeting figures the
health score needs are aggregated in SQL (`meeting_stats`), so computing health never loads the
meetings table itself — at the `enterprise` scale that is about a million rows.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    Engine,
    String,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.sql import ColumnElement, Select

from data_access.models import Cohort, Goal, Meeting, Pair, Participant, SurveyResponse

ADHERENCE_WINDOW_DAYS = 90

_DATE_COLUMNS = {
    "cohort": ["start_date", "end_date"],
    "participant": ["joined_on", "left_on"],
    "pair": ["started_on", "ended_on"],
    "meeting": ["held_on"],
    "goal": ["created_on", "due_on", "completed_on"],
    "survey_response": ["submitted_on"],
}


@dataclass(frozen=True)
class ProgramFrames:
    """What the metrics need of the program as of one date (`load_survey_program`'s have None
    for the meetings and goals it does not read)."""

    as_of: date
    cohorts: pd.DataFrame
    participants: pd.DataFrame
    pairs: pd.DataFrame
    meeting_stats: pd.DataFrame
    goals: pd.DataFrame
    surveys: pd.DataFrame


def _frame(connection: Connection, statement: Select, table: str) -> pd.DataFrame:
    """The rows of `statement` (columns of `table`) as a DataFrame, its dates as timestamps.

    Dates are selected as the driver gives them and parsed by pandas in one go, and the rows
    are taken from the driver's cursor as they come: SQLAlchemy's per-value conversion to
    `date` and its row objects cost more than reading the rows (docs/architecture.md,
    "Benchmark log"). `tests/data_access/test_queries.py` checks the frames on both
    backends."""
    dates = _DATE_COLUMNS[table]
    statement = statement.with_only_columns(
        *(
            _unparsed(column, column.name) if column.name in dates else column
            for column in statement.selected_columns
        )
    )
    frame = _read(connection, statement)
    for column in dates:
        if column in frame:
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def _read(connection: Connection, statement: Select) -> pd.DataFrame:
    """`pd.read_sql(statement, connection)`, the rows taken from the driver's cursor rather than
    as SQLAlchemy rows (a third of reading the health aggregates of 25k pairs); values as the
    driver gives them, decimals as floats as `read_sql` gives them."""
    result = connection.execute(statement)
    rows = result.cursor.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=list(result.keys()), coerce_float=True)
    result.close()
    return frame


def _unparsed(column: ColumnElement, name: str) -> ColumnElement:
    """`column` (a date) as the driver gives it, for pandas to parse in one go: SQLite's ISO
    text is otherwise turned into a `date` one value at a time (a tenth of a second per 75k
    dates); PostgreSQL's driver gives dates either way."""
    return type_coerce(column, String).label(name)


def _as_of_param(as_of: date) -> ColumnElement:
    return bindparam("as_of", as_of, type_=Date)


def _days_before(connection: Connection, day: ColumnElement, days: int) -> ColumnElement:
    """`day` minus `days` days, in the connection's SQL dialect."""
    if connection.dialect.name == "sqlite":
        return func.date(day, f"-{int(days)} days")
    return day - days


def _meetings_per_pair(
    connection: Connection, as_of: date, window_days: int, cohort_ids: Collection[str] = ()
) -> Select:
    """Per pair that started by `as_of` (of `cohort_ids` when given), met or not: pair_id,
    last_meeting_on (NULL if none) and meetings_in_window."""
    as_of_param = _as_of_param(as_of)
    # The adherence window of `app.metrics.adherence_window`, written in SQL. The windows are
    # worked out once per pair (a materialised CTE), not once per meeting row.
    ended_by_then = and_(Pair.ended_on.is_not(None), Pair.ended_on <= as_of_param)
    ends = (
        select(
            Pair.pair_id,
            Pair.started_on,
            case((ended_by_then, Pair.ended_on), else_=as_of_param).label("window_end"),
        )
        .where(Pair.started_on <= as_of_param)
        .where(*([Pair.cohort_id.in_(sorted(cohort_ids))] if cohort_ids else []))
        .cte("window_ends")
        .prefix_with("MATERIALIZED")
    )
    reach_back = _days_before(connection, ends.c.window_end, window_days)
    windows = (
        select(
            ends.c.pair_id,
            ends.c.window_end,
            case((ends.c.started_on > reach_back, ends.c.started_on), else_=reach_back).label(
                "window_start"
            ),
        )
        .cte("windows")
        .prefix_with("MATERIALIZED")
    )
    # One index look-up per pair (on ix_meeting_pair_id_held_on) for its last meeting and one
    # range count for its window, rather than a join and GROUP BY over every meeting row.
    last_meeting_on = (
        select(func.max(Meeting.held_on))
        .where(Meeting.pair_id == windows.c.pair_id, Meeting.held_on <= as_of_param)
        .scalar_subquery()
    )
    meetings_in_window = (
        select(func.count())
        .select_from(Meeting)
        .where(
            Meeting.pair_id == windows.c.pair_id,
            Meeting.held_on >= windows.c.window_start,
            Meeting.held_on <= windows.c.window_end,
        )
        .scalar_subquery()
    )
    return select(
        windows.c.pair_id,
        last_meeting_on.label("last_meeting_on"),
        meetings_in_window.label("meetings_in_window"),
    )


def _meeting_stats_statement(
    connection: Connection, as_of: date, window_days: int, cohort_ids: Collection[str] = ()
) -> Select:
    per_pair = _meetings_per_pair(connection, as_of, window_days, cohort_ids).subquery("per_pair")
    return (
        select(
            per_pair.c.pair_id,
            _unparsed(per_pair.c.last_meeting_on, "last_meeting_on"),
            per_pair.c.meetings_in_window,
        )
        .where(per_pair.c.last_meeting_on.is_not(None))
        .order_by(per_pair.c.pair_id)
    )


def meeting_stats(
    connection: Connection, *, as_of: date, window_days: int = ADHERENCE_WINDOW_DAYS
) -> pd.DataFrame:
    """Per pair that started by `as_of` and has met (indexed by `pair_id`): `last_meeting_on`
    and `meetings_in_window`, exactly as `app.metrics.meeting_stats` defines them."""
    statement = _meeting_stats_statement(connection, as_of, window_days)
    return _meeting_stats_frame(_read(connection, statement).set_index("pair_id"))


def meetings(connection: Connection, *, as_of: date) -> pd.DataFrame:
    """Every meeting held on or before `as_of`."""
    statement = select(Meeting).where(Meeting.held_on <= _as_of_param(as_of))
    return _frame(connection, statement, "meeting")


#: The columns the metrics read; names, e-mails, titles and comments are left in the store.
METRIC_COLUMNS = {
    "participant": [
        Participant.participant_id,
        Participant.role,
        Participant.department,
        Participant.birth_year,
        Participant.joined_on,
        Participant.left_on,
    ],
    "goal": [
        Goal.goal_id,
        Goal.pair_id,
        Goal.category,
        Goal.created_on,
        Goal.due_on,
        Goal.completed_on,
        Goal.status,
        Goal.progress_pct,
    ],
    "survey_response": [
        SurveyResponse.participant_id,
        SurveyResponse.pair_id,
        SurveyResponse.cohort_id,
        SurveyResponse.submitted_on,
        SurveyResponse.kind,
        SurveyResponse.satisfaction,
        SurveyResponse.relationship_quality,
        SurveyResponse.digital_confidence,
        SurveyResponse.nps,
    ],
}


def load_program(
    engine: Engine,
    *,
    as_of: date,
    window_days: int = ADHERENCE_WINDOW_DAYS,
    meetings: bool = True,
    goals: bool = True,
) -> ProgramFrames:
    """The program as the metrics need it on `as_of`, read in one snapshot.

    Pairs that had not started and survey responses not yet submitted are left out in SQL;
    goals come whole (`app.metrics.goals_as_of` reads their dates); meetings come as
    `meeting_stats`. Only the columns in `METRIC_COLUMNS` are read for people, goals and
    responses: no names, e-mails, goal titles or comments. With `meetings=False` or
    `goals=False`, `meeting_stats` or `goals` is None, not read, for a screen that never uses it
    (a use then fails loudly rather than counting nothing).
    """
    as_of_param = _as_of_param(as_of)
    with engine.connect() as connection, connection.begin():
        return ProgramFrames(
            as_of=as_of,
            cohorts=_frame(connection, select(Cohort), "cohort"),
            participants=_frame(connection, select(*METRIC_COLUMNS["participant"]), "participant"),
            pairs=_frame(connection, select(Pair).where(Pair.started_on <= as_of_param), "pair"),
            meeting_stats=(
                meeting_stats(connection, as_of=as_of, window_days=window_days)
                if meetings
                else None  # type: ignore[arg-type]
            ),
            goals=(
                _frame(connection, select(*METRIC_COLUMNS["goal"]), "goal") if goals else None  # type: ignore[arg-type]
            ),
            surveys=_frame(
                connection,
                select(*METRIC_COLUMNS["survey_response"]).where(
                    SurveyResponse.submitted_on <= as_of_param
                ),
                "survey_response",
            ),
        )


def load_survey_program(engine: Engine, *, as_of: date) -> ProgramFrames:
    """`load_program` without what the survey figures never read: its cohorts, participants,
    pairs and survey responses, with `meeting_stats` and `goals` None. The Surveys screen reads
    this."""
    return load_program(engine, as_of=as_of, meetings=False, goals=False)


def earlier_program(
    later: ProgramFrames, engine: Engine, *, as_of: date, window_days: int = ADHERENCE_WINDOW_DAYS
) -> ProgramFrames:
    """`load_program(engine, as_of=as_of)`, cut from `later` (the program read on a later date)
    rather than read again: the pairs started and the responses submitted by `as_of`, the same
    cohorts, people and goals, and the meeting figures — the only part that depends on the
    date in another way — aggregated afresh for `as_of` (None if `later` has none). The
    executive summary compares a quarter with the one before; this halves what it reads."""
    if as_of > later.as_of:
        raise ValueError(f"{as_of} is after the program's date {later.as_of}")
    day = pd.Timestamp(as_of)
    stats = None  # not read for `later` either
    if later.meeting_stats is not None:
        with engine.connect() as connection, connection.begin():
            stats = meeting_stats(connection, as_of=as_of, window_days=window_days)
    return ProgramFrames(
        as_of=as_of,
        cohorts=later.cohorts,
        participants=later.participants,
        pairs=later.pairs[later.pairs["started_on"] <= day].reset_index(drop=True),
        meeting_stats=stats,
        goals=later.goals,
        surveys=later.surveys[later.surveys["submitted_on"] <= day].reset_index(drop=True),
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


def _meeting_stats_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """`meeting_stats`'s frame from rows of pairs that met (indexed by pair_id; the last
    meeting's date as the driver gives it)."""
    stats = rows[["last_meeting_on", "meetings_in_window"]].copy()
    stats["last_meeting_on"] = pd.to_datetime(stats["last_meeting_on"]).astype("datetime64[ns]")
    stats["meetings_in_window"] = stats["meetings_in_window"].astype(int)
    return stats


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


def pair_directory(engine: Engine) -> pd.DataFrame:
    """Who is in each pair, for the screens that may show names (never the executive's):
    pair_id, cohort_id, cohort_name, focus_area (the pair's, else its cohort's), and for the
    mentor and the mentee their id, name, e-mail, department, birth year and time zone."""
    mentor, mentee = Participant.__table__.alias("mentor"), Participant.__table__.alias("mentee")
    statement = (
        select(
            Pair.pair_id,
            Pair.cohort_id,
            Cohort.name.label("cohort_name"),
            func.coalesce(Pair.focus_area, Cohort.focus_area).label("focus_area"),
            *(
                column.label(f"{person.name}_{column.name}")
                for person in (mentor, mentee)
                for column in (
                    person.c.participant_id,
                    person.c.name,
                    person.c.email,
                    person.c.department,
                    person.c.birth_year,
                    person.c.timezone,
                )
            ),
        )
        .join(Cohort, Cohort.cohort_id == Pair.cohort_id)
        .join(mentor, mentor.c.participant_id == Pair.mentor_id)
        .join(mentee, mentee.c.participant_id == Pair.mentee_id)
        .order_by(Pair.pair_id)
    )
    with engine.connect() as connection:
        frame = pd.read_sql(statement, connection)
    frame = frame.rename(
        columns={"mentor_participant_id": "mentor_id", "mentee_participant_id": "mentee_id"}
    )
    return frame.set_index("pair_id")


@dataclass(frozen=True)
class ProgramSize:
    """How much program a store holds on one date: what the empty states check first."""

    cohorts: int
    pairs_started: int


def program_size(engine: Engine, *, as_of: date) -> ProgramSize:
    """The cohorts in the store and the pairs started by `as_of`: two counts, no rows read."""
    with engine.connect() as connection:
        cohorts = connection.execute(select(func.count()).select_from(Cohort)).scalar_one()
        pairs = connection.execute(
            select(func.count()).select_from(Pair).where(Pair.started_on <= _as_of_param(as_of))
        ).scalar_one()
    return ProgramSize(cohorts=cohorts, pairs_started=pairs)


def pairs_and_goals(engine: Engine, *, as_of: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`load_program`'s pairs and goals alone (for the Goals screen, which reads nothing else):
    the pairs started by `as_of` and every goal, read in one snapshot."""
    with engine.connect() as connection, connection.begin():
        pairs = _frame(
            connection, select(Pair).where(Pair.started_on <= _as_of_param(as_of)), "pair"
        )
        goals = _frame(connection, select(*METRIC_COLUMNS["goal"]), "goal")
    return pairs, goals


def cohort_list(engine: Engine) -> pd.DataFrame:
    """Every cohort (the import format's columns), oldest start first."""
    statement = select(Cohort).order_by(Cohort.start_date, Cohort.cohort_id)
    with engine.connect() as connection:
        return _frame(connection, statement, "cohort")
