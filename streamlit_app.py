"""PairPulse: the router. Page config, the store, the navigation; each screen lives in pages/."""

import streamlit as st

from components.store import store_engine

st.set_page_config(page_title="PairPulse", page_icon=":material/diversity_3:", layout="wide")
store_engine()

navigation = st.navigation(
    [st.Page("pages/data.py", title="Data", icon=":material/database:", url_path="data")]
)
st.sidebar.caption("PairPulse · reverse mentoring programs")
navigation.run()
