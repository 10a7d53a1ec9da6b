"""Executive summary."""

import streamlit as st

from components.access import require_access

require_access("executive_summary")
st.title("Executive summary")
