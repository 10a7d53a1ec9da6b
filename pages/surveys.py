"""Surveys."""

import streamlit as st

from components.access import require_access

require_access("surveys")
st.title("Surveys")
