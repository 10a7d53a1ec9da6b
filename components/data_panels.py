"""The Data screen's other tabs: the export downloads, what the store holds (with the demo
program for an empty store), and the people with access and their roles. The Import tab is
`components.data_import`; the Settings tab is `components.settings_form`."""

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components import loaders
from components.access import ROLES
from components.literal import md
from components.loaders import clear_caches
from components.session import sign_in_configured
from data_access.app_users import AppUserError, app_users, grant_role, remove_access
from data_access.exporter import export_zip, template_zip
from sample_data.seed import seed_store


def export_panel(engine: Engine) -> None:
    """The full export and the import template, each a ZIP built when it is downloaded."""
    st.write(
        "Every table in the import format, ready to edit and import again. The full export "
        "also holds the coordinators' work (follow-ups, scenarios, settings and the access "
        "list), so importing it into another store moves everything."
    )
    left, right = st.columns(2)
    left.download_button(
        "Download full export (ZIP)",
        data=lambda: export_zip(engine=engine),
        file_name=f"pairpulse-export-{date.today().isoformat()}.zip",
        mime="application/zip",
        icon=":material/download:",
        on_click="ignore",
    )
    right.download_button(
        "Download import template (ZIP)",
        data=template_zip,
        file_name="pairpulse-import-template.zip",
        mime="application/zip",
        icon=":material/description:",
        on_click="ignore",
    )
    st.caption(
        "Cells that start with = + - @ are written with a leading ' so that spreadsheet programs "
        "do not run them as formulas; the importer removes it again."
    )


def store_panel(engine: Engine) -> None:
    """Rows per table and the schema revision; an empty store offers the demo program."""
    counts, revision = loaders.store_summary()
    st.dataframe(
        pd.DataFrame({"Table": list(counts), "Rows": list(counts.values())}),
        hide_index=True,
        column_config={"Rows": st.column_config.NumberColumn(format="localized")},
    )
    st.caption(f"Store: {engine.url.get_backend_name()} · schema revision {revision}")
    if not any(counts.values()):
        st.info(
            "The store is empty. Import your program's files, or load the demo program to "
            "explore PairPulse.",
            icon=":material/inbox:",
        )
        if st.button("Load the demo program", icon=":material/auto_awesome:"):
            progress = st.progress(0.0, text="Writing the demo program…")
            seed_store(
                engine,
                scale="demo",
                progress=lambda fraction, text: progress.progress(fraction, text=text),
            )
            clear_caches()
            st.session_state.import_done = "Loaded the demo program."
            st.rerun()


def _change_access(engine: Engine, change: Callable[..., str], *args, actor: str) -> None:
    """Run an app-user change; on success start the page afresh with its message, on refusal
    say why (nothing was written)."""
    try:
        st.session_state.access_done = change(engine, *args, actor=actor)
    except AppUserError as refusal:
        st.error(md(refusal), icon=":material/block:")
        return
    st.rerun()


def access_panel(engine: Engine, *, actor: str) -> None:
    """Who may sign in and as which role, with forms to give, change and remove access."""
    st.caption(
        "Who may sign in, and as which role. People not listed here see only a page asking "
        "them to ask a program manager for access. Sign-in is set up in docs/sign-in.md."
    )
    if not sign_in_configured():
        st.info(
            "Sign-in is not configured, so this list has no effect yet: everyone can use "
            "**View as**. Add yourself as program manager here before you configure `[auth]`.",
            icon=":material/lock_open:",
        )
    if message := st.session_state.pop("access_done", None):
        st.success(md(message), icon=":material/task_alt:")
    users = app_users(engine)
    if users:
        st.dataframe(
            pd.DataFrame(
                {
                    "E-mail": [user.email for user in users],
                    "Role": [ROLES.get(user.role, user.role) for user in users],
                    "Added": [user.added_at for user in users],
                    "Added by": [user.added_by for user in users],
                }
            ),
            hide_index=True,
            column_config={"Added": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")},
        )
    else:
        st.info("Nobody has been given access yet.", icon=":material/group_off:")

    with st.form("grant_access", border=True):
        st.markdown("**Give access or change a role**")
        email_column, role_column = st.columns([2, 1])
        email = email_column.text_input(
            "E-mail address",
            key="access_email",
            max_chars=254,
            placeholder="name@example.org",
            help="The address the person signs in with; upper or lower case does not matter.",
        )
        role = role_column.selectbox(
            "Role", list(ROLES), key="access_role", format_func=ROLES.__getitem__
        )
        if st.form_submit_button("Save access", icon=":material/person_add:"):
            _change_access(engine, grant_role, email, role, actor=actor)

    if users:
        with st.form("remove_access", border=True):
            st.markdown("**Remove access**")
            leaving = st.selectbox(
                "Person", [user.email for user in users], key="access_remove_email"
            )
            if st.form_submit_button("Remove access", icon=":material/person_remove:"):
                _change_access(engine, remove_access, leaving, actor=actor)
