"""Data: import the program's files with a validation report, export them, see the store."""

import streamlit as st

from components.access import require_access
from components.data_import import import_panel
from components.data_mapping import mapping_panel
from components.data_panels import access_panel, export_panel, store_panel
from components.literal import md
from components.loaders import store_engine
from components.session import current_actor
from components.settings_form import settings_form

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

if message := state.pop("import_done", None):
    st.success(md(message), icon=":material/task_alt:")

import_tab, mapping_tab, export_tab, store_tab, settings_tab, people_tab = st.tabs(
    ["Import", "Another program's file", "Export", "Store", "Settings", "People with access"]
)
with import_tab:
    import_panel(engine, actor=ACTOR)
with mapping_tab:
    mapping_panel(engine, actor=ACTOR)
with export_tab:
    export_panel(engine)
with store_tab:
    store_panel(engine)
with settings_tab:
    st.caption(
        "How pair health is scored, when a pair counts as stalled, and how small a survey group "
        "may be before it is hidden. The definitions are in docs/metrics.md."
    )
    settings_form(engine, actor=ACTOR)
with people_tab:
    access_panel(engine, actor=ACTOR)
