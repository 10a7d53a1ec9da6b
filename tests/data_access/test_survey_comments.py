"""The comment texts and the people behind them, read for `app.privacy.comments_for` only."""

from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session

from app.privacy import REDACTED, AnonymitySettings, comments_for
from data_access.importer import read_directory, run_import
from data_access.models import SurveyResponse
from data_access.survey_comments import people_for_comments, survey_comments

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"


def _fixture_store(engine: Engine) -> Engine:
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    return engine


def test_comments_submitted_by_the_as_of_date_with_what_groups_them(engine: Engine) -> None:
    _fixture_store(engine)
    with Session(engine) as session:  # a blank comment is no comment
        session.add(
            SurveyResponse(
                response_id="S99",
                participant_id="U06",
                cohort_id="C2025",
                submitted_on=date(2025, 3, 6),
                kind="pulse",
                comment="   ",
            )
        )
        session.commit()

    in_april = survey_comments(engine, as_of=date(2024, 4, 30))
    assert in_april.to_dict("records") == [
        {
            "participant_id": "U04",
            "pair_id": None,
            "cohort_id": "C2024",
            "submitted_on": pd.Timestamp("2024-04-05"),
            "kind": "exit",
            "comment": "Not enough time, sadly",
        }
    ]
    later = survey_comments(engine, as_of=date(2025, 3, 31))
    assert later["comment"].tolist() == [
        "Not enough time, sadly",
        "Eye-opening, I now use AI every week.",
        "@here great program",
    ]
    assert str(later["submitted_on"].dtype) == "datetime64[ns]"
    assert survey_comments(engine, as_of=date(2024, 1, 1)).empty


def test_people_carry_names_to_redact_and_attributes_to_group_by(engine: Engine) -> None:
    _fixture_store(engine)
    people = people_for_comments(engine)
    assert people.columns.tolist() == [
        "participant_id",
        "name",
        "email",
        "role",
        "department",
        "birth_year",
    ]
    assert people["participant_id"].tolist() == ["U01", "U02", "U03", "U04", "U05", "U06"]
    assert people.set_index("participant_id").loc["U06", "name"] == "李 明"


def test_a_name_inside_a_comment_never_comes_out_of_comments_for(engine: Engine) -> None:
    _fixture_store(engine)
    with Session(engine) as session:
        session.add(
            SurveyResponse(
                response_id="S98",
                participant_id="U06",
                cohort_id="C2025",
                submitted_on=date(2025, 3, 20),
                kind="pulse",
                comment="Thanks to Ada Lind (ada@example.com)",
            )
        )
        session.commit()
    comments = survey_comments(engine, as_of=date(2025, 3, 31))
    shown = comments_for(
        comments,
        people_for_comments(engine),
        as_of=date(2025, 3, 31),
        settings=AnonymitySettings(min_respondents=3, min_comment_group=3),
    )
    assert f"Thanks to {REDACTED} ({REDACTED})" in shown
    assert len(shown) == 4
    # With the default threshold the four commenters are too few for any comment.
    assert comments_for(comments, people_for_comments(engine), as_of=date(2025, 3, 31)) == []
