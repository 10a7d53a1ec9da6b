"""What the outcomes comparison (`app.outcomes`) reads: the workforce, its promotions, and the
participants and pairs that say who took part from when."""

from datetime import date

import pandas as pd
from sqlalchemy import Engine, select

from data_access.models import Employee, Pair, Participant, Promotion
from data_access.queries import _read, _unparsed


def outcome_inputs(engine: Engine, as_of: date) -> dict[str, pd.DataFrame]:
    """Frames `employees`, `promotions`, `participants`, `pairs` as known on `as_of`: employees
    hired by then, promotions up to it, pairs started by then (a departure after `as_of` is
    left to `app.outcomes`, which treats it as unknown). Participants carry no name.

    Dates are read as the driver gives them and parsed by pandas in one go (250,000 employees
    would otherwise be turned into `date` objects one at a time)."""
    statements = {
        "employees": select(
            Employee.employee_id,
            Employee.email,
            Employee.department,
            Employee.job_level,
            Employee.birth_year,
            _unparsed(Employee.hired_on, "hired_on"),
            _unparsed(Employee.left_on, "left_on"),
        ),
        "promotions": select(
            Promotion.promotion_id,
            Promotion.employee_id,
            _unparsed(Promotion.promoted_on, "promoted_on"),
            Promotion.new_job_level,
        ),
        "participants": select(
            Participant.participant_id,
            Participant.role,
            Participant.department,
            Participant.email,
            Participant.employee_id,
        ),
        "pairs": select(
            Pair.pair_id,
            Pair.cohort_id,
            Pair.mentor_id,
            Pair.mentee_id,
            _unparsed(Pair.started_on, "started_on"),
        ).where(Pair.started_on <= as_of),
    }
    dates = {"employees": ("hired_on", "left_on"), "promotions": ("promoted_on",)}
    dates["pairs"] = ("started_on",)
    frames = {}
    with engine.connect() as connection:
        for name, statement in statements.items():
            frame = _read(connection, statement)
            for column in dates.get(name, ()):
                frame[column] = pd.to_datetime(frame[column])
            # Cut here rather than in SQL: nearly every row passes, and a scan of the date's
            # index (then of the table) takes longer than reading the table once.
            if name == "employees":
                frame = frame[frame["hired_on"] <= pd.Timestamp(as_of)].reset_index(drop=True)
            elif name == "promotions":
                frame = frame[frame["promoted_on"] <= pd.Timestamp(as_of)].reset_index(drop=True)
            for column in ("job_level", "birth_year", "new_job_level"):
                if column in frame:
                    frame[column] = frame[column].astype("Float64")
            frames[name] = frame
    return frames
