"""Empty states: say what is missing and what to do, then stop the page."""

import streamlit as st

from components.access import PROGRAM_MANAGER, current_role
from data_access.queries import ProgramSize


def stop_if_no_program(size: ProgramSize) -> None:
    """An empty store (no pairs started by the as-of date): explain, point to the Data screen."""
    if size.pairs_started:
        return
    if not size.cohorts:
        message = "The store holds no program yet."
    else:
        message = "No pair had started by this as-of date."
    if current_role() == PROGRAM_MANAGER:
        st.info(
            f"{message} Import your program's files or load the demo program on the Data "
            "screen, or move the as-of date in the sidebar.",
            icon=":material/inbox:",
        )
        st.page_link("screens/data.py", label="Go to Data", icon=":material/database:")
    else:
        st.info(
            f"{message} Ask your program manager to load the program's data, or move the "
            "as-of date in the sidebar.",
            icon=":material/inbox:",
        )
    st.stop()


def stop_if_nothing_matches(rows: int, *, what: str = "pairs") -> None:
    """Filters that leave nothing: say so and how to widen them."""
    if rows:
        return
    st.info(
        f"No {what} match these filters. Clear a filter or pick another cohort to see more.",
        icon=":material/filter_alt_off:",
    )
    st.stop()
