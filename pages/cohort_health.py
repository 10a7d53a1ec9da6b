"""Cohort health."""

import streamlit as st

from components.access import require_access

require_access("cohort_health")
st.title("Cohort health")
