"""The Data screen's "Another program's file" tab: map the columns of one CSV or XLSX sheet
(a survey export, an HR report, a planning sheet) to an import file, preview, then import.

The mapping starts from a saved mapping made for the same headers, a shipped preset, a TOML
file, or the suggestion from the headers; the person confirms or changes every field, sets
constants, maps answer words and chooses the date format. The file is checked on every change
with the same code as `python -m app import FILE --mapping …` (a dry run of
`data_access.importer.mapping.run_mapped_import`), and nothing is written until **Import**.
"""

from datetime import date

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from components.import_report import show_import_contents, show_import_verdict
from components.literal import md
from components.loaders import clear_caches
from components.store_failures import refusal_message
from data_access.csv_format import FILE_FORMATS
from data_access.importer import ImportReport, ImportSourceError, RawTable
from data_access.importer.mapping import (
    Mapping,
    MappingError,
    preset_names,
    presets,
    read_source,
    run_mapped_import,
    save_mapping,
    saved_mappings,
    sheet_names,
    suggest_mapping,
)
from data_access.importer.mapping import fields as registry
from data_access.importer.mapping.convert import ConvertProblem, _builtin

NOT_MAPPED = "— not in the file —"
SUGGESTED = "Suggested from the headers"
FROM_TOML = "A mapping file (TOML)…"
NO_FORMAT = "ISO or unambiguous (no format)"
DATE_FORMATS = ["%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y", "%m/%d/%y"]
#: Distinct words listed for value mapping per field.
MAX_WORDS = 40
KIND_LABELS = {
    "cohorts": "cohorts",
    "participants": "participants (people)",
    "pairs": "pairs",
    "meetings": "meetings",
    "goals": "goals",
    "surveys": "survey responses",
}


def mapping_panel(engine: Engine, *, actor: str) -> None:
    """Upload one file, map it, see the check and preview, import; save or export the mapping."""
    state = st.session_state
    state.setdefault("mapping_round", 0)
    upload = st.file_uploader(
        "A file from another program",
        type=["csv", "xlsx"],
        key=f"mapping_file_{state.mapping_round}",
        help="One CSV file (UTF-8, UTF-16 or Windows-1252) or XLSX workbook: a survey export "
        "(Microsoft Forms, Google Forms, Qualtrics), an HR report, a planning sheet. PairPulse "
        "suggests where each field comes from; you confirm it before anything is written.",
    )
    if message := state.pop("mapping_done", None):
        st.success(md(message), icon=":material/task_alt:")
    if upload is None:
        st.info(
            "Upload a file whose columns are not PairPulse's: you map them here, once, and the "
            "mapping is saved for the next file with the same headers.",
            icon=":material/table_view:",
        )
        return
    content = upload.getvalue()
    sheet = None
    try:
        if upload.name.lower().endswith(".xlsx"):
            sheets = sheet_names(upload.name, content)
            sheet = st.selectbox("Sheet", sheets, key=f"mapping_sheet_{upload.file_id}")
        probe, _ = read_source(upload.name, content, sheet=sheet)
    except ImportSourceError as error:
        st.error(md(f"This file cannot be read: {error}"), icon=":material/error:")
        return
    start = _starting_mapping(engine, probe, upload.file_id)
    if start is None:
        return
    base_key = f"{upload.file_id}_{sheet}_{state.get(f'mapping_start_{upload.file_id}')}"
    kind = st.selectbox(
        "What the file holds",
        list(FILE_FORMATS),
        index=list(FILE_FORMATS).index(start.kind),
        format_func=lambda name: KIND_LABELS.get(name, name),
        key=f"mapping_kind_{base_key}",
    )
    if kind != start.kind:
        start = suggest_mapping(probe, kind)
    key = f"{base_key}_{kind}"
    skip_rows = int(
        st.number_input(
            "Rows under the header that are not data",
            min_value=0,
            max_value=20,
            value=start.skip_rows,
            key=f"mapping_skip_{key}",
            help="Qualtrics writes two (the question text and import ids).",
        )
    )
    try:
        table, warnings = read_source(upload.name, content, sheet=sheet, skip_rows=skip_rows)
    except ImportSourceError as error:
        st.error(md(f"This file cannot be read: {error}"), icon=":material/error:")
        return
    mapping = _field_choices(table, start, kind, key)
    mapping.skip_rows, mapping.sheet = skip_rows, sheet
    try:
        mapping = Mapping.from_dict(mapping.to_dict())
    except MappingError as error:
        st.error(md(str(error)), icon=":material/error:")
        return
    _check_and_import(engine, actor, upload, table, warnings, mapping)


def _starting_mapping(engine: Engine, table: RawTable, file_id: str) -> Mapping | None:
    """The mapping the person starts from: one saved for these headers is offered first."""
    offered = saved_mappings(engine, table.header)
    stored = {saved.name: saved.mapping for saved in saved_mappings(engine)}
    shipped = presets()
    options = [saved.name for saved in offered] + [SUGGESTED]
    options += [f"Preset: {name}" for name in preset_names()]
    options += [name for name in stored if name not in options] + [FROM_TOML]
    if offered:
        newest = offered[0]
        st.info(
            md(
                f"A mapping saved for files with these headers: {newest.name} (saved "
                f"{newest.saved_at:%d %b %Y} by {newest.saved_by})."
            ),
            icon=":material/bookmark:",
        )
    choice = st.selectbox("Start from", options, key=f"mapping_start_{file_id}")
    if choice == SUGGESTED:
        return suggest_mapping(table)
    if choice.startswith("Preset: "):
        return shipped[choice.removeprefix("Preset: ")]
    if choice == FROM_TOML:
        uploaded = st.file_uploader("Mapping file", type=["toml"], key=f"mapping_toml_{file_id}")
        if uploaded is None:
            return None
        try:
            return Mapping.from_toml(uploaded.getvalue().decode("utf-8"), uploaded.name)
        except (MappingError, UnicodeDecodeError) as error:
            st.error(md(f"This mapping cannot be used: {error}"), icon=":material/error:")
            return None
    return stored[choice]


def _field_choices(table: RawTable, start: Mapping, kind: str, key: str) -> Mapping:
    """Every field with the column (or constant) it comes from, the date format and the words."""
    header = [cell.strip() for cell in table.header if cell.strip()]
    fmt = FILE_FORMATS[kind]
    required = fmt.required_columns
    mapping = Mapping(kind=kind, values={}, name=start.name)
    st.subheader("Where each field comes from", divider="gray")
    st.caption(
        "Required fields are marked *. A field may instead hold the same value on every row "
        "(a constant, such as the cohort or the survey kind). E-mail fields find people already "
        "in PairPulse; a missing id is derived from the row, so importing again updates."
    )
    columns = st.columns(2)
    for index, name in enumerate(registry.fields(kind)):
        with columns[index % 2]:
            options = [NOT_MAPPED, *header]
            chosen = start.columns.get(name)
            at = options.index(chosen) if chosen in options else 0
            label = f"{name}{' *' if name in required else ''}"
            source = st.selectbox(label, options, index=at, key=f"mapping_col_{key}_{name}")
            if source != NOT_MAPPED:
                mapping.columns[name] = source
            else:
                constant = st.text_input(
                    f"{name}: constant",
                    value=start.constants.get(name, ""),
                    key=f"mapping_const_{key}_{name}",
                    placeholder="same value on every row (optional)",
                )
                if constant.strip():
                    mapping.constants[name] = constant.strip()
    formats = [NO_FORMAT, *DATE_FORMATS]
    if start.date_format and start.date_format not in formats:
        formats.append(start.date_format)
    chosen_format = st.selectbox(
        "Date format",
        formats,
        index=formats.index(start.date_format) if start.date_format else 0,
        accept_new_options=True,
        key=f"mapping_date_{key}",
        help="How the file writes dates (strftime, e.g. %d/%m/%Y for 03/04/2026 = 3 April). "
        "A timestamp keeps its date. Needed when a date such as 03/04/2026 could be read "
        "both ways.",
    )
    mapping.date_format = None if chosen_format == NO_FORMAT else chosen_format
    _value_words(table, start, mapping, key)
    return mapping


def _value_words(table: RawTable, start: Mapping, mapping: Mapping, key: str) -> None:
    """The answer, role and status words of the mapped columns that need a value."""
    fmt = FILE_FORMATS[mapping.kind]
    positions = {cell.strip(): index for index, cell in enumerate(table.header)}
    words_by_field: dict[str, list[str]] = {}
    for name, source in mapping.columns.items():
        if name not in fmt.columns:
            continue
        kind, _ = fmt._column_types[name]
        allowed = fmt.allowed_values(name)
        if kind is not int and not allowed:
            continue
        index = positions[source]
        seen: dict[str, None] = {}
        for row in table.rows:
            if index < len(row) and (word := row[index].strip()):
                seen.setdefault(word)
                if len(seen) >= MAX_WORDS:
                    break
        words_by_field[name] = list(seen)
    if not words_by_field:
        return
    with st.expander("Answer and status words", expanded=False):
        st.caption(
            "What each word of the file stands for. Known English words (Strongly agree → 5, "
            "Very dissatisfied → 1, “0 - Not at all likely” → 0) are filled in; leave a box "
            "empty to let PairPulse read the word itself."
        )
        for name, words in words_by_field.items():
            kind, _ = fmt._column_types[name]
            allowed = fmt.allowed_values(name)
            low, high = fmt.bounds(name) if kind is int else (None, None)
            mapped = start.values.get(name, {})
            for word in words:
                try:
                    understood = _builtin(name, word, kind, allowed, low, high, None)
                except ConvertProblem:
                    understood = ""
                if word in mapped or not understood or understood != word:
                    value = st.text_input(
                        md(f"{name}: {word}"),
                        value=mapped.get(word, ""),
                        placeholder=understood or "needs a value",
                        key=f"mapping_word_{key}_{name}_{word}",
                    )
                    if value.strip():
                        mapping.values.setdefault(name, {})[word] = value.strip()


def _run_with_progress(text: str, table: RawTable, mapping: Mapping, **options) -> ImportReport:
    """`run_mapped_import` with a progress bar that is gone when it returns or fails."""
    progress = st.progress(0.0, text=text)
    try:
        return run_mapped_import(
            table,
            mapping,
            progress=lambda fraction, said: progress.progress(min(fraction, 1.0), text=said),
            **options,
        )
    finally:
        progress.empty()


def _check_and_import(
    engine: Engine,
    actor: str,
    upload: object,
    table: RawTable,
    warnings: list[str],
    mapping: Mapping,
) -> None:
    state = st.session_state
    check_key = (upload.file_id, mapping.to_toml())  # type: ignore[attr-defined]
    if state.get("mapping_checked_key") != check_key:
        report = _run_with_progress(
            "Checking the file with this mapping…",
            table,
            mapping,
            engine=engine,
            dry_run=True,
            actor=actor,
            warnings=warnings,
        )
        state.mapping_checked_key, state.mapping_report = check_key, report
    report: ImportReport = state.mapping_report
    st.subheader("Check and preview", divider="gray")
    show_import_verdict(report)
    rows = sum(summary.rows for summary in report.files)
    left, middle, right = st.columns(3)
    name = left.text_input(
        "Save this mapping as",
        value=mapping.name or f"{upload.name} mapped {date.today():%d %b}",  # type: ignore[attr-defined]
        key=f"mapping_name_{upload.file_id}",  # type: ignore[attr-defined]
    )
    if middle.button("Save mapping", icon=":material/bookmark_add:"):
        try:
            save_mapping(engine, name, mapping, table.header, actor)
            st.toast(md(f"Saved the mapping {name.strip()}."), icon=":material/bookmark:")
        except MappingError as error:
            st.error(md(str(error)), icon=":material/error:")
    right.download_button(
        "Export mapping (TOML)",
        data=mapping.to_toml(),
        file_name="mapping.toml",
        mime="application/toml",
        icon=":material/download:",
    )
    if report.ok and st.button(f"Import {rows:,} rows", type="primary", icon=":material/upload:"):
        _import(engine, actor, upload, table, warnings, mapping)
    show_import_contents(report)


def _import(
    engine: Engine,
    actor: str,
    upload: object,
    table: RawTable,
    warnings: list[str],
    mapping: Mapping,
) -> None:
    state = st.session_state
    try:
        result = _run_with_progress(
            "Importing…", table, mapping, engine=engine, actor=actor, warnings=warnings
        )
    except SQLAlchemyError as error:
        st.error(
            "The store refused the import, so nothing was written. It said: "
            f"{refusal_message(error)}",
            icon=":material/error:",
        )
        return
    if not result.applied:
        show_import_verdict(result)
        return
    clear_caches()
    summary = result.files[0]
    state.mapping_done = (
        f"Imported {summary.rows:,} rows from {summary.file}: {summary.new:,} new, "
        f"{summary.updated:,} updated."
    )
    state.mapping_round += 1
    state.pop("mapping_checked_key", None)
    st.rerun()
