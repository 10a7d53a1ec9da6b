"""The Goals screen's pieces: completion bars, the overdue list (with goal titles, read only for
the goals it shows: `components.loaders.goal_data`), and the time-to-complete histogram. Charts
are Altair (Vega-Lite), which draws text as text: cohort names and categories show as typed;
each chart's spec is named after its `key` (a chart without selections keeps no key on the
page)."""

import altair as alt
import pandas as pd
import streamlit as st

from app import formats
from components.long_table import long_table
from components.palette import SERIES_COLOURS

#: Widest a cohort or category is drawn (px) before Vega-Lite ends it with "…" (default 180).
LABEL_LIMIT = 320
#: The overdue table's columns and their headers: what is late and by how much first, inside a
#: 1440 px wide window. The download has the same headers.
OVERDUE_COLUMNS = {
    "title": "Goal",
    "due_on": "Due",
    "days_overdue": "Days overdue",
    "mentor_name": "Mentor",
    "mentee_name": "Mentee",
    "category": "Category",
    "cohort": "Cohort",
    "pair_id": "Pair",
    "status": "Status",
}


def completion_chart(
    completion: pd.DataFrame, column: str, labels: dict[str, str], *, key: str, what: str
) -> None:
    """Horizontal bars of goal completion per `column` value (shown through `labels`, in the
    order of `completion`), with "33 % (1 of 3)" written beside each bar; `what` names the
    groups in the tooltip ("Cohort")."""
    frame = pd.DataFrame(
        {
            "group": completion[column].map(lambda value: labels.get(value, value)).astype(str),
            "percent": completion["completion"] * 100,
            "text": [
                "no goals" if pd.isna(share) else f"{share:.0%} ({done} of {goals})"
                for share, done, goals in zip(
                    completion["completion"], completion["done"], completion["goals"], strict=True
                )
            ],
        }
    )
    # A group with no goal (every one dropped) has no bar: its "no goals" is written at 0.
    frame["text_at"] = frame["percent"].fillna(0)
    y = alt.Y(
        "group:N",
        title=None,
        sort=frame["group"].tolist(),
        axis=alt.Axis(labelLimit=LABEL_LIMIT),
    )
    bars = (
        alt.Chart(frame)
        .mark_bar(color=SERIES_COLOURS[0])
        .encode(
            x=alt.X("percent:Q", title="Goal completion (%)", scale=alt.Scale(domain=[0, 100])),
            y=y,
            tooltip=[
                alt.Tooltip("group:N", title=what),
                alt.Tooltip("text:N", title="Goal completion"),
            ],
        )
    )
    written = (
        alt.Chart(frame)
        .mark_text(align="left", baseline="middle", dx=4)
        .encode(x=alt.X("text_at:Q"), y=y, text="text:N")
    )
    # The whole chart's height, axis included (Streamlit fits the spec to it).
    chart = (bars + written).properties(height=100 + 40 * len(frame), name=key)
    st.altair_chart(chart, key=key, width="stretch")


def overdue_table(
    overdue: pd.DataFrame, titles: pd.DataFrame, directory: pd.DataFrame, cohorts: dict[str, str]
) -> pd.DataFrame:
    """The overdue goals, most overdue first: title (from `titles`, as
    `components.loaders.goal_data.goal_titles` gives them), due date, days overdue, mentor and
    mentee, category, cohort, pair, status (`OVERDUE_COLUMNS`). The first rows on the screen,
    every one in a CSV download (`components.long_table`). Returns the whole table."""
    table = (
        overdue.merge(titles[["goal_id", "title"]], on="goal_id", how="left")
        .join(directory[["mentor_name", "mentee_name"]], on="pair_id")
        .assign(
            cohort=lambda frame: frame["cohort_id"].map(cohorts),
            status=lambda frame: frame["status"].str.replace("_", " "),
        )
    )[list(OVERDUE_COLUMNS)]
    long_table(
        table,
        what="overdue goals",
        headers=OVERDUE_COLUMNS,
        file_name="overdue_goals.csv",
        key="overdue_goals",
        column_order=list(OVERDUE_COLUMNS),
        column_config={
            "title": st.column_config.TextColumn(OVERDUE_COLUMNS["title"], width=240),
            "category": OVERDUE_COLUMNS["category"],
            "pair_id": OVERDUE_COLUMNS["pair_id"],
            "mentor_name": st.column_config.TextColumn(OVERDUE_COLUMNS["mentor_name"], width=130),
            "mentee_name": st.column_config.TextColumn(OVERDUE_COLUMNS["mentee_name"], width=130),
            "cohort": OVERDUE_COLUMNS["cohort"],
            "due_on": st.column_config.DateColumn(
                OVERDUE_COLUMNS["due_on"], format=formats.DATE_COLUMN, width=105
            ),
            "days_overdue": st.column_config.NumberColumn(
                OVERDUE_COLUMNS["days_overdue"], width=105
            ),
            "status": OVERDUE_COLUMNS["status"],
        },
        hide_index=True,
    )
    return table


def time_to_complete_chart(distribution: pd.DataFrame, *, width_days: int) -> None:
    """Goals done per bin of days from creation to completion (Altair histogram)."""
    chart = (
        alt.Chart(distribution)
        .mark_bar(color=SERIES_COLOURS[2])
        .encode(
            x=alt.X(
                "days_from:Q",
                bin="binned",
                title=f"Days to complete ({width_days}-day bins)",
                axis=alt.Axis(values=[int(day) for day in [0, *distribution["days_to"]]]),
            ),
            x2="days_to:Q",
            y=alt.Y("goals:Q", title="Goals done"),
            tooltip=[
                alt.Tooltip("days_from:Q", title="From day"),
                alt.Tooltip("days_to:Q", title="Before day"),
                alt.Tooltip("goals:Q", title="Goals done"),
            ],
        )
        .properties(height=260)
    )
    st.altair_chart(chart, key="time_to_complete")
