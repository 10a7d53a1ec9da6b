"""Who is using the app.

Sign-in mode (an `[auth]` section in `.streamlit/secrets.toml`, see docs/sign-in.md): the person
signs in with `st.login`; their role is the one the app-users table gives their e-mail address
(program managers manage it on the Data screen). Someone signed in without a role sees only a
page saying so. The link's `role` has no say.

Demo mode (no `[auth]`): a **View as** selector in the sidebar and a banner that says no sign-in
is configured.

The role lives in the session as `ROLE_KEY`, set from the link on the session's first run and
changed only by the person picking another role (the selector's callback); the selector is
drawn from it on every run. So a widget value that goes missing or comes back stale while
pages switch can never change who the app thinks is looking.
"""

import streamlit as st

from components.access import DEFAULT_ROLE, ROLE_KEY, ROLES, current_role
from components.filters import note_link_problem
from components.literal import md
from components.loaders import store_engine
from data_access.app_users import role_for_email

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


def sign_in_configured() -> bool:
    """True when `[auth]` is configured in the secrets; no secrets file at all is demo mode."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # StreamlitSecretNotFoundError: there is no secrets file
        return False


def signed_in_email() -> str | None:
    """The e-mail address of the person signed in through `st.login`, or None."""
    if not st.user.is_logged_in:
        return None
    email = st.user.get("email")
    return email.strip().lower() if isinstance(email, str) and email.strip() else None


def current_actor() -> str:
    """Who a change made now is recorded as, for every write the app makes (follow-ups, snoozes,
    resolves, scenario saves and applies, imports, settings, access changes) and as the nudge's
    signature: the signed-in e-mail address under sign-in, else "<Role> (demo mode)" with the
    role picked in **View as**."""
    if sign_in_configured() and (email := signed_in_email()):
        return email
    return f"{ROLES[current_role()]} (demo mode)"


#: The Sign out buttons: on the no-access page, and in the sidebar.
_SIGN_OUT_KEYS = ("sign_out_no_access", "sign_out")


def _sign_in_page() -> None:
    st.title("PairPulse")
    st.write("Sign in with your organisation account to see your reverse mentoring programs.")
    if st.button("Sign in", type="primary", icon=":material/login:"):
        st.login()
    st.stop()


def _no_access_page(email: str | None) -> None:
    st.title("PairPulse")
    who = f"You are signed in as **{md(email)}**" if email else "You are signed in"
    st.info(
        f"{who}, but PairPulse has not been opened to you yet. Ask your program manager for "
        "access; once they have added you, sign in again.",
        icon=":material/lock_person:",
    )
    st.button("Sign out", icon=":material/logout:", key=_SIGN_OUT_KEYS[0])
    st.stop()


def _signed_in_role() -> str:
    """The signed-in person's role from the store; anything else ends the run on the sign-in
    page or the no-access page, before any navigation or data."""
    st.session_state.pop(ROLE_KEY, None)
    if not st.user.is_logged_in:
        _sign_in_page()
    # A Sign out click counts whichever page it was on, even if this run would take another
    # path (e.g. access granted meanwhile: the no-access page's button is not drawn again).
    if any(st.session_state.get(key) for key in _SIGN_OUT_KEYS):
        st.logout()
        st.stop()
    email = signed_in_email()
    role = role_for_email(store_engine(), email)
    if role not in ROLES:
        _no_access_page(email)
    assert role is not None  # the pages above end the run
    st.session_state[ROLE_KEY] = role
    st.query_params.pop(ROLE_PARAM, None)  # the link cannot choose a role here
    st.sidebar.caption(f"Signed in as **{md(email)}** · {ROLES[role]}")
    st.sidebar.button("Sign out", icon=":material/logout:", key=_SIGN_OUT_KEYS[1])
    return role


def choose_role() -> str:
    """The role for this run, kept in the session as `ROLE_KEY` for the pages to check."""
    if sign_in_configured():
        return _signed_in_role()
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
