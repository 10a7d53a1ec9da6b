"""The Cohort health screen's filter bar and pair table.

The selected pair lives in the link (`pair`), so a shared link opens the same pair. A click in
the table writes the link; the table's selection is then kept on the linked pair's row, wherever
the filters and sorting put it.
"""

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from app import cohort_view
from app.cohort_view import PairFilters
from components.filters import url_multiselect, url_selectbox
from components.palette import BAND_ORDER

PAIR_PARAM = "pair"
TABLE_KEY = "pair_table"
#: The most rows the table sends to the browser; the filters narrow the rest.
MAX_ROWS = 2_000
ALL_STATUSES = "all"
DEFAULT_STATUS = "active"
_STATUS_LABELS = {
    "active": "Active",
    "paused": "Paused",
    "completed": "Completed",
    "ended_early": "Ended early",
    ALL_STATUSES: "All statuses",
}
# What the table showed last run: its pair ids in row order and the selected rows.
_SHOWN_KEY = "_pair_table_shown"


def pair_filter_bar(rows: pd.DataFrame, columns: Sequence[Any]) -> PairFilters:
    """Status, health band, department, generation and focus area, each kept in the link, laid
    out over `columns` (five containers). The choices come from `rows` (`pair_rows`)."""
    status = url_selectbox(
        "Status",
        list(_STATUS_LABELS),
        param="status",
        default=DEFAULT_STATUS,
        format_func=_STATUS_LABELS.__getitem__,
        container=columns[0],
        help="Active pairs by default: the ones that can still be helped. Statuses are as "
        "they stood on the as-of date.",
    )
    bands = url_multiselect(
        "Health band", BAND_ORDER, param="band", container=columns[1], placeholder="All bands"
    )
    departments = url_multiselect(
        "Department",
        cohort_view.departments(rows),
        param="department",
        container=columns[2],
        placeholder="All departments",
        help="A pair matches when its mentor or its mentee works in a chosen department.",
    )
    generations = url_multiselect(
        "Generation",
        cohort_view.generations(rows),
        param="generation",
        container=columns[3],
        placeholder="All generations",
        help="By birth year (Baby Boomers 1946–64, Gen X 1965–80, Millennials 1981–96, "
        "Gen Z 1997–2012). A pair matches when its mentor or its mentee is of a chosen one.",
    )
    focus_areas = url_multiselect(
        "Focus area",
        cohort_view.focus_area_choices(rows),
        param="focus",
        container=columns[4],
        placeholder="All focus areas",
        help="The pair's own focus areas, else its cohort's.",
    )
    return PairFilters(
        statuses=() if status == ALL_STATUSES else (status,),
        bands=tuple(bands),
        departments=tuple(departments),
        generations=tuple(generations),
        focus_areas=tuple(focus_areas),
    )


def _table_frame(shown: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pair": shown["pair_id"],
            "mentor": shown["mentor_name"],
            "mentee": shown["mentee_name"],
            "cohort": shown["cohort_name"],
            "status": shown["status"].str.replace("_", " "),
            "last_meeting": shown["last_meeting_on"],
            "days_since": shown["days_since_last_meeting"],
            "health": shown["health_score"],
            "band": shown["band"],
            "reasons": shown["reasons"],
        }
    ).reset_index(drop=True)


COLUMN_CONFIG = {
    "pair": st.column_config.TextColumn("Pair", width="small"),
    "mentor": st.column_config.TextColumn("Mentor"),
    "mentee": st.column_config.TextColumn("Mentee"),
    "cohort": st.column_config.TextColumn("Cohort"),
    "status": st.column_config.TextColumn("Status", width="small"),
    "last_meeting": st.column_config.DateColumn("Last meeting", format="D MMM YYYY"),
    "days_since": st.column_config.NumberColumn(
        "Days since last meeting",
        help="Days from the last meeting (or from the start, for a pair that has not met) to "
        "the as-of date.",
        format="%d",
    ),
    "health": st.column_config.ProgressColumn(
        "Health score", min_value=0, max_value=100, format="%.1f"
    ),
    "band": st.column_config.TextColumn("Band", width="small"),
    "reasons": st.column_config.TextColumn("Reasons", width="large"),
}


def _selected_rows() -> list[int] | None:
    """The table's selected rows as the browser (or a programmatic write) left them; None when
    the table was not on the page last run (coming back from another page)."""
    if TABLE_KEY not in st.session_state:
        return None
    state = st.session_state[TABLE_KEY] or {}
    return list(state.get("selection", {}).get("rows", []))


def _clicked_pair(rows: list[int] | None) -> tuple[bool, str | None]:
    """Whether the person changed the selection since the last run, and the pair they picked."""
    last_ids, last_rows = st.session_state.get(_SHOWN_KEY, ([], []))
    if rows is None or rows == last_rows:
        return False, None
    return True, (last_ids[rows[0]] if rows and rows[0] < len(last_ids) else None)


def pair_table(shown: pd.DataFrame) -> str | None:
    """The pairs of `shown` (most urgent first, at most `MAX_ROWS`) as a sortable table with
    one selectable row; returns the pair in the link (picked now or before), if any."""
    selected_rows = _selected_rows()
    changed, clicked = _clicked_pair(selected_rows)
    if changed:
        if clicked is None:
            st.query_params.pop(PAIR_PARAM, None)
        else:
            st.query_params[PAIR_PARAM] = clicked
    linked = st.query_params.get(PAIR_PARAM)

    visible = shown.head(MAX_ROWS)
    ids = visible["pair_id"].tolist()
    wanted = [ids.index(linked)] if linked in ids else []
    if selected_rows is not None and selected_rows != wanted:
        st.session_state[TABLE_KEY] = {"selection": {"rows": wanted, "columns": [], "cells": []}}

    if len(shown) > MAX_ROWS:
        st.caption(
            f"Showing the {MAX_ROWS:,} most urgent of {len(shown):,} pairs. Narrow the filters "
            "to see the others."
        )
    st.dataframe(
        _table_frame(visible),
        key=TABLE_KEY,
        on_select="rerun",
        selection_mode="single-row",
        selection_default={"selection": {"rows": wanted}},
        hide_index=True,
        column_config=COLUMN_CONFIG,
        placeholder="—",
    )
    st.session_state[_SHOWN_KEY] = (ids, wanted)
    return linked
