"""Executive summary: is the program working? One printable page of aggregates, no names."""

import streamlit as st

from app import formats
from app.privacy import published_through
from components import executive, loaders
from components.access import require_access
from components.empty import stop_if_no_program, stop_if_nothing_matches
from components.filters import cohort_filter, current_as_of
from components.kpis import kpi_row
from components.literal import md
from components.loaders import summary_data
from components.summary_charts import (
    show_cadence,
    show_cohorts,
    show_health_distribution,
    show_highlights,
    show_roles,
    show_verdict,
)

require_access("executive_summary")
st.title("Executive summary")
as_of = current_as_of()
stop_if_no_program(loaders.size(as_of))

filters, download = st.columns([4, 1], vertical_alignment="bottom")
cohort_ids = cohort_filter(loaders.cohort_names(), container=filters)
summary = summary_data.summary(as_of, cohort_ids)
stop_if_nothing_matches(summary.pairs)
with download:
    executive.pdf_download_button(summary, cohort_ids)
show_verdict(summary)
st.caption(
    f"{md(executive.scope_text(cohort_ids))} as of {formats.day(as_of)}; changes against "
    f"{formats.day(summary.previous_as_of)}. Survey figures count answers to "
    f"{formats.day(published_through(as_of))}, the end of the last complete month. Aggregates "
    "only: no participant is named."
)

kpi_row(summary.kpis, previous_as_of_text=formats.day(summary.previous_as_of))
health, cadence = st.columns(2)
with health:
    show_health_distribution(summary)
with cadence:
    show_cadence(summary)
show_roles(summary)
show_cohorts(summary)
show_highlights(summary)
executive.outcomes_block(summary.outcomes)
executive.nudge_line(as_of, loaders.program_settings().stall_factor)
