"""Meetings."""

import streamlit as st

from components.access import require_access

require_access("meetings")
st.title("Meetings")
