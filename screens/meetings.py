"""Meetings: how often pairs meet, how well they keep their cadence, where the gaps are."""

import streamlit as st

from app.activity import adherence_by_cohort, adherence_distribution, meetings_figures
from components import loaders
from components.access import require_access
from components.empty import stop_if_no_program, stop_if_nothing_matches
from components.filters import cohort_filter, current_as_of
from components.loaders.meeting_data import meeting_activity
from components.meeting_charts import (
    adherence_histogram,
    adherence_table,
    format_mix_chart,
    longest_gaps_table,
    monthly_meetings_chart,
    week_heatmap,
)
from data_access.activity import HEATMAP_WEEKS

require_access("meetings")
st.title("Meetings")
as_of = current_as_of()
st.caption(
    f"Meetings held up to {as_of:%d %B %Y}: how often pairs meet, how well they keep their "
    "target cadence (meetings held ÷ expected over the last 90 days), and the longest gaps."
)
stop_if_no_program(loaders.size(as_of))
cohort_names = loaders.cohort_names()
cohort_ids = cohort_filter(cohort_names)
health = loaders.health(as_of, cohort_ids)  # every pair started by then, with its cohort
stop_if_nothing_matches(len(health))
with_pairs = set(health["cohort_id"])
shown_cohorts = {key: name for key, name in cohort_names.items() if key in with_pairs}
meetings = meeting_activity(as_of, cohort_ids)

for column, figure in zip(
    st.columns(4), meetings_figures(health, meetings.recent_meetings), strict=True
):
    column.metric(figure.label, figure.formatted())

st.header("Meetings per month")
if meetings.per_month.empty:
    st.info("No meeting held yet by these pairs.", icon=":material/event_busy:")
else:
    monthly_meetings_chart(meetings.per_month, shown_cohorts, as_of)

st.header("Cadence adherence")
st.caption("Active pairs by the share of their expected meetings they held (capped at 100 %).")
histogram_column, cohort_column = st.columns(2)
with histogram_column:
    adherence_histogram(adherence_distribution(health))
with cohort_column:
    adherence_table(adherence_by_cohort(health), shown_cohorts)

st.header("Format mix")
if meetings.formats.empty:
    st.caption("No meeting held yet.")
else:
    format_mix_chart(meetings.formats)

st.header(f"Meetings per week, last {HEATMAP_WEEKS} weeks")
week_heatmap(meetings.per_week, shown_cohorts, as_of=as_of, weeks=HEATMAP_WEEKS)

st.header("Longest gaps")
st.caption(
    "Active pairs with the longest time without a meeting: between two meetings, before a "
    "first one, or since the last one (still running)."
)
if meetings.longest_gaps.empty:
    st.caption("No active pair on this date.")
else:
    longest_gaps_table(meetings.longest_gaps, loaders.directory(), health, shown_cohorts)
