"""What the screens call: survey breakdowns, the trend by month, and the role × month tables,
with or without a cohort filter."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import pandas as pd

from app.privacy.coded import (
    _as_table,
    _Coded,
    _coded_breakdown,
    _coded_role_by_month,
    _inner_cells,
)
from app.privacy.crossed import _chosen, _filtered
from app.privacy.over_time import _answered
from app.privacy.rule import _group_of, _group_order
from app.privacy.terms import ALL, DEFAULT_SETTINGS, AnonymitySettings, Cell


def survey_breakdown(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    by: str,
    as_of: date,
    settings: AnonymitySettings = DEFAULT_SETTINGS,
    cohorts: Collection[str] | None = None,
) -> pd.DataFrame:
    """Survey figures per group of the breakdown `by` (one of `BREAKDOWNS`), then an "All" row.

    `responses` are in the import format (`submitted_on` as timestamps); `participants` give the
    role, department and birth year of each respondent. `cohort` groups by the response's
    `cohort_id`, `kind` by survey kind, `month` by the month submitted ("2026-05"); missing values
    group as "Unknown" ("No cohort"). Only responses submitted on or before `as_of` count.

    Columns: group, respondents (distinct people), responses, the mean satisfaction,
    relationship_quality and digital_confidence, nps, shown, note. A hidden row (shown False) has
    blank counts and figures and a note that says why; a shown row may still have a blank
    question, named in its note. By role and by month, the rows are the totals of the trend by
    role (see the module docstring).

    With `cohorts`, the figures of the responses given in those cohorts (every cohort when
    empty): `responses` are then the whole program's (not narrowed; blank cohorts filled by
    `with_pair_cohorts`), and a figure is shown only where it is the sum of cells of the crossed
    table with cohorts that it shows (see the module docstring).
    """
    if by in ("role", "month"):
        tables = role_and_month_tables(
            responses, participants, as_of=as_of, settings=settings, cohorts=cohorts, only=by
        )
        return tables.by_role if by == "role" else tables.by_month
    return _other_breakdown(responses, participants, by, as_of, settings, cohorts)


def _other_breakdown(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    by: str,
    as_of: date,
    settings: AnonymitySettings,
    cohorts: Collection[str] | None,
) -> pd.DataFrame:
    """`survey_breakdown` by a group other than role or month."""
    answered = _answered(responses, as_of)
    if (chosen := _chosen(answered, cohorts)) is not None:
        table = _filtered(answered, participants, by, chosen, settings)
        inside = answered[_group_of(answered, participants, "cohort").isin(chosen)]
        groups = _group_order(inside, participants, by)
        keys = [(group,) for group in groups] + [(ALL,)]
        return _as_table([table.row(key) for key in keys], {"group": [*groups, ALL]})
    rows = _coded_breakdown(answered, participants, by, settings.min_respondents).rows
    return _as_table([row() for row in rows.values()], {"group": list(rows)})


def survey_trend(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    as_of: date,
    settings: AnonymitySettings = DEFAULT_SETTINGS,
    by_role: bool = False,
    cohorts: Collection[str] | None = None,
) -> pd.DataFrame:
    """Survey figures per month submitted, oldest first; with `by_role`, per role of the
    respondent (mentee, mentor) and month, for the months in which that role answered.

    Columns: role (with `by_role`), month ("2026-05"), then those of `survey_breakdown`, under
    the same rule. Without `by_role` this is `survey_breakdown(by="month")` without its All row.
    With it, no cell can be worked out from the month totals, the role totals
    (`survey_breakdown(by="role")`) and the other cells. With `cohorts`, as `survey_breakdown`:
    a cell (role, month) over the chosen cohorts is shown only when each chosen cohort's
    (role, month) cell of the crossed role × month × cohort table is.
    """
    if not by_role:
        table = survey_breakdown(
            responses, participants, by="month", as_of=as_of, settings=settings, cohorts=cohorts
        )
        return table[table["group"] != ALL].rename(columns={"group": "month"})
    return role_and_month_tables(
        responses, participants, as_of=as_of, settings=settings, cohorts=cohorts, only="cells"
    ).by_role_and_month


def _role_month_keys(answered: pd.DataFrame, participants: pd.DataFrame) -> list[Cell]:
    """The (role, month) cells of `answered`, in `_coded_role_by_month`'s order."""
    coded = _Coded.of(answered, participants)
    return _inner_cells(*coded.labels("role"), *coded.labels("month"))[1]


@dataclass(frozen=True)
class RoleMonthTables:
    """The three tables published from the role × month table (see `role_and_month_tables`);
    a table not asked for is None."""

    by_role: pd.DataFrame | None
    by_month: pd.DataFrame | None
    by_role_and_month: pd.DataFrame | None


def role_and_month_tables(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    as_of: date,
    settings: AnonymitySettings = DEFAULT_SETTINGS,
    cohorts: Collection[str] | None = None,
    only: str | None = None,
) -> RoleMonthTables:
    """`survey_breakdown(by="role")`, `survey_breakdown(by="month")` and
    `survey_trend(by_role=True)` at once: the three are published from one role × month table
    (its margins and its cells), so the rule is decided on it once for a screen that shows them
    all. `only` ("role", "month" or "cells") builds just that one. The role and month totals
    follow the rule across as-of dates (module docstring); a cell of a complete month never
    changes."""
    answered = _answered(responses, as_of)
    wanted = {"role", "month", "cells"} if only is None else {only}
    if (chosen := _chosen(answered, cohorts)) is not None:
        table = _filtered(answered, participants, "role", chosen, settings)
        shown_in = answered[_group_of(answered, participants, "cohort").isin(chosen)]
        cells_shown: list[Cell] | None = None  # worked out below if the cells are wanted

        def row(key: Cell) -> dict[str, object]:
            return table.row(key)

        def groups_of(by: str) -> list[str]:
            return _group_order(shown_in, participants, by)

    else:
        rows = _coded_role_by_month(answered, participants, settings.min_respondents).rows
        cells_shown = list(rows)

        def row(key: Cell) -> dict[str, object]:
            return rows[key]()

        def groups_of(by: str) -> list[str]:
            # the margins' cells, (role, ALL) or (ALL, month), in the table's order
            axis = 0 if by == "role" else 1
            return [c[axis] for c in rows if c[axis] != ALL and c[1 - axis] == ALL]

    def margin(by: str) -> pd.DataFrame | None:
        if by not in wanted:
            return None
        groups = groups_of(by)
        keys = [(group, ALL) if by == "role" else (ALL, group) for group in groups]
        return _as_table([row(key) for key in [*keys, (ALL, ALL)]], {"group": [*groups, ALL]})

    inner = None
    if "cells" in wanted:
        if cells_shown is None:
            cells_shown = _role_month_keys(shown_in, participants)
        pairs = [key for key in cells_shown if ALL not in key]
        keys = {"role": [role for role, _ in pairs], "month": [month for _, month in pairs]}
        inner = _as_table([row(key) for key in pairs], keys)
    return RoleMonthTables(margin("role"), margin("month"), inner)
