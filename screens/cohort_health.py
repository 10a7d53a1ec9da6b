"""Cohort health: which pairs need attention and why, and one pair's whole story."""

import streamlit as st

from app.cohort_view import band_distribution, filter_pairs, most_urgent_first
from components import loaders
from components.access import require_access
from components.empty import stop_if_no_program, stop_if_nothing_matches
from components.filters import cohort_filter, current_as_of
from components.health_charts import band_distribution_chart
from components.pair_detail import linked_pair_detail
from components.pair_table import pair_filter_bar, pair_table

require_access("cohort_health")
st.title("Cohort health")
st.caption(
    "Every pair's health score (0–100) from its meetings, goals and survey answers, the band it "
    "falls in and why. Most urgent first; pick a row to open the pair. The definitions are in "
    "docs/metrics.md."
)
as_of = current_as_of()
stop_if_no_program(loaders.size(as_of))

first, second = st.columns(3), st.columns(3)
cohort_ids = cohort_filter(loaders.cohort_names(), container=first[0])
rows = loaders.pair_rows(as_of, cohort_ids)
filters = pair_filter_bar(rows, [*first[1:], *second])
shown = most_urgent_first(filter_pairs(rows, filters))
stop_if_nothing_matches(len(shown))

st.header("Pairs")
band_distribution_chart(
    band_distribution(shown), as_of=as_of, settings=loaders.program_settings().health()
)
if linked := pair_table(shown):
    linked_pair_detail(linked, rows=rows, shown=shown, as_of=as_of)
