"""Data: import the program's files with a validation report, export them, see the store."""

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from app.settings import ProgramSettings
from components import loaders
from components.access import ROLES, require_access
from components.import_report import show_import_contents, show_import_verdict
from components.literal import md
from components.loaders import clear_caches, store_engine
from components.session import current_actor, sign_in_configured
from components.settings_form import settings_form
from components.store_failures import refusal_message
from data_access.app_users import AppUserError, app_users, grant_role, remove_access
from data_access.exporter import export_zip, template_zip
from data_access.importer import (
    ImportReport,
    ImportSource,
    ImportSourceError,
    read_uploads,
    run_import,
)
from sample_data.seed import seed_store

require_access("data")
ACTOR = current_actor()
st.title("Data")
st.caption(
    "Load your program from CSV files or an XLSX workbook, download a template or a full "
    "export, and see what the store holds. The format is described in docs/import-format.md."
)
engine = store_engine()
state = st.session_state
state.setdefault("import_round", 0)

#: Uploads are held in memory: an import may bring at most the server's `server.maxUploadSize`
#: (.streamlit/config.toml, in MB) in all its files together, not only in each one.
MIB = 1024 * 1024


def _upload_refusal(sizes: list[int]) -> str | None:
    """Why uploads of these sizes (bytes) are refused before they are read, or None."""
    limit_mb = int(st.get_option("server.maxUploadSize"))
    total = sum(sizes)
    if total <= limit_mb * MIB:
        return None
    return (
        f"These files hold {total / MIB:,.1f} MB together; one import takes at most "
        f"{limit_mb:,} MB, so nothing was read. Upload fewer files at a time, or one ZIP of them "
        "(the server's limit is `server.maxUploadSize` in .streamlit/config.toml)."
    )


if message := state.pop("import_done", None):
    st.success(md(message), icon=":material/task_alt:")


def _import_with_progress(source: ImportSource, total_rows: int) -> None:
    """Write a checked import with a progress bar; on success start the page afresh."""
    progress = st.progress(0.0, text="Importing…")
    try:
        result = run_import(
            source,
            engine=engine,
            actor=ACTOR,
            settings_model=ProgramSettings,
            progress=lambda fraction, text: progress.progress(fraction, text=text),
        )
    except SQLAlchemyError as error:
        progress.empty()
        st.error(
            "The store refused the import, so nothing was written. Try again; if it keeps "
            f"failing, check the database. It said: {refusal_message(error)}",
            icon=":material/error:",
        )
        return
    progress.empty()
    if not result.applied:  # the store changed since the check (e.g. a parent row was deleted)
        show_import_verdict(result)
        return
    clear_caches()
    state.import_done = (
        f"Imported {total_rows:,} rows: "
        + ", ".join(f"{s.file} {s.new:,} new / {s.updated:,} updated" for s in result.files)
        + "."
    )
    state.import_round += 1
    state.pop("checked_upload_key", None)
    st.rerun()


def _refuse_upload(error: str | None, report: ImportReport | None = None) -> None:
    """Keep what was wrong with the files just checked, and start the page afresh with a new,
    empty uploader: the corrected files uploaded next replace these instead of joining them
    (Streamlit's uploader adds files to those it holds)."""
    state.refused_upload = (error, report)
    state.import_round += 1
    for key in ("checked_upload_key", "checked_import"):  # the files' contents are let go
        state.pop(key, None)
    st.rerun()


def _show_refused_upload(error: str | None, report: ImportReport | None) -> None:
    if report is None:
        st.error(error, icon=":material/error:")
    else:
        show_import_verdict(report)
    st.caption("Upload the corrected files: they replace the ones refused here.")
    if report is not None:
        show_import_contents(report)


import_tab, export_tab, store_tab, settings_tab, people_tab = st.tabs(
    ["Import", "Export", "Store", "Settings", "People with access"]
)

with import_tab:
    files = st.file_uploader(
        "Files to import",
        type=["csv", "xlsx", "zip"],
        accept_multiple_files=True,
        key=f"import_files_{state.import_round}",
        help="Select every CSV file of the folder (cohorts.csv, participants.csv, pairs.csv, "
        "meetings.csv, goals.csv, surveys.csv; any subset), or one XLSX workbook with a sheet "
        "per file, or a ZIP of them such as the full export (with the coordinators' work). Ids "
        "already in the store are updated, new ids are added.",
    )
    if files:
        state.pop("refused_upload", None)
    if not files and "refused_upload" in state:
        _show_refused_upload(*state.refused_upload)
    elif not files:
        st.info(
            "Upload files to check them. Nothing is written until the check passes and you "
            "press **Import**. The template in the Export tab shows every column.",
            icon=":material/upload_file:",
        )
    elif refusal := _upload_refusal([file.size for file in files]):
        _refuse_upload(refusal)
    else:
        upload_key = tuple(file.file_id for file in files)
        if state.get("checked_upload_key") != upload_key:
            with st.spinner("Checking the files…"):
                try:
                    source = read_uploads([(file.name, file.getvalue()) for file in files])
                    report = run_import(
                        source,
                        engine=engine,
                        dry_run=True,
                        actor=ACTOR,
                        settings_model=ProgramSettings,
                    )
                    # Only the report stays in the session: the files' rows are read again on
                    # Import, so that a checked upload does not hold the server's memory.
                    state.checked_import = (None, report, None)
                    del source
                except ImportSourceError as error:
                    state.checked_import = (None, None, str(error))
            state.checked_upload_key = upload_key
        source, report, source_error = state.checked_import
        if source_error:
            _refuse_upload(md(f"These files cannot be read: {source_error}"))
        elif not report.ok:
            _refuse_upload(None, report)
        else:
            show_import_verdict(report)
            total_rows = sum(summary.rows for summary in report.files)
            if report.ok and st.button(
                f"Import {total_rows:,} rows", type="primary", icon=":material/upload:"
            ):
                source = read_uploads([(file.name, file.getvalue()) for file in files])
                _import_with_progress(source, total_rows)
            show_import_contents(report)

with export_tab:
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

with store_tab:
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
            state.import_done = "Loaded the demo program."
            st.rerun()

with settings_tab:
    st.caption(
        "How pair health is scored, when a pair counts as stalled, and how small a survey group "
        "may be before it is hidden. The definitions are in docs/metrics.md."
    )
    settings_form(engine, actor=ACTOR)


def _change_access(change, *args) -> None:
    """Run an app-user change; on success start the page afresh with its message, on refusal
    say why (nothing was written)."""
    try:
        state.access_done = change(engine, *args, actor=ACTOR)
    except AppUserError as refusal:
        st.error(md(refusal), icon=":material/block:")
        return
    st.rerun()


with people_tab:
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
    if message := state.pop("access_done", None):
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
            _change_access(grant_role, email, role)

    if users:
        with st.form("remove_access", border=True):
            st.markdown("**Remove access**")
            leaving = st.selectbox(
                "Person", [user.email for user in users], key="access_remove_email"
            )
            if st.form_submit_button("Remove access", icon=":material/person_remove:"):
                _change_access(remove_access, leaving)
