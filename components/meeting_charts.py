"""The Meetings screen's pieces: the charts and tables that draw its SQL aggregates (read and
cached by `components.loaders.meeting_data`). Charts get aggregated counts, never meeting rows.
Altair (Vega-Lite) only: a Plotly chart made every new browser compile a 4.7 MB script first
(docs/architecture.md); Vega-Lite draws text as text, so cohort names show as typed. Each
chart's spec is named after its `key` (a chart without selections keeps no key on the page)."""

from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from app.activity import week_by_cohort
from components.palette import SERIES_COLOURS
from data_access import activity

#: Opacity of the bars of a month that has not ended (the as-of date's): paler than the others.
PARTIAL_OPACITY = 0.4
#: Widest a cohort name is drawn (px) before Vega-Lite ends it with "…" (its default: 160–180).
LABEL_LIMIT = 320
#: Heatmap cells above this share of the busiest cell's count are dark enough for white text.
WHITE_TEXT_FROM = 0.93
#: The heatmap writes each cell's count up to this many cohorts; beyond, colour and a tooltip
#: (26 weeks × 31 cohorts of numbers is not read, and took a fifth of a second to draw).
WRITTEN_UP_TO_COHORTS = 12
#: Colour of the cohorts stacked together as "Other cohorts" (neutral, not in SERIES_COLOURS).
OTHER_COLOUR = "#999999"


def _colours(names: list[str]) -> dict[str, str]:
    return {name: SERIES_COLOURS[i % len(SERIES_COLOURS)] for i, name in enumerate(names)}


def monthly_meetings_chart(
    per_month: pd.DataFrame, cohorts: dict[str, str], as_of: date | None = None
) -> None:
    """Meetings per month, one stacked bar segment per cohort, every month from the first
    meeting's to the as-of date's on the axis; the month of `as_of`, when it has not ended,
    drawn paler and labelled as partial."""
    frame, names, others = _own_colour_or_other(per_month, cohorts)
    colours = _colours(names[: len(names) - 1] if others else names)
    if others:
        colours[names[-1]] = OTHER_COLOUR
    partial = as_of is not None and (as_of + timedelta(days=1)).day != 1
    current = pd.Period(as_of, freq="M") if as_of is not None else None
    periods = frame["month"].dt.to_period("M")
    last = max(periods.max(), current) if current is not None else periods.max()
    months = pd.period_range(periods.min(), last, freq="M")
    frame = frame.assign(
        month=periods.dt.strftime("%b %Y"),
        month_name=periods.dt.strftime("%B %Y"),
        stack=frame["cohort"].map({name: rank for rank, name in enumerate(names)}),
        partial=partial & (periods == current),
    )[["month", "month_name", "cohort", "stack", "meetings", "partial"]]
    x = alt.X(
        "month:O",
        title="Month",
        scale=alt.Scale(domain=[f"{month:%b %Y}" for month in months]),
        axis=alt.Axis(labelAngle=-45),
    )
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y(
                "meetings:Q", title="Meetings held", stack="zero", axis=alt.Axis(tickMinStep=1)
            ),
            color=alt.Color(
                "cohort:N",
                title="Cohort",
                scale=alt.Scale(domain=names, range=[colours[name] for name in names]),
                legend=alt.Legend(labelLimit=LABEL_LIMIT),
            ),
            order=alt.Order("stack:Q"),
            opacity=alt.condition(alt.datum.partial, alt.value(PARTIAL_OPACITY), alt.value(1.0)),
            tooltip=[
                alt.Tooltip("cohort:N", title="Cohort"),
                alt.Tooltip("month_name:N", title="Month"),
                alt.Tooltip("meetings:Q", title="Meetings held", format=","),
            ],
        )
    )
    chart = bars
    label = f"{as_of:%b %Y} (to {as_of:%d %b})" if partial else ""
    if partial:
        note = pd.DataFrame({"month": [f"{current:%b %Y}"], "note": [f"partial: {label}"]})
        # Above the plot, ending over the right edge of the month's bar (the last one).
        written = (
            alt.Chart(note)
            .mark_text(align="right", baseline="bottom", dy=-4)
            .encode(x=alt.X("month:O", bandPosition=1), y=alt.value(0), text="note:N")
        )
        chart = bars + written
    # Heights are the whole chart's, axes and legend included (Streamlit fits the spec).
    chart = chart.properties(height=420, name="meetings_per_month")
    st.altair_chart(chart, key="meetings_per_month", width="stretch")
    notes = []
    if others:
        notes.append(
            f"The {len(names) - 1} cohorts that held the most meetings have a colour each; the "
            f"other {others} are stacked together as *Other cohorts* (choose cohorts above to "
            "see them one by one)."
        )
    if partial:
        notes.append(f"{label} is a partial month: its paler bar counts the meetings so far.")
    if notes:
        st.caption(" ".join(notes))


def _own_colour_or_other(
    per_month: pd.DataFrame, cohorts: dict[str, str]
) -> tuple[pd.DataFrame, list[str], int]:
    """`per_month` with each row's `cohort` name, the names in stacking order, and how many
    cohorts were stacked together. Up to `len(SERIES_COLOURS)` cohorts each keep a colour of
    their own; with more (colours would repeat, and a legend of 31 names is not read), the
    cohorts that held the most meetings keep theirs and the rest are summed month by month as
    "Other cohorts (N)", stacked last."""
    held = set(per_month["cohort_id"])
    present = [cohort_id for cohort_id in cohorts if cohort_id in held]
    if len(present) <= len(SERIES_COLOURS):
        frame = per_month.assign(cohort=per_month["cohort_id"].map(cohorts))
        return frame, [cohorts[cohort_id] for cohort_id in present], 0
    totals = per_month.groupby("cohort_id")["meetings"].sum().reindex(present)
    # Most meetings first; a tie goes to the cohort listed first.
    ranked = sorted(present, key=lambda cohort_id: (-totals[cohort_id], present.index(cohort_id)))
    own = set(ranked[: len(SERIES_COLOURS) - 1])
    other = f"Other cohorts ({len(present) - len(own)})"
    if other in {cohorts[cohort_id] for cohort_id in own}:  # a cohort named so: tell them apart
        other += " together"
    frame = (
        per_month.assign(
            cohort=per_month["cohort_id"].map(
                lambda cohort_id: cohorts[cohort_id] if cohort_id in own else other
            )
        )
        .groupby(["month", "cohort"], as_index=False, sort=False)["meetings"]
        .sum()
    )
    names = [cohorts[cohort_id] for cohort_id in present if cohort_id in own] + [other]
    return frame, names, len(present) - len(own)


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
    """Meetings per format, most held at the top, with counts and shares written on the bars."""
    frame = formats.assign(
        label=formats["format"].str.replace("_", " ").str.capitalize(),
        share=formats["meetings"] / formats["meetings"].sum(),
    ).sort_values("meetings", ascending=False, kind="stable")
    frame["text"] = [
        f"{n:,} ({s:.0%})" for n, s in zip(frame["meetings"], frame["share"], strict=True)
    ]
    frame = frame[["label", "meetings", "share", "text"]]
    base = alt.Chart(frame).encode(
        x=alt.X("meetings:Q", title="Meetings held", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("label:N", title="Format", sort=frame["label"].tolist()),
    )
    bars = base.mark_bar(color=SERIES_COLOURS[0]).encode(
        tooltip=[
            alt.Tooltip("label:N", title="Format"),
            alt.Tooltip("meetings:Q", title="Meetings held", format=","),
        ]
    )
    written = base.mark_text(align="left", baseline="middle", dx=4).encode(text="text:N")
    chart = (bars + written).properties(height=260, name="format_mix")
    st.altair_chart(chart, key="format_mix", width="stretch")


def week_heatmap(
    per_week: pd.DataFrame, cohorts: dict[str, str], *, as_of: date, weeks: int
) -> None:
    """Meetings per ISO week (columns) and cohort (rows): colour by count, the count in a
    tooltip, and written in the cells up to `WRITTEN_UP_TO_COHORTS` cohorts."""
    week_starts = pd.date_range(activity.first_heatmap_week(as_of, weeks), periods=weeks, freq="7D")
    grid = week_by_cohort(per_week, list(cohorts), week_starts)
    labels = [f"{day.isocalendar().year}-W{day.isocalendar().week:02d}" for day in week_starts]
    rows = [cohorts[cohort_id] for cohort_id in grid.index]
    cells = pd.DataFrame(
        {
            "cohort": [name for name in rows for _ in labels],
            "week": labels * len(rows),
            "meetings": grid.to_numpy().ravel(),
        }
    )
    most = int(cells["meetings"].max()) if len(cells) else 0
    base = alt.Chart(cells).encode(
        # Every fourth week labelled: 26 labels do not fit side by side.
        x=alt.X(
            "week:O", title="ISO week", sort=labels, axis=alt.Axis(values=labels[::4], labelAngle=0)
        ),
        y=alt.Y("cohort:N", title=None, sort=rows, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
    )
    squares = base.mark_rect().encode(
        color=alt.Color(
            "meetings:Q",
            title="Meetings",
            scale=alt.Scale(
                domain=[0, max(most, 1)], range=["#F7F7F7", SERIES_COLOURS[0]], interpolate="rgb"
            ),
        ),
        tooltip=[
            alt.Tooltip("cohort:N", title="Cohort"),
            alt.Tooltip("week:O", title="ISO week"),
            alt.Tooltip("meetings:Q", title="Meetings"),
        ],
    )
    # Black on the paler cells, white on the darkest: at least 4.5:1 contrast either way.
    written = base.mark_text(baseline="middle").encode(
        text="meetings:Q",
        color=alt.condition(
            alt.datum.meetings > WHITE_TEXT_FROM * most, alt.value("white"), alt.value("black")
        ),
    )
    layers = squares + written if len(rows) <= WRITTEN_UP_TO_COHORTS else squares
    chart = layers.properties(height=120 + 40 * len(rows), name="week_heatmap")
    st.altair_chart(chart, key="week_heatmap", width="stretch")
    if len(rows) > WRITTEN_UP_TO_COHORTS:
        st.caption(
            f"{len(rows)} cohorts: point at a square for its count (counts are written in the "
            f"squares for {WRITTEN_UP_TO_COHORTS} cohorts or fewer)."
        )


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
