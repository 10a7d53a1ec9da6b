"""The history of one pair as of a date, for its detail view: meetings, goals, survey answers
from both people (each with its `source`: `checkin` when logged through a link), the
coordinators' follow-ups and the e-mails PairPulse made for the pair (the outbox).

Everything dated after the as-of date is left out in SQL: meetings not yet held, goals not yet
created, responses not yet submitted, follow-ups not yet recorded (by the UTC day of
`created_at`). Goals come with their stored status; `app.metrics.goals_as_of` reads it as it
stood on the date. Survey comments are not read.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Connection, Date, Engine, bindparam, case, or_, select
from sqlalchemy.sql import ColumnElement, Select

from data_access.models import FollowUp, Goal, Meeting, OutboxMessage, Pair, SurveyResponse

MENTOR = "mentor"
MENTEE = "mentee"


@dataclass(frozen=True)
class PairHistory:
    """One pair's records as of `as_of`, each oldest first."""

    pair_id: str
    as_of: date
    meetings: pd.DataFrame
    goals: pd.DataFrame
    surveys: pd.DataFrame
    follow_ups: pd.DataFrame
    emails: pd.DataFrame


def _as_of_param(as_of: date) -> ColumnElement:
    return bindparam("as_of", as_of, type_=Date)


def _frame(connection: Connection, statement: Select, dates: list[str]) -> pd.DataFrame:
    frame = pd.read_sql(statement, connection)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def _meetings(pair_id: str, as_of: date) -> Select:
    return (
        select(
            Meeting.meeting_id,
            Meeting.held_on,
            Meeting.format,
            Meeting.duration_minutes,
            Meeting.source,
        )
        .where(Meeting.pair_id == pair_id, Meeting.held_on <= _as_of_param(as_of))
        .order_by(Meeting.held_on, Meeting.meeting_id)
    )


def _goals(pair_id: str, as_of: date) -> Select:
    return (
        select(
            Goal.goal_id,
            Goal.title,
            Goal.category,
            Goal.created_on,
            Goal.due_on,
            Goal.completed_on,
            Goal.status,
            Goal.progress_pct,
        )
        .where(
            Goal.pair_id == pair_id,
            or_(Goal.created_on.is_(None), Goal.created_on <= _as_of_param(as_of)),
        )
        .order_by(Goal.due_on.is_(None), Goal.due_on, Goal.goal_id)
    )


def _surveys(pair_id: str, as_of: date) -> Select:
    role = case(
        (SurveyResponse.participant_id == Pair.mentor_id, MENTOR),
        else_=MENTEE,
    ).label("role")
    return (
        select(
            SurveyResponse.response_id,
            SurveyResponse.participant_id,
            role,
            SurveyResponse.submitted_on,
            SurveyResponse.kind,
            SurveyResponse.satisfaction,
            SurveyResponse.relationship_quality,
            SurveyResponse.digital_confidence,
            SurveyResponse.nps,
            SurveyResponse.source,
        )
        .join(Pair, Pair.pair_id == SurveyResponse.pair_id)
        .where(
            SurveyResponse.pair_id == pair_id,
            SurveyResponse.participant_id.in_([Pair.mentor_id, Pair.mentee_id]),
            SurveyResponse.submitted_on <= _as_of_param(as_of),
        )
        .order_by(SurveyResponse.submitted_on, SurveyResponse.response_id)
    )


def _follow_ups(pair_id: str, as_of: date) -> Select:
    day_after = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=UTC)
    return (
        select(
            FollowUp.created_at,
            FollowUp.action,
            FollowUp.note,
            FollowUp.next_step,
            FollowUp.owner,
            FollowUp.due_on,
            FollowUp.snoozed_until,
            FollowUp.created_by,
        )
        .where(FollowUp.pair_id == pair_id, FollowUp.created_at < day_after)
        .order_by(FollowUp.created_at, FollowUp.id)
    )


def _follow_up_frame(connection: Connection, pair_id: str, as_of: date) -> pd.DataFrame:
    frame = _frame(connection, _follow_ups(pair_id, as_of), ["due_on", "snoozed_until"])
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True).astype(
        "datetime64[ns, UTC]"
    )
    return frame


def pair_history(engine: Engine, *, pair_id: str, as_of: date) -> PairHistory:
    """The meetings, goals, survey responses (from the pair's mentor and mentee, with `role`)
    and follow-ups of `pair_id` as of `as_of`, read in one snapshot. Dates are timestamps;
    `created_at` is UTC. A pair the store does not hold gives empty frames."""
    with engine.connect() as connection, connection.begin():
        return PairHistory(
            pair_id=pair_id,
            as_of=as_of,
            meetings=_frame(connection, _meetings(pair_id, as_of), ["held_on"]),
            goals=_frame(
                connection, _goals(pair_id, as_of), ["created_on", "due_on", "completed_on"]
            ),
            surveys=_frame(connection, _surveys(pair_id, as_of), ["submitted_on"]),
            follow_ups=_follow_up_frame(connection, pair_id, as_of),
            emails=_frame(connection, _emails(pair_id, as_of), ["created_on"]),
        )


def _emails(pair_id: str, as_of: date) -> Select:
    """The pair's messages made by the as-of day, newest first (status from sent/failed)."""
    return (
        select(
            OutboxMessage.created_on,
            OutboxMessage.rule,
            OutboxMessage.recipient_email,
            OutboxMessage.subject,
            OutboxMessage.sent_at,
            OutboxMessage.error,
        )
        .where(OutboxMessage.pair_id == pair_id, OutboxMessage.created_on <= _as_of_param(as_of))
        .order_by(OutboxMessage.created_on.desc(), OutboxMessage.id.desc())
    )
