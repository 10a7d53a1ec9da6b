"""The Cohort health screen's charts: the health distribution, one pair's meetings against its
cadence, and one pair's survey scores from both sides. Plotly, so people can hover and zoom;
every chart gets aggregated or per-pair figures, never the program's raw rows."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app.health import HealthSettings
from components.palette import BAND_COLOURS, SERIES_COLOURS

_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "hovermode": "closest"}
_MARGIN = pd.Timedelta(days=5)
ROLE_COLOURS = {"mentor": SERIES_COLOURS[0], "mentee": SERIES_COLOURS[1]}
MEASURES = {
    "satisfaction": ("Satisfaction", "solid"),
    "relationship_quality": ("Relationship", "dot"),
}


def band_distribution_chart(counts: pd.Series, *, as_of: date, settings: HealthSettings) -> None:
    """Bars of pairs per health band (`app.cohort_view.band_distribution`), each band in its
    colour and named on the axis, its count written on the bar; under it, how many pairs and
    where the bands start (`settings`)."""
    figure = go.Figure(
        go.Bar(
            x=list(counts.index),
            y=counts.to_list(),
            text=[f"{count:,}" for count in counts],
            textposition="outside",
            marker_color=[BAND_COLOURS[band] for band in counts.index],
            hovertemplate="%{x}: %{y:,} pairs<extra></extra>",
        )
    )
    figure.update_layout(
        title="Health distribution",
        yaxis_title="Pairs",
        height=300,
        yaxis={"rangemode": "tozero"},
        **_LAYOUT,
    )
    st.plotly_chart(figure, key="health_distribution", config={"displayModeBar": False})
    total = int(counts.sum())
    st.caption(
        f"{total:,} {'pair' if total == 1 else 'pairs'} as of {as_of:%d %b %Y}. Healthy: score "
        f"≥ {settings.healthy_from:g}; Watch: ≥ {settings.watch_from:g}; At risk: below; Too "
        f"early: started less than {settings.too_early_days} days ago. A stalled pair is never "
        "Healthy."
    )


def meeting_timeline_chart(
    gaps: pd.DataFrame,
    *,
    started_on: pd.Timestamp,
    as_of: date,
    days_since_last_meeting: int,
    cadence_days: float,
    stall_limit_days: float,
) -> None:
    """One pair's meetings over time (`app.cohort_view.meeting_gaps`): each meeting at the days
    since the one before, the open gap on the as-of date, the target cadence and stall limit,
    from the pair's start to the as-of date."""
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=gaps["held_on"],
            y=gaps["days_since_previous"],
            mode="lines+markers",
            name="Meeting",
            marker={"size": 10, "color": SERIES_COLOURS[0]},
            line={"color": SERIES_COLOURS[0], "width": 1},
            customdata=gaps[["format", "duration_minutes"]].astype(object).fillna("—"),
            hovertemplate="%{x|%d %b %Y}: %{y} days since the previous one"
            "<br>format %{customdata[0]}, %{customdata[1]} min<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[pd.Timestamp(as_of)],
            y=[days_since_last_meeting],
            mode="markers",
            name="No meeting since (as of)",
            marker={"size": 12, "symbol": "circle-open", "color": SERIES_COLOURS[5]},
            hovertemplate="%{x|%d %b %Y}: %{y} days without a meeting<extra></extra>",
        )
    )
    figure.add_hline(
        y=cadence_days,
        line_dash="dash",
        line_color=SERIES_COLOURS[2],
        annotation_text=f"target: every {cadence_days:.0f} days",
    )
    figure.add_hline(
        y=stall_limit_days,
        line_dash="dot",
        line_color=SERIES_COLOURS[5],
        annotation_text=f"stalled beyond {stall_limit_days:.0f} days",
    )
    figure.update_layout(
        title="Days between meetings",
        xaxis={"range": [started_on - _MARGIN, pd.Timestamp(as_of) + _MARGIN]},
        yaxis_title="Days since the previous meeting",
        height=320,
        legend={"orientation": "h", "y": -0.2},
        yaxis={"rangemode": "tozero"},
        **_LAYOUT,
    )
    st.plotly_chart(figure, key="pair_meetings_chart")


def survey_scores_chart(surveys: pd.DataFrame) -> None:
    """One pair's satisfaction and relationship quality (1–5) over time, mentor and mentee as
    separate lines (`data_access.pair_history.PairHistory.surveys`)."""
    figure = go.Figure()
    for role, colour in ROLE_COLOURS.items():
        answers = surveys[surveys["role"] == role]
        for measure, (label, dash) in MEASURES.items():
            answered = answers[answers[measure].notna()]
            if answered.empty:
                continue
            figure.add_trace(
                go.Scatter(
                    x=answered["submitted_on"],
                    y=answered[measure],
                    mode="lines+markers",
                    name=f"{role.capitalize()} · {label.lower()}",
                    line={"color": colour, "dash": dash},
                    customdata=answered[["kind"]],
                    hovertemplate=f"{role} {label.lower()}: %{{y}}/5"
                    "<br>%{x|%d %b %Y} (%{customdata[0]})<extra></extra>",
                )
            )
    figure.update_layout(
        title="Survey scores from both sides",
        yaxis={"range": [0.5, 5.5], "tickvals": [1, 2, 3, 4, 5], "title": "Score (1–5)"},
        height=320,
        legend={"orientation": "h", "y": -0.2},
        **_LAYOUT,
    )
    st.plotly_chart(figure, key="pair_surveys_chart")
