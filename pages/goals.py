"""Goals."""

import streamlit as st

from components.access import require_access

require_access("goals")
st.title("Goals")
