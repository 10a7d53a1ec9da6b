"""What the outcomes comparison (`app.outcomes`) reads: the workforce, its promotions, and the
participants and pairs that say who took part from when."""

from datetime import date

import pandas as pd
from sqlalchemy import Engine, select

from data_access.models import Employee, Pair, Participant, Promotion


def outcome_inputs(engine: Engine, as_of: date) -> dict[str, pd.DataFrame]:
    """Frames `employees`, `promotions`, `participants`, `pairs` as known on `as_of`: employees
    hired by then, promotions up to it, pairs started by then (a departure after `as_of` is
    left to `app.outcomes`, which treats it as unknown). Participants carry no name."""
    statements = {
        "employees": select(Employee).where(Employee.hired_on <= as_of),
        "promotions": select(Promotion).where(Promotion.promoted_on <= as_of),
        "participants": select(
            Participant.participant_id,
            Participant.role,
            Participant.department,
            Participant.email,
            Participant.employee_id,
        ),
        "pairs": select(
            Pair.pair_id, Pair.cohort_id, Pair.mentor_id, Pair.mentee_id, Pair.started_on
        ).where(Pair.started_on <= as_of),
    }
    with engine.connect() as connection:
        return {name: pd.read_sql(statement, connection) for name, statement in statements.items()}
