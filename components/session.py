"""Who is using the app. Demo mode (no `[auth]` in secrets): a **View as** selector in the
sidebar and a banner that says no sign-in is configured."""

import streamlit as st

from components.access import DEFAULT_ROLE, ROLE_KEY, ROLES
from components.filters import url_selectbox

DEMO_BANNER = (
    "Demo mode: no sign-in is configured, so anyone with the link can switch roles with "
    "**View as** in the sidebar. Configure `[auth]` in `.streamlit/secrets.toml` before real "
    "program data goes in."
)


def choose_role() -> str:
    """The role for this run, kept in the session as `ROLE_KEY` for the pages to check."""
    role = url_selectbox(
        "View as",
        list(ROLES),
        param="role",
        default=DEFAULT_ROLE,
        format_func=ROLES.__getitem__,
        container=st.sidebar,
        help="Demo mode: see PairPulse as each of its users would.",
    )
    st.session_state[ROLE_KEY] = role
    st.info(DEMO_BANNER, icon=":material/lock_open:")
    return role
