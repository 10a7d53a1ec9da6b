"""PairPulse: the router. Page config, the store, who is using the app, the as-of date, the
navigation for that role; each screen lives in pages/."""

import streamlit as st

from components.access import SCREENS, screens_for
from components.filters import as_of_control, show_link_notes
from components.session import choose_role
from components.store import store_engine

st.set_page_config(page_title="PairPulse", page_icon=":material/diversity_3:", layout="wide")
store_engine()
role = choose_role()
as_of_control()
visible = screens_for(role)
navigation = st.navigation(
    [
        st.Page(
            screen.file,
            title=screen.title,
            icon=screen.icon,
            default=screen == visible[0],
            visibility="visible" if screen in visible else "hidden",
        )
        for screen in SCREENS
    ]
)
st.sidebar.caption("PairPulse · reverse mentoring programs")
show_link_notes()
navigation.run()
