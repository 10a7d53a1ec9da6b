"""The Meetings screen's pieces: the charts and tables that draw its SQL aggregates (read and
cached by `components.loaders.meeting_data`). Charts get aggregated counts, never meeting rows."""

from datetime import date, timedelta

import altair as alt
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from app.activity import week_by_cohort
from components.literal import plotly_text
from components.palette import SERIES_COLOURS
from data_access import activity


def _colours(names: list[str]) -> dict[str, str]:
    return {name: SERIES_COLOURS[i % len(SERIES_COLOURS)] for i, name in enumerate(names)}


def monthly_meetings_chart(
    per_month: pd.DataFrame, cohorts: dict[str, str], as_of: date | None = None
) -> None:
    """Meetings per month, one stacked bar segment per cohort (Plotly, to hover and zoom); the
    month of `as_of`, when it has not ended, hatched and labelled as partial."""
    cohorts = {cohort_id: plotly_text(name) for cohort_id, name in cohorts.items()}
    frame = per_month.assign(cohort=per_month["cohort_id"].map(cohorts))
    names = [name for cohort_id, name in cohorts.items() if cohort_id in set(frame["cohort_id"])]
    figure = px.bar(
        frame,
        x="month",
        y="meetings",
        color="cohort",
        category_orders={"cohort": names},
        color_discrete_map=_colours(names),
        labels={"month": "Month", "meetings": "Meetings held", "cohort": "Cohort"},
    )
    figure.update_layout(barmode="stack", margin={"t": 10}, legend_title_text="Cohort")
    figure.update_xaxes(dtick="M1", tickformat="%b %Y")
    figure.update_traces(hovertemplate="%{x|%B %Y}: %{y} meetings")
    partial = as_of is not None and (as_of + timedelta(days=1)).day != 1
    if partial:
        current = pd.Period(as_of, freq="M")
        label = f"{as_of:%b %Y} (to {as_of:%d %b})"
        for trace in figure.data:
            months = pd.to_datetime(pd.Series(trace.x)).dt.to_period("M")
            trace.marker.pattern.shape = ["/" if month == current else "" for month in months]
        figure.add_annotation(
            x=current.to_timestamp(),
            y=1,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            text=f"partial: {label}",
        )
    st.plotly_chart(figure, key="meetings_per_month")
    if partial:
        st.caption(f"{label} is a partial month: its hatched bar counts the meetings so far.")


def adherence_histogram(distribution: pd.DataFrame) -> None:
    """How many active pairs sit in each 10 % band of cadence adherence (Altair)."""
    chart = (
        alt.Chart(distribution)
        .mark_bar(color=SERIES_COLOURS[0])
        .encode(
            x=alt.X(
                "band_start:Q", bin="binned", title="Cadence adherence", axis=alt.Axis(format="%")
            ),
            x2="band_end:Q",
            y=alt.Y("pairs:Q", title="Active pairs"),
            tooltip=[
                alt.Tooltip("band_start:Q", title="From", format=".0%"),
                alt.Tooltip("band_end:Q", title="To", format=".0%"),
                alt.Tooltip("pairs:Q", title="Active pairs"),
            ],
        )
        .properties(height=260)
    )
    st.altair_chart(chart, key="adherence_histogram")


def adherence_table(by_cohort: pd.DataFrame, cohorts: dict[str, str]) -> None:
    """Per cohort: active pairs, their mean cadence adherence, stalled pairs."""
    st.dataframe(
        by_cohort.assign(cohort=by_cohort["cohort_id"].map(cohorts)),
        column_order=["cohort", "active_pairs", "mean_adherence", "stalled_pairs"],
        column_config={
            "cohort": "Cohort",
            "active_pairs": st.column_config.NumberColumn("Active pairs"),
            "mean_adherence": st.column_config.ProgressColumn(
                "Mean adherence", format="percent", min_value=0.0, max_value=1.0
            ),
            "stalled_pairs": st.column_config.NumberColumn("Stalled pairs"),
        },
        hide_index=True,
        key="adherence_by_cohort",
    )


def format_mix_chart(formats: pd.DataFrame) -> None:
    """Meetings per format with counts and shares written on the bars (Plotly)."""
    frame = formats.assign(
        label=formats["format"].str.replace("_", " ").str.capitalize(),
        share=formats["meetings"] / formats["meetings"].sum(),
    )
    frame["text"] = [
        f"{n:,} ({s:.0%})" for n, s in zip(frame["meetings"], frame["share"], strict=True)
    ]
    figure = px.bar(
        frame,
        x="meetings",
        y="label",
        orientation="h",
        text="text",
        labels={"meetings": "Meetings held", "label": "Format"},
        color_discrete_sequence=SERIES_COLOURS,
    )
    figure.update_yaxes(categoryorder="total ascending")
    figure.update_traces(hovertemplate="%{y}: %{x:,} meetings", cliponaxis=False)
    figure.update_layout(margin={"t": 10}, height=260)
    st.plotly_chart(figure, key="format_mix")


def week_heatmap(
    per_week: pd.DataFrame, cohorts: dict[str, str], *, as_of: date, weeks: int
) -> None:
    """Meetings per ISO week (columns) and cohort (rows), counts written in the cells (Plotly)."""
    week_starts = pd.date_range(activity.first_heatmap_week(as_of, weeks), periods=weeks, freq="7D")
    grid = week_by_cohort(per_week, list(cohorts), week_starts)
    labels = [f"{day.isocalendar().year}-W{day.isocalendar().week:02d}" for day in week_starts]
    figure = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=labels,
            y=[plotly_text(cohorts[cohort_id]) for cohort_id in grid.index],
            colorscale=[[0.0, "#F7F7F7"], [1.0, SERIES_COLOURS[0]]],
            texttemplate="%{z}",
            hovertemplate="%{y}, week %{x}: %{z} meetings<extra></extra>",
            colorbar={"title": {"text": "Meetings"}},
        )
    )
    figure.update_layout(margin={"t": 10}, height=120 + 40 * len(grid))
    # Every fourth week labelled: 26 labels do not fit side by side.
    figure.update_xaxes(title_text="ISO week", type="category", tickvals=labels[::4])
    st.plotly_chart(figure, key="week_heatmap")


def longest_gaps_table(
    gaps: pd.DataFrame, directory: pd.DataFrame, health: pd.DataFrame, cohorts: dict[str, str]
) -> None:
    """The active pairs with the longest gap without a meeting, with names and target cadence."""
    table = gaps.join(directory[["mentor_name", "mentee_name"]], on="pair_id").join(
        health[["cadence_days"]], on="pair_id"
    )
    table["cohort"] = table["cohort_id"].map(cohorts)
    st.dataframe(
        table,
        column_order=[
            "pair_id",
            "mentor_name",
            "mentee_name",
            "cohort",
            "gap_days",
            "gap_start",
            "gap_end",
            "ongoing",
            "cadence_days",
        ],
        column_config={
            "pair_id": "Pair",
            "mentor_name": "Mentor",
            "mentee_name": "Mentee",
            "cohort": "Cohort",
            "gap_days": st.column_config.NumberColumn("Gap (days)"),
            "gap_start": st.column_config.DateColumn("From", format="YYYY-MM-DD"),
            "gap_end": st.column_config.DateColumn("To", format="YYYY-MM-DD"),
            "ongoing": st.column_config.CheckboxColumn(
                "Still running", help="No meeting since: the gap runs up to the as-of date."
            ),
            "cadence_days": st.column_config.NumberColumn("Target cadence (days)", format="%d"),
        },
        hide_index=True,
        key="longest_gaps",
    )
