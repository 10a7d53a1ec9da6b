"""The Data screen's Import tab: upload files, check them with a validation report, import them.

The files are checked (a dry run of `data_access.importer.run_import`) as soon as they are
uploaded; nothing is written until the check passes and **Import** is pressed. A refused upload
leaves its report and an empty uploader, so that the corrected files replace the refused ones.
The importer's functions are looked up on `data_access.importer` at each call, as the screen
script's own imports once were (tests watch them there).
"""

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.settings import ProgramSettings
from components.import_report import show_import_contents, show_import_verdict
from components.literal import md
from components.loaders import clear_caches
from components.store_failures import refusal_message
from data_access import importer
from data_access.importer import ImportReport, ImportSource, ImportSourceError

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


def _import_with_progress(
    source: ImportSource, total_rows: int, *, engine: Engine, actor: str
) -> None:
    """Write a checked import with a progress bar; on success start the page afresh."""
    state = st.session_state
    progress = st.progress(0.0, text="Importing…")
    try:
        result = importer.run_import(
            source,
            engine=engine,
            actor=actor,
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
    state = st.session_state
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


def import_panel(engine: Engine, *, actor: str) -> None:
    """The uploader, the check of what it holds, and **Import** once the check passes. The
    uploader's key counts `st.session_state.import_round` (set by the screen), so that a new
    round starts with an empty uploader."""
    state = st.session_state
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
                    source = importer.read_uploads([(file.name, file.getvalue()) for file in files])
                    report = importer.run_import(
                        source,
                        engine=engine,
                        dry_run=True,
                        actor=actor,
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
                source = importer.read_uploads([(file.name, file.getvalue()) for file in files])
                _import_with_progress(source, total_rows, engine=engine, actor=actor)
            show_import_contents(report)
