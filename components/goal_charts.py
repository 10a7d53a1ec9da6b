"""The Goals screen's pieces: completion bars, the overdue list (with goal titles, read only for
the goals it shows: `components.loaders.goal_data`), and the time-to-complete histogram."""

import altair as alt
import pandas as pd
import plotly.express as px
import streamlit as st

from app import formats
from components.literal import plotly_text
from components.palette import SERIES_COLOURS


def completion_chart(
    completion: pd.DataFrame, column: str, labels: dict[str, str], *, key: str
) -> None:
    """Horizontal bars of goal completion per `column` value (shown through `labels`), with
    "33 % (1 of 3)" written on each bar (Plotly)."""
    frame = completion.assign(
        group=completion[column].map(lambda value: plotly_text(labels.get(value, value))),
        percent=completion["completion"] * 100,
        text=[
            "no goals" if pd.isna(share) else f"{share:.0%} ({done} of {goals})"
            for share, done, goals in zip(
                completion["completion"], completion["done"], completion["goals"], strict=True
            )
        ],
    )
    figure = px.bar(
        frame,
        x="percent",
        y="group",
        orientation="h",
        text="text",
        range_x=[0, 100],
        labels={"percent": "Goal completion (%)", "group": ""},
        color_discrete_sequence=SERIES_COLOURS,
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_traces(
        textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{text}<extra></extra>"
    )
    figure.update_layout(margin={"t": 10, "r": 90}, height=100 + 40 * len(frame))
    st.plotly_chart(figure, key=key)


def overdue_table(
    overdue: pd.DataFrame, titles: pd.DataFrame, directory: pd.DataFrame, cohorts: dict[str, str]
) -> pd.DataFrame:
    """The overdue goals, most overdue first: title (from `titles`, as
    `components.loaders.goal_data.goal_titles` gives them), category, mentor and mentee, cohort,
    due date, days overdue, status. Returns the table shown."""
    table = (
        overdue.merge(titles[["goal_id", "title"]], on="goal_id", how="left")
        .join(directory[["mentor_name", "mentee_name"]], on="pair_id")
        .assign(
            cohort=lambda frame: frame["cohort_id"].map(cohorts),
            status=lambda frame: frame["status"].str.replace("_", " "),
        )
    )
    # What is late and by how much first, inside a 1440 px wide window.
    columns = [
        "title",
        "due_on",
        "days_overdue",
        "mentor_name",
        "mentee_name",
        "category",
        "cohort",
        "pair_id",
        "status",
    ]
    st.dataframe(
        table,
        column_order=columns,
        column_config={
            "title": st.column_config.TextColumn("Goal", width=240),
            "category": "Category",
            "pair_id": "Pair",
            "mentor_name": st.column_config.TextColumn("Mentor", width=130),
            "mentee_name": st.column_config.TextColumn("Mentee", width=130),
            "cohort": "Cohort",
            "due_on": st.column_config.DateColumn("Due", format=formats.DATE_COLUMN, width=105),
            "days_overdue": st.column_config.NumberColumn("Days overdue", width=105),
            "status": "Status",
        },
        hide_index=True,
        key="overdue_goals",
    )
    return table[columns]


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
