"""Surveys: how mentors and mentees rate the program over time, by survey kind, by role, from
baseline to exit, and broken down by any group — every figure under the anonymity rule."""

import pandas as pd
import streamlit as st

from app.privacy import (
    ALL,
    BREAKDOWNS,
    MEANS,
    AnonymitySettings,
    published_through,
)
from app.uplift import over_chosen_cohorts
from components import loaders
from components import survey_views as views
from components.access import PROGRAM_MANAGER, require_access
from components.empty import stop_if_no_program, stop_if_nothing_matches
from components.filters import cohort_filter, current_as_of, url_selectbox
from components.loaders import survey_data

role = require_access("surveys")
st.title("Surveys")
as_of = current_as_of()
stop_if_no_program(loaders.size(as_of))
settings = loaders.program_settings()
rule = AnonymitySettings(settings.min_respondents, settings.min_comment_group)
through = published_through(as_of)
partial = (
    ""
    if through == as_of
    else f" {as_of:%b %Y} is a partial month (to {as_of:%d %b}): its answers count when it ends."
)
st.caption(
    f"Baseline, pulse, midpoint and exit surveys submitted by {through:%d %b %Y}, the end of the "
    f"last complete month.{partial} Any figure from fewer than {rule.min_respondents} people is "
    "hidden, and so is any that would let a smaller group be worked out by subtraction or by "
    "comparing two as-of dates (docs/metrics.md)."
)
cohorts = loaders.cohort_names()
cohort_ids = cohort_filter(cohorts)
program = loaders.survey_program(as_of, cohort_ids)
if not cohort_ids and program.surveys.empty:
    st.info(
        "No survey responses were submitted by this as-of date. Import surveys.csv on the Data "
        "screen, or move the as-of date in the sidebar.",
        icon=":material/inbox:",
    )
    st.stop()
stop_if_nothing_matches(len(program.surveys), what="survey responses")
# Survey figures are decided on the whole program's responses with the chosen cohorts, so that no
# choice of cohorts can be subtracted from another (app.privacy); the rest uses the narrowed one.


def breakdown_by(by: str) -> pd.DataFrame:
    """`app.privacy.survey_breakdown` over the chosen cohorts."""
    return survey_data.published_breakdown(as_of, cohort_ids, by, rule)


kpi_slot = st.container()

st.header("Trends by month")
by_month = breakdown_by("month")
trend = survey_data.trend(as_of, cohort_ids, rule)
views.month_trend_chart(trend)
if partial:
    st.caption(f"Partial month withheld: {as_of:%b %Y} (to {as_of:%d %b}) is shown when it ends.")

kind_column, uplift_column = st.columns(2)
with kind_column:
    st.header("By survey kind")
    by_kind = breakdown_by("kind")
    views.kind_chart(by_kind)
with uplift_column:
    st.header("Baseline → exit")
    uplift = survey_data.uplift(as_of, cohort_ids)
    if cohort_ids:
        uplift = over_chosen_cohorts(uplift, by_month.set_index("group").loc[ALL])
    views.uplift_chart(uplift, rule)

st.header("Mentors vs mentees")
question = url_selectbox(
    "Question",
    list(MEANS),
    param="question",
    default="satisfaction",
    format_func=views.QUESTION_LABELS.__getitem__,
)
by_role = survey_data.trend(as_of, cohort_ids, rule, by_role=True)
views.role_trend_chart(by_role, trend["month"], question)

st.header("Breakdown")
by = url_selectbox(
    "Breakdown by",
    list(BREAKDOWNS),
    param="by",
    default="cohort",
    format_func=views.BREAKDOWN_LABELS.__getitem__,
)
table = breakdown_by(by)
views.breakdown_table(table, views.group_names(by, cohorts))
st.markdown(f"**NPS by {views.BREAKDOWN_LABELS[by].lower()}**")
views.nps_chart(table, views.group_names(by, cohorts))

with kpi_slot:
    views.survey_kpis(views.overall([by_month, by_kind, table]), uplift, rule)

if role == PROGRAM_MANAGER:
    st.header("Comments")
    groups = [ALL, *table["group"][table["group"] != ALL]]
    comments = survey_data.comments(as_of, cohort_ids, by, groups, rule)
    views.comment_lists(comments, views.group_names(by, cohorts), rule.min_comment_group)

if role == PROGRAM_MANAGER and loaders.store_summary()[0].get("employees"):
    from app.outcomes import ASSOCIATION_NOTE, breakdown_table
    from components.loaders import outcome_data

    st.header("Outcomes against comparable colleagues")
    st.caption(
        "Retention and promotion over the 12 months after each participant's first pair, "
        "against colleagues who did not take part (docs/metrics.md). Groups with fewer "
        f"participants than the anonymity minimum ({rule.min_respondents}) show no figures. "
        + ASSOCIATION_NOTE
    )

    def outcome_tables() -> None:
        """Retention and promotion by cohort and by department (`app.outcomes`)."""
        outcome_names = {"cohort_id": ("cohort", cohorts), "department": ("department", {})}
        breakdowns = outcome_data.outcomes_by(as_of, tuple(outcome_names))
        if not breakdowns["cohort_id"]:
            st.info("No participant has an employee record to compare yet.")
            return
        for column, (label, names) in outcome_names.items():
            st.markdown(f"**By {label}**")
            st.dataframe(
                breakdown_table(breakdowns[column], dict(names), label.capitalize()),
                hide_index=True,
                column_config={
                    "Rate": st.column_config.NumberColumn(format="percent"),
                    "Colleagues' rate": st.column_config.NumberColumn(format="percent"),
                    "Difference (pts)": st.column_config.NumberColumn(format="%+.1f"),
                },
                key=f"outcomes_by_{label}",
            )

    # Worked out when opened: comparing every participant with the workforce takes a second or
    # two at the enterprise scale, which every visit to this screen would otherwise wait for.
    box = st.expander("By cohort and by department", key="outcomes_open", on_change="rerun")
    with box:
        if box.open:
            outcome_tables()
