"""The whole program's survey tables are decided on coded arrays (`app.privacy.coded`); here
they are compared, cell by cell, with the rule applied to a frame per cell, as it was first
written: the same cells in the same order, the same hidden cells and reasons, the same figures.
"""

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from app import metrics
from app.privacy.coded import _coded_breakdown, _coded_role_by_month
from app.privacy.over_time import _answered
from app.privacy.rule import _breakdown_cells, _decisions, _groups, _people_by_question, _row
from app.privacy.tables import _role_month_keys
from app.privacy.terms import ALL, BREAKDOWNS, Cell, Line
from sample_data.generator import generate_program
from tests.app.test_privacy import AS_OF, programs


# --- The reference: the rule on a frame per cell -------------------------------------------------
def _role_by_month_cells(
    answered: pd.DataFrame, participants: pd.DataFrame
) -> tuple[dict[Cell, pd.DataFrame], list[Line]]:
    """The cells of the trend by role, keyed (role, month): each role's months with responses,
    then the totals (ALL, month), (role, ALL) and (ALL, ALL); and its lines, totals' first."""
    roles = _groups(answered, participants, "role")
    months = _groups(answered, participants, "month")
    inner = {
        (role, month): frame
        for role, by_role in roles.items()
        for month, frame in _groups(by_role, participants, "month").items()
    }
    cells: dict[Cell, pd.DataFrame] = {
        **inner,
        **{(ALL, month): frame for month, frame in months.items()},
        **{(role, ALL): frame for role, frame in roles.items()},
        (ALL, ALL): answered,
    }
    lines: list[Line] = [
        ((ALL, ALL), [(ALL, month) for month in months]),
        ((ALL, ALL), [(role, ALL) for role in roles]),
        *(((ALL, month), [cell for cell in inner if cell[1] == month]) for month in months),
        *(((role, ALL), [cell for cell in inner if cell[0] == role]) for role in roles),
    ]
    return cells, lines


def _reference(
    cells: Mapping[Cell, pd.DataFrame], lines: Sequence[Line], minimum: int
) -> tuple[dict[Cell, dict[str, object]], dict]:
    """Each cell's row and the hidden cells, decided on the cells' frames."""
    people = _people_by_question(cells)
    decided = _decisions(cells, lines, minimum, people)
    rows = {
        cell: _row(
            frame,
            decided[None].get(cell),
            {q: hidden[cell] for q, hidden in decided.items() if q is not None and cell in hidden},
            minimum,
            len(people[None][cell]),
        )
        for cell, frame in cells.items()
    }
    return rows, decided


def _same(coded_rows: Mapping[Cell, Callable[[], dict]], reference: Mapping[Cell, dict]) -> None:
    assert list(coded_rows) == list(reference)
    for cell, row in coded_rows.items():
        got, expected = row(), reference[cell]
        assert got.keys() == expected.keys(), cell
        for column, value in expected.items():
            if isinstance(value, float) and np.isnan(value):
                assert isinstance(got[column], float) and np.isnan(got[column]), (cell, column)
            elif value is pd.NA:
                assert got[column] is pd.NA, (cell, column)
            else:
                assert got[column] == value and type(got[column]) is type(value), (cell, column)


def _check(responses: pd.DataFrame, participants: pd.DataFrame, minimum: int) -> None:
    answered = _answered(responses, AS_OF)
    for by in BREAKDOWNS:
        cells, lines = _breakdown_cells(answered, participants, by)
        rows, decided = _reference(cells, lines, minimum)
        coded = _coded_breakdown(answered, participants, by, minimum)
        _same(coded.rows, rows)
        assert coded.hidden == decided, by
    cells, lines = _role_by_month_cells(answered, participants)
    rows, decided = _reference(cells, lines, minimum)
    coded = _coded_role_by_month(answered, participants, minimum)
    _same(coded.rows, rows)
    assert coded.hidden == decided
    assert _role_month_keys(answered, participants) == [c for c in cells if ALL not in c]


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(programs())
def test_coded_tables_are_the_rule_on_frames(program: tuple) -> None:
    responses, participants, minimum = program
    _check(responses, participants, minimum)


@pytest.mark.parametrize("minimum", [3, 5, 10])
def test_coded_tables_are_the_rule_on_frames_on_the_sample_program(minimum: int) -> None:
    program = generate_program(scale="demo", anchor=AS_OF)
    responses = metrics.as_timestamps(program["surveys"], ["submitted_on"])
    _check(responses, program["participants"], minimum)


def test_no_responses_give_one_hidden_total() -> None:
    program = generate_program(scale="demo", anchor=AS_OF)
    responses = metrics.as_timestamps(program["surveys"], ["submitted_on"]).iloc[:0]
    _check(responses, program["participants"], 5)
    coded = _coded_role_by_month(_answered(responses, AS_OF), program["participants"], 5)
    assert list(coded.rows) == [(ALL, ALL)]
    assert coded.rows[(ALL, ALL)]()["shown"] is False
