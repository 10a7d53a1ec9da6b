"""The Cohort health screen's filter bar and pair table.

The selected pair lives in the link (`pair`), so a shared link opens the same pair. A click in
the table writes the link; the table's selection is then kept on the linked pair's row, wherever
the filters and sorting put it.
"""

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from app import cohort_view, formats
from app.cohort_view import PairFilters
from components.filters import url_multiselect, url_selectbox
from components.linked_table import linked_table
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
    # Who, then how the pair is doing and why, then when they last met: what a coordinator
    # acts on comes first, inside a 1440 px wide window; cohort and status may need a scroll.
    return pd.DataFrame(
        {
            "pair": shown["pair_id"],
            "mentor": shown["mentor_name"],
            "mentee": shown["mentee_name"],
            "band": shown["band"],
            "health": shown["health_score"],
            "reasons": shown["reasons"],
            "days_since": shown["days_since_last_meeting"],
            "last_meeting": shown["last_meeting_on"],
            "cohort": shown["cohort_name"],
            "status": shown["status"].str.replace("_", " "),
        }
    ).reset_index(drop=True)


COLUMN_CONFIG = {
    "pair": st.column_config.TextColumn("Pair", width=60),
    "mentor": st.column_config.TextColumn("Mentor", width=130),
    "mentee": st.column_config.TextColumn("Mentee", width=130),
    "band": st.column_config.TextColumn("Band", width=75),
    "health": st.column_config.ProgressColumn(
        "Health score",
        help="0–100: Healthy from 70, Watch from 40 (settings).",
        min_value=0,
        max_value=100,
        format="%.1f / 100",
        width=110,
    ),
    "reasons": st.column_config.TextColumn("Reasons", width=270),
    "days_since": st.column_config.NumberColumn(
        "Days since met",
        help="Days from the last meeting (or from the start, for a pair that has not met) to "
        "the as-of date.",
        format="%d",
        width=105,
    ),
    "last_meeting": st.column_config.DateColumn(
        "Last meeting", format=formats.DATE_COLUMN, width=105
    ),
    "cohort": st.column_config.TextColumn("Cohort"),
    "status": st.column_config.TextColumn("Status", width="small"),
}


def pair_table(shown: pd.DataFrame) -> str | None:
    """The pairs of `shown` (most urgent first, at most `MAX_ROWS`) as a sortable table with
    one selectable row; returns the pair in the link (picked now or before), if any."""
    visible = shown.head(MAX_ROWS)
    if len(shown) > MAX_ROWS:
        st.caption(
            f"Showing the {MAX_ROWS:,} most urgent of {len(shown):,} pairs. Narrow the filters "
            "to see the others."
        )
    return linked_table(
        _table_frame(visible),
        visible["pair_id"].tolist(),
        key=TABLE_KEY,
        param=PAIR_PARAM,
        column_config=COLUMN_CONFIG,
    )
