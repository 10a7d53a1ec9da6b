"""PairPulse: the router. Page config, the store, who is using the app, the as-of date, the
navigation for that role; each screen lives in screens/."""

from pathlib import Path

import streamlit as st

from components.access import SCREENS, screens_for
from components.filters import as_of_control, show_link_notes
from components.link_pages import run_link_page
from components.loaders import store_engine
from components.session import choose_role
from components.store_failures import store_guard

# The icon is served by the app itself: a Material icon as favicon is fetched from Google's fonts.
FAVICON = Path(__file__).parent / "assets" / "favicon.png"
st.set_page_config(page_title="PairPulse", page_icon=str(FAVICON), layout="wide")
with store_guard():  # a personal link's page alone: no sign-in, no sidebar, no other screen
    if run_link_page():
        st.stop()
store_engine()
with store_guard():  # a store that is gone or locked: a message and Retry, no traceback
    role = choose_role()
as_of_control()
visible = screens_for(role)


def open_first_screen() -> None:
    """The bare address opens the role's first screen at its own address, link kept. (The
    default page of st.navigation answers only at "/", so no screen is made the default.)"""
    link = [(name, value) for name in st.query_params for value in st.query_params.get_all(name)]
    st.switch_page(visible[0].file, query_params=link)


navigation = st.navigation(
    [
        st.Page(open_first_screen, title="PairPulse", default=True, visibility="hidden"),
        *(
            st.Page(
                screen.file,
                title=screen.title,
                icon=screen.icon,
                visibility="visible" if screen in visible else "hidden",
            )
            for screen in SCREENS
        ),
    ]
)
st.sidebar.caption("PairPulse · reverse mentoring programs")
show_link_notes()  # the router's own: role, as-of date
try:
    with store_guard():
        navigation.run()
finally:
    show_link_notes()  # the page's filters, on this same run, even when the page stops early
