"""Queries that feed the metrics: DataFrames in the import format's columns, dates as timestamps.

Rows dated after the as-of date are filtered out in SQL, and the per-pair meeting figures the
health score needs are aggregated in SQL (`meeting_stats`), so computing health never loads the
meetings table itself — at the `enterprise` scale that is about a million rows.
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Connection, Date, Engine, and_, bindparam, case, func, select
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
    """What the metrics need of the program as of one date."""

    as_of: date
    cohorts: pd.DataFrame
    participants: pd.DataFrame
    pairs: pd.DataFrame
    meeting_stats: pd.DataFrame
    goals: pd.DataFrame
    surveys: pd.DataFrame


def _frame(connection: Connection, statement: Select, table: str) -> pd.DataFrame:
    frame = pd.read_sql(statement, connection)
    for column in _DATE_COLUMNS[table]:
        if column in frame:
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def _as_of_param(as_of: date) -> ColumnElement:
    return bindparam("as_of", as_of, type_=Date)


def _days_before(connection: Connection, day: ColumnElement, days: int) -> ColumnElement:
    """`day` minus `days` days, in the connection's SQL dialect."""
    if connection.dialect.name == "sqlite":
        return func.date(day, f"-{int(days)} days")
    return day - days


def _meeting_stats_statement(connection: Connection, as_of: date, window_days: int) -> Select:
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
    in_window = and_(
        Meeting.held_on >= windows.c.window_start, Meeting.held_on <= windows.c.window_end
    )
    return (
        select(
            Meeting.pair_id,
            func.max(Meeting.held_on).label("last_meeting_on"),
            func.sum(case((in_window, 1), else_=0)).label("meetings_in_window"),
        )
        .join(windows, windows.c.pair_id == Meeting.pair_id)
        .where(Meeting.held_on <= as_of_param)
        .group_by(Meeting.pair_id)
    )


def meeting_stats(
    connection: Connection, *, as_of: date, window_days: int = ADHERENCE_WINDOW_DAYS
) -> pd.DataFrame:
    """Per pair that started by `as_of` and has met (indexed by `pair_id`): `last_meeting_on`
    and `meetings_in_window`, exactly as `app.metrics.meeting_stats` defines them."""
    statement = _meeting_stats_statement(connection, as_of, window_days)
    stats = pd.read_sql(statement, connection).set_index("pair_id")
    stats["last_meeting_on"] = pd.to_datetime(stats["last_meeting_on"]).astype("datetime64[ns]")
    stats["meetings_in_window"] = stats["meetings_in_window"].astype(int)
    return stats


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
    engine: Engine, *, as_of: date, window_days: int = ADHERENCE_WINDOW_DAYS
) -> ProgramFrames:
    """The program as the metrics need it on `as_of`, read in one snapshot.

    Pairs that had not started and survey responses not yet submitted are left out in SQL;
    goals come whole (`app.metrics.goals_as_of` reads their dates); meetings come as
    `meeting_stats`. Only the columns in `METRIC_COLUMNS` are read for people, goals and
    responses: no names, e-mails, goal titles or comments.
    """
    as_of_param = _as_of_param(as_of)
    with engine.connect() as connection, connection.begin():
        return ProgramFrames(
            as_of=as_of,
            cohorts=_frame(connection, select(Cohort), "cohort"),
            participants=_frame(connection, select(*METRIC_COLUMNS["participant"]), "participant"),
            pairs=_frame(connection, select(Pair).where(Pair.started_on <= as_of_param), "pair"),
            meeting_stats=meeting_stats(connection, as_of=as_of, window_days=window_days),
            goals=_frame(connection, select(*METRIC_COLUMNS["goal"]), "goal"),
            surveys=_frame(
                connection,
                select(*METRIC_COLUMNS["survey_response"]).where(
                    SurveyResponse.submitted_on <= as_of_param
                ),
                "survey_response",
            ),
        )


def pair_directory(engine: Engine) -> pd.DataFrame:
    """Who is in each pair, for the screens that may show names (never the executive's):
    pair_id, cohort_id, cohort_name, focus_area (the pair's, else its cohort's), and for the
    mentor and the mentee their id, name, e-mail, department and birth year."""
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


def cohort_list(engine: Engine) -> pd.DataFrame:
    """Every cohort (the import format's columns), oldest start first."""
    statement = select(Cohort).order_by(Cohort.start_date, Cohort.cohort_id)
    with engine.connect() as connection:
        return _frame(connection, statement, "cohort")
