"""The Cohort health screen's charts: the health distribution, one pair's meetings against its
cadence, and one pair's survey scores from both sides. Altair (Vega-Lite), with tooltips: a
Plotly chart made every new browser compile a 4.7 MB script first (docs/architecture.md). Every
chart gets aggregated or per-pair figures, never the program's raw rows; Vega-Lite draws text as
text, so names and formats show as typed."""

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from app.health import HealthSettings
from components.palette import BAND_COLOURS, SERIES_COLOURS

_MARGIN = pd.Timedelta(days=5)
ROLE_COLOURS = {"mentor": SERIES_COLOURS[0], "mentee": SERIES_COLOURS[1]}
MEASURES = {
    "satisfaction": ("Satisfaction", [1, 0]),
    "relationship_quality": ("Relationship", [2, 3]),
}
MEETING = "Meeting"
OPEN_GAP = "No meeting since (as of)"


def _utc(day: pd.Timestamp) -> alt.DateTime:
    """A day for a time scale, read as UTC: the data's dates reach the browser as UTC midnights
    and every time scale here is a UTC one, so a date never shows as the day before west of
    Greenwich."""
    return alt.DateTime(year=day.year, month=day.month, date=day.day, utc=True)


def band_distribution_chart(counts: pd.Series, *, as_of: date, settings: HealthSettings) -> None:
    """Bars of pairs per health band (`app.cohort_view.band_distribution`), each band in its
    colour and named on the axis, its count written on the bar; under it, how many pairs and
    where the bands start (`settings`)."""
    bands = list(counts.index)
    frame = pd.DataFrame(
        {"band": bands, "pairs": counts.to_list(), "label": [f"{n:,}" for n in counts]}
    )
    base = alt.Chart(frame).encode(
        x=alt.X("band:N", sort=bands, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("pairs:Q", title="Pairs", scale=alt.Scale(zero=True)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "band:N",
            scale=alt.Scale(domain=bands, range=[BAND_COLOURS[band] for band in bands]),
            legend=None,
        ),
        tooltip=[
            alt.Tooltip("band:N", title="Band"),
            alt.Tooltip("pairs:Q", title="Pairs", format=","),
        ],
    )
    written = base.mark_text(baseline="bottom", dy=-4).encode(text="label:N")
    chart = (bars + written).properties(title="Health distribution", height=300)
    st.altair_chart(chart, key="health_distribution", width="stretch")
    total = int(counts.sum())
    st.caption(
        f"{total:,} {'pair' if total == 1 else 'pairs'} as of {as_of:%d %b %Y}. Healthy: score "
        f"≥ {settings.healthy_from:g}; Watch: ≥ {settings.watch_from:g}; At risk: below; Too "
        f"early: started less than {settings.too_early_days} days ago. A stalled pair is never "
        "Healthy."
    )


def _minutes(value: object) -> str:
    return "—" if pd.isna(value) else f"{value:,.0f}"


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
    held = pd.DataFrame(
        {
            "held_on": pd.to_datetime(gaps["held_on"]),
            "days": gaps["days_since_previous"].astype(int),
            "what": MEETING,
            "format": [
                "—" if pd.isna(value) else str(value) for value in gaps["format"].astype(object)
            ],
            "minutes": [_minutes(value) for value in gaps["duration_minutes"].astype(object)],
        }
    )
    open_gap = pd.DataFrame(
        {
            "held_on": [pd.Timestamp(as_of)],
            "days": [int(days_since_last_meeting)],
            "what": [OPEN_GAP],
            "format": ["—"],
            "minutes": ["—"],
        }
    )
    points = pd.concat([held, open_gap], ignore_index=True)
    x = alt.X(
        "held_on:T",
        title=None,
        scale=alt.Scale(
            type="utc", domain=[_utc(started_on - _MARGIN), _utc(pd.Timestamp(as_of) + _MARGIN)]
        ),
    )
    y = alt.Y("days:Q", title="Days since the previous meeting", scale=alt.Scale(zero=True))
    colour = alt.Color(
        "what:N",
        scale=alt.Scale(domain=[MEETING, OPEN_GAP], range=[SERIES_COLOURS[0], SERIES_COLOURS[5]]),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    date_tip = alt.Tooltip("held_on:T", title="Date", format="%d %b %Y", formatType="utc")
    meetings = alt.Chart(points).transform_filter(alt.datum.what == MEETING)
    line = meetings.mark_line(strokeWidth=1, color=SERIES_COLOURS[0]).encode(x=x, y=y)
    dots = meetings.mark_point(size=100, filled=True, opacity=1).encode(
        x=x,
        y=y,
        color=colour,
        tooltip=[
            date_tip,
            alt.Tooltip("days:Q", title="Days since the previous meeting"),
            alt.Tooltip("format:N", title="Format"),
            alt.Tooltip("minutes:N", title="Minutes"),
        ],
    )
    since = (
        alt.Chart(points)
        .transform_filter(alt.datum.what == OPEN_GAP)
        .mark_point(size=140, filled=False, strokeWidth=2, opacity=1)
        .encode(
            x=x,
            y=y,
            color=colour,
            tooltip=[date_tip, alt.Tooltip("days:Q", title="Days without a meeting")],
        )
    )
    limits = pd.DataFrame(
        {
            "limit": [cadence_days, stall_limit_days],
            "label": [
                f"target: every {cadence_days:.0f} days",
                f"stalled beyond {stall_limit_days:.0f} days",
            ],
            "line": ["target", "stall"],
        }
    )
    rules = [
        alt.Chart(limits)
        .transform_filter(alt.datum.line == line_kind)
        .mark_rule(color=line_colour, strokeDash=dash)
        .encode(y="limit:Q")
        for line_kind, line_colour, dash in (
            ("target", SERIES_COLOURS[2], [6, 4]),
            ("stall", SERIES_COLOURS[5], [2, 2]),
        )
    ]
    labels = (
        alt.Chart(limits)
        .mark_text(align="left", baseline="bottom", dx=4, dy=-2, color="#555555")
        .encode(y="limit:Q", x=alt.value(0), text="label:N")
    )
    chart = alt.layer(line, dots, since, *rules, labels)
    chart = chart.properties(title="Days between meetings", height=320)
    st.altair_chart(chart, key="pair_meetings_chart", width="stretch")


def survey_scores_chart(surveys: pd.DataFrame) -> None:
    """One pair's satisfaction and relationship quality (1–5) over time, mentor and mentee as
    separate lines (`data_access.pair_history.PairHistory.surveys`): one legend entry per line,
    "Mentor · satisfaction", its colour the person's, its dash the measure's."""
    frames, colours, dashes = [], [], []
    for role, colour in ROLE_COLOURS.items():
        answers = surveys[surveys["role"] == role]
        for measure, (label, dash) in MEASURES.items():
            answered = answers[answers[measure].notna()]
            if answered.empty:
                continue
            frames.append(
                pd.DataFrame(
                    {
                        "submitted_on": pd.to_datetime(answered["submitted_on"]),
                        "score": answered[measure].astype(float),
                        "role": role,
                        "measure": label,
                        "series": f"{role.capitalize()} · {label.lower()}",
                        "kind": answered["kind"].astype(str),
                    }
                )
            )
            colours.append(colour)
            dashes.append(dash)
    if not frames:
        st.caption("No survey score yet.")
        return
    scores = pd.concat(frames, ignore_index=True)
    series = list(dict.fromkeys(scores["series"]))
    legend = alt.Legend(title=None, orient="bottom", symbolType="stroke")
    chart = (
        alt.Chart(scores)
        .mark_line(point=True)
        .encode(
            x=alt.X("submitted_on:T", title=None, scale=alt.Scale(type="utc", padding=12)),
            y=alt.Y(
                "score:Q",
                title="Score (1–5)",
                scale=alt.Scale(domain=[0.5, 5.5]),
                axis=alt.Axis(values=[1, 2, 3, 4, 5]),
            ),
            color=alt.Color(
                "series:N", scale=alt.Scale(domain=series, range=colours), legend=legend
            ),
            strokeDash=alt.StrokeDash(
                "series:N", scale=alt.Scale(domain=series, range=dashes), legend=legend
            ),
            tooltip=[
                alt.Tooltip("series:N", title="Who and what"),
                alt.Tooltip("score:Q", title="Score (of 5)"),
                alt.Tooltip("submitted_on:T", title="Date", format="%d %b %Y", formatType="utc"),
                alt.Tooltip("kind:N", title="Survey"),
            ],
        )
        .properties(title="Survey scores from both sides", height=320)
    )
    st.altair_chart(chart, key="pair_surveys_chart", width="stretch")
