"""Who is using the app. Demo mode (no `[auth]` in secrets): a **View as** selector in the
sidebar and a banner that says no sign-in is configured.

The role lives in the session as `ROLE_KEY`, set from the link on the session's first run and
changed only by the person picking another role (the selector's callback); the selector is
drawn from it on every run. So a widget value that goes missing or comes back stale while
pages switch can never change who the app thinks is looking.
"""

import streamlit as st

from components.access import DEFAULT_ROLE, ROLE_KEY, ROLES
from components.filters import note_link_problem

ROLE_PARAM = "role"
SELECTOR_KEY = "link:role"
DEMO_BANNER = (
    "Demo mode: no sign-in is configured, so anyone with the link can switch roles with "
    "**View as** in the sidebar. Configure `[auth]` in `.streamlit/secrets.toml` before real "
    "program data goes in."
)


def _role_picked() -> None:
    st.session_state[ROLE_KEY] = st.session_state[SELECTOR_KEY]


def _role_from_link() -> str:
    linked = st.query_params.get(ROLE_PARAM)
    if linked is None:
        return DEFAULT_ROLE
    if linked not in ROLES:
        note_link_problem(f"The link's role {linked[:40]!r} is not a role here; ignored.")
        return DEFAULT_ROLE
    return linked


def choose_role() -> str:
    """The role for this run, kept in the session as `ROLE_KEY` for the pages to check."""
    if st.session_state.get(ROLE_KEY) not in ROLES:
        st.session_state[ROLE_KEY] = _role_from_link()
    role = st.session_state[ROLE_KEY]
    st.session_state[SELECTOR_KEY] = role
    st.sidebar.selectbox(
        "View as",
        list(ROLES),
        key=SELECTOR_KEY,
        format_func=ROLES.__getitem__,
        on_change=_role_picked,
        help="Demo mode: see PairPulse as each of its users would.",
    )
    if role == DEFAULT_ROLE:
        st.query_params.pop(ROLE_PARAM, None)
    else:
        st.query_params[ROLE_PARAM] = role
    st.info(DEMO_BANNER, icon=":material/lock_open:")
    return role
