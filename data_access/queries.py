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


def _meeting_stats_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """`meeting_stats`'s frame from rows of pairs that met (indexed by pair_id; the last
    meeting's date as the driver gives it)."""
    stats = rows[["last_meeting_on", "meetings_in_window"]].copy()
    stats["last_meeting_on"] = pd.to_datetime(stats["last_meeting_on"]).astype("datetime64[ns]")
    stats["meetings_in_window"] = stats["meetings_in_window"].astype(int)
    return stats


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
