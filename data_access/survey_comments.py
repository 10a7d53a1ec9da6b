"""The free-text side of the surveys, read only for the program manager's comment lists.

`queries.load_program` leaves comments, names and e-mails in the store on purpose. These two
queries fetch them for `app.privacy.comments_for`, which alone decides what may be shown (groups of
10 or more, no small group by subtraction) and redacts any name, e-mail or id inside a text.
"""

from datetime import date

import pandas as pd
from sqlalchemy import Date, Engine, bindparam, func, select

from data_access.models import Participant, SurveyResponse
from data_access.queries import _frame, _read


def survey_comments(engine: Engine, *, as_of: date) -> pd.DataFrame:
    """The comments of the responses submitted on or before `as_of`, one row per response that
    has a non-blank comment: participant_id, pair_id, cohort_id, submitted_on (a timestamp),
    kind, comment. Oldest first."""
    statement = (
        select(
            SurveyResponse.participant_id,
            SurveyResponse.pair_id,
            SurveyResponse.cohort_id,
            SurveyResponse.submitted_on,
            SurveyResponse.kind,
            SurveyResponse.comment,
        )
        .where(SurveyResponse.submitted_on <= bindparam("as_of", as_of, type_=Date))
        .where(SurveyResponse.comment.is_not(None))
        .where(func.trim(SurveyResponse.comment) != "")
        .order_by(SurveyResponse.submitted_on, SurveyResponse.response_id)
    )
    with engine.connect() as connection:
        # read as `load_program` reads responses: dates parsed by pandas in one go
        return _frame(connection, statement, "survey_response")


def people_for_comments(engine: Engine) -> pd.DataFrame:
    """Every participant as `app.privacy.comments_for` needs them: participant_id, name and
    email (to redact them inside comments), role, department and birth_year (to group them)."""
    statement = select(
        Participant.participant_id,
        Participant.name,
        Participant.email,
        Participant.role,
        Participant.department,
        Participant.birth_year,
    ).order_by(Participant.participant_id)
    with engine.connect() as connection:
        return _read(connection, statement)
