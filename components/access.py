"""Who may see which screen (docs/roles-and-privacy.md), and the role of the person using the app.

The router lists every page but hides from the sidebar those the role may not see; each page
still calls `require_access` first, so a page reached by its URL or by `st.switch_page` shows
only an access message to a role that may not see it.
"""

from dataclasses import dataclass

import streamlit as st

EXECUTIVE = "executive"
PROGRAM_MANAGER = "program_manager"
COORDINATOR = "coordinator"
ROLES = {
    EXECUTIVE: "Executive",
    PROGRAM_MANAGER: "Program manager",
    COORDINATOR: "Coordinator",
}
DEFAULT_ROLE = PROGRAM_MANAGER
ROLE_KEY = "role"


@dataclass(frozen=True)
class Screen:
    """One page of the app: its file, its title (the docs name it), who may see it."""

    key: str
    file: str
    title: str
    icon: str
    roles: frozenset[str]


SCREENS = (
    Screen(
        "executive_summary",
        "screens/executive_summary.py",
        "Executive summary",
        ":material/summarize:",
        frozenset({EXECUTIVE, PROGRAM_MANAGER}),
    ),
    Screen(
        "cohort_health",
        "screens/cohort_health.py",
        "Cohort health",
        ":material/monitor_heart:",
        frozenset({PROGRAM_MANAGER, COORDINATOR}),
    ),
    Screen(
        "follow_ups",
        "screens/follow_ups.py",
        "Follow-ups",
        ":material/checklist:",
        frozenset({PROGRAM_MANAGER, COORDINATOR}),
    ),
    Screen(
        "meetings",
        "screens/meetings.py",
        "Meetings",
        ":material/event:",
        frozenset({PROGRAM_MANAGER}),
    ),
    Screen("goals", "screens/goals.py", "Goals", ":material/flag:", frozenset({PROGRAM_MANAGER})),
    Screen(
        "surveys",
        "screens/surveys.py",
        "Surveys",
        ":material/reviews:",
        frozenset({EXECUTIVE, PROGRAM_MANAGER}),
    ),
    Screen(
        "what_if",
        "screens/what_if.py",
        "What-if pairing",
        ":material/join:",
        frozenset({PROGRAM_MANAGER}),
    ),
    Screen("data", "screens/data.py", "Data", ":material/database:", frozenset({PROGRAM_MANAGER})),
)
SCREENS_BY_KEY = {screen.key: screen for screen in SCREENS}


def screens_for(role: str) -> list[Screen]:
    """The screens `role` may see, in sidebar order."""
    return [screen for screen in SCREENS if role in screen.roles]


def current_role() -> str:
    """The role the router settled on for this run (the default before it has run)."""
    role = st.session_state.get(ROLE_KEY, DEFAULT_ROLE)
    return role if role in ROLES else DEFAULT_ROLE


def require_access(screen_key: str) -> str:
    """Stop the page with an access message unless the current role may see `screen_key`;
    otherwise return the role."""
    role = current_role()
    screen = SCREENS_BY_KEY[screen_key]
    if role not in screen.roles:
        allowed = " and ".join(sorted(ROLES[name].lower() + "s" for name in screen.roles))
        st.title(screen.title)
        st.warning(
            f"**{screen.title}** is for {allowed}. You are viewing PairPulse as "
            f"{ROLES[role].lower()}; pick a page from the sidebar.",
            icon=":material/lock:",
        )
        st.stop()
    return role
