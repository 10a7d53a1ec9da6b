"""The pages a personal link opens (`/?checkin=<token>`, `/?optout=<token>`): one page each,
with no sign-in, no sidebar, no role and no way to any other screen (docs/roles-and-privacy.md).

The router calls `run_link_page` before anything else; when the address carries a link
parameter, only that page is registered with `st.navigation`, so no other address opens.
"""

import streamlit as st

#: Query parameter → (page file, title).
LINK_PAGES = {
    "checkin": ("screens/check_in.py", "Check in"),
    "optout": ("screens/opt_out.py", "E-mail preferences"),
}


def link_parameter() -> str | None:
    """The link parameter the address carries, if any (the first of LINK_PAGES)."""
    for name in LINK_PAGES:
        if name in st.query_params:
            return name
    return None


def link_token(name: str) -> str:
    """The token of the link parameter `name`, as the address carries it."""
    return st.query_params.get(name, "")


def run_link_page() -> bool:
    """Serve the link's page alone and return True, or return False for the app itself."""
    name = link_parameter()
    if name is None:
        return False
    page, title = LINK_PAGES[name]
    st.navigation([st.Page(page, title=title, default=True)], position="hidden").run()
    return True
