"""The executive summary's charts and tables: Altair charts built from the summary's aggregates
(the same chart objects are drawn on the screen and rendered into the PDF), and the tables."""

import altair as alt
import pandas as pd
import streamlit as st

from app import formats
from app.summary import ON_CADENCE_FROM, ExecutiveSummary, survey_figure_text
from components.literal import md
from components.palette import BAND_COLOURS, BAND_ORDER, SERIES_COLOURS

#: Series colours for the cohort comparison, leaving out the green, orange and vermillion of
#: the health bands so a bar is not read as a band.
COHORT_SHARE_COLOURS = [SERIES_COLOURS[0], SERIES_COLOURS[3], SERIES_COLOURS[4]]
#: The cohort comparison's shares, in the order they are drawn: column → label.
COHORT_SHARES = {
    "share_healthy": "Healthy pairs",
    "cadence_adherence": "Cadence adherence",
    "goal_completion": "Goal completion",
}


def health_chart(summary: ExecutiveSummary) -> alt.LayerChart:
    """Active pairs per health band: one bar per band, named on the axis, count at its end."""
    frame = pd.DataFrame({"band": list(summary.bands), "pairs": list(summary.bands.values())})
    base = alt.Chart(frame).encode(
        y=alt.Y("band:N", sort=BAND_ORDER, title=None),
        x=alt.X("pairs:Q", title="Active pairs", axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("band:N", title="Band"), alt.Tooltip("pairs:Q", title="Pairs")],
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "band:N",
            scale=alt.Scale(domain=BAND_ORDER, range=[BAND_COLOURS[band] for band in BAND_ORDER]),
            legend=None,
        )
    )
    counts = base.mark_text(align="left", dx=3).encode(text="pairs:Q")
    return (bars + counts).properties(height=alt.Step(28))


def cohort_chart(summary: ExecutiveSummary) -> alt.Chart:
    """Per cohort, side by side: the share of active pairs that are Healthy, mean cadence
    adherence and goal completion (a missing share draws no bar)."""
    frame = summary.cohorts.melt(
        id_vars=["cohort"], value_vars=list(COHORT_SHARES), var_name="measure", value_name="share"
    ).dropna(subset=["share"])
    frame["measure"] = frame["measure"].map(COHORT_SHARES)
    measures = list(COHORT_SHARES.values())
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(
                "cohort:N",
                sort=list(summary.cohorts["cohort"]),
                title=None,
                axis=alt.Axis(labelLimit=260),
            ),
            yOffset=alt.YOffset("measure:N", sort=measures),
            x=alt.X(
                "share:Q", title=None, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
            ),
            color=alt.Color(
                "measure:N",
                sort=measures,
                scale=alt.Scale(domain=measures, range=COHORT_SHARE_COLOURS),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("cohort:N", title="Cohort"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
            ],
        )
        .properties(height=alt.Step(9))
    )


def adherence_chart(summary: ExecutiveSummary) -> alt.LayerChart:
    """Active pairs per band of cadence adherence (share of expected meetings held)."""
    bins = summary.cadence.bins
    frame = pd.DataFrame({"adherence": list(bins), "pairs": list(bins.values())})
    base = alt.Chart(frame).encode(
        y=alt.Y("adherence:N", sort=list(bins), title="Expected meetings held"),
        x=alt.X("pairs:Q", title="Active pairs", axis=alt.Axis(tickMinStep=1)),
    )
    bars = base.mark_bar(color=SERIES_COLOURS[0])
    counts = base.mark_text(align="left", dx=3).encode(text="pairs:Q")
    return (bars + counts).properties(height=alt.Step(30))


def show_verdict(summary: ExecutiveSummary) -> None:
    """The one-line verdict against the targets (settings): on track, off track, or none yet."""
    verdict = summary.verdict
    if verdict.on_track is None:
        st.info(verdict.text, icon=":material/hourglass_empty:")
    elif verdict.on_track:
        st.success(verdict.text, icon=":material/check_circle:")
    else:
        st.warning(verdict.text, icon=":material/warning:")


def show_health_distribution(summary: ExecutiveSummary) -> None:
    """The health distribution of the active pairs."""
    st.header("Health of active pairs")
    st.altair_chart(health_chart(summary), width="stretch")
    st.caption(
        "Healthy: score 70 or more; Watch: 40–69; At risk: under 40; Too early: younger than "
        "14 days. A stalled pair is never Healthy."
    )


def show_cadence(summary: ExecutiveSummary) -> None:
    """How many active pairs keep their meeting cadence, and the spread of adherence."""
    cadence = summary.cadence
    st.header("Meeting cadence")
    share = "—" if not cadence.measured else f"{cadence.share_on_cadence:.0%}"
    mean = "—" if not cadence.measured else f"{cadence.mean:.0%}"
    left, right = st.columns(2)
    left.metric(
        "Pairs on cadence",
        share,
        help=f"Active pairs that held at least {ON_CADENCE_FROM:.0%} of their expected meetings "
        "over the last 90 days (or since they started), of the active pairs measured.",
    )
    right.metric(
        "Mean cadence adherence",
        mean,
        help="Meetings held ÷ meetings expected over the last 90 days, capped at 100 %, "
        "averaged over the active pairs.",
    )
    st.altair_chart(adherence_chart(summary), width="stretch")
    st.caption(
        f"{cadence.on_cadence:,} of {cadence.measured:,} active pairs measured held at least "
        f"{ON_CADENCE_FROM:.0%} of their expected meetings."
    )


def show_roles(summary: ExecutiveSummary) -> None:
    """Satisfaction and NPS of mentors and mentees, under the anonymity rule."""
    st.header("Satisfaction and NPS by role")
    table = summary.by_role.copy()
    for column, form in (("satisfaction", "{:.1f} / 5"), ("nps", "{:+.0f}")):
        table[column] = _survey_text(table[column], table["note"], form)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "role": st.column_config.TextColumn("Role"),
            "respondents": st.column_config.NumberColumn("Respondents"),
            "satisfaction": st.column_config.TextColumn("Satisfaction"),
            "nps": st.column_config.TextColumn("NPS"),
            "note": st.column_config.TextColumn("Note", width="large"),
        },
    )
    st.caption(
        f"Survey figures over fewer than {summary.min_respondents} respondents are hidden, and so "
        "is any figure that would reveal a small group by subtraction."
    )


def _survey_text(values: pd.Series, notes: pd.Series, form: str) -> pd.Series:
    """Survey figures as text: the value, else "hidden" when the rule hid it, else "—"."""
    return pd.Series(
        [survey_figure_text(v, n, form) for v, n in zip(values, notes, strict=True)],
        index=values.index,
    )


def show_cohorts(summary: ExecutiveSummary) -> None:
    """The cohorts side by side: a chart of their shares and a table of every figure, each
    cohort with its stage (compare cohorts at the same stage only)."""
    st.header("Cohort comparison")
    st.altair_chart(cohort_chart(summary), width="stretch")
    table = summary.cohorts.drop(columns="cohort_id")
    shares = ["share_healthy", "cadence_adherence", "goal_completion"]
    table[shares] = table[shares] * 100
    for column, form in (("satisfaction", "{:.1f} / 5"), ("nps", "{:+.0f}")):
        table[column] = _survey_text(table[column], table["survey_note"], form)
    share = {"format": "%.0f%%", "min_value": 0.0, "max_value": 100.0, "width": 90}
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "cohort": st.column_config.TextColumn("Cohort", width=160),
            "stage": st.column_config.TextColumn(
                "Stage", width=90, help="Weeks since the cohort started, or Finished."
            ),
            "active_pairs": st.column_config.NumberColumn(
                "Active", width=55, help="Active pairs.", format=formats.COUNT_COLUMN
            ),
            "stalled_pairs": st.column_config.NumberColumn(
                "Stalled", width=60, help="Stalled pairs.", format=formats.COUNT_COLUMN
            ),
            "share_healthy": st.column_config.ProgressColumn(
                "Healthy", help="Share of active pairs that are Healthy.", **share
            ),
            "cadence_adherence": st.column_config.ProgressColumn(
                "Cadence", help="Mean cadence adherence of active pairs.", **share
            ),
            "goal_completion": st.column_config.ProgressColumn(
                "Goals done", help="Goal completion.", **share
            ),
            "satisfaction": st.column_config.TextColumn("Satisfaction", width=85),
            "nps": st.column_config.TextColumn("NPS", width=50),
            "survey_respondents": st.column_config.NumberColumn(
                "Respondents",
                width=95,
                help="People whose answers the satisfaction and NPS are over.",
                format=formats.COUNT_COLUMN,
            ),
            "survey_note": st.column_config.TextColumn("Survey note", width=90),
        },
    )
    st.caption(
        "Compare a cohort only with cohorts at the same stage: a finished cohort is not ahead "
        "of one that started two weeks ago."
    )


def show_highlights(summary: ExecutiveSummary) -> None:
    """The highlights, one plain sentence each."""
    st.header("Highlights")
    st.markdown("\n".join(f"- {md(sentence)}" for sentence in summary.highlights))
