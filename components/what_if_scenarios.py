"""The What-if pairing screen's scenarios: saving a proposal as a named scenario, listing a
cohort's scenarios, and applying one as real pairs from a start date.

Stored scenarios are `data_access.scenarios`'; this module only draws the forms around them.
"""

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from components.literal import md
from components.loaders import clear_caches
from components.store_failures import refusal_message
from components.what_if_inputs import POOLS
from components.what_if_proposal import RESULT_KEY, WhatIfResult
from data_access.scenarios import ScenarioError, apply_scenario, list_scenarios, save_scenario

APPLIED_KEY = "what_if_applied"
APPLY_ROUND_KEY = "what_if_apply_round"
_NAME_KEY = "what_if_scenario_name"
_TAKEN_NAME_KEY = "_what_if_name_to_save"


def _take_name() -> None:
    """Take the typed name for this save and empty the box for the next one."""
    st.session_state[_TAKEN_NAME_KEY] = st.session_state.get(_NAME_KEY, "")
    st.session_state[_NAME_KEY] = ""


def save_form(engine: Engine, result: WhatIfResult, *, actor: str) -> None:
    """Name the proposal and store it with its settings as a scenario."""
    proposal = result.proposal
    if proposal is None:
        return
    with st.form("what_if_save", border=False):
        name_column, button_column = st.columns([3, 1], vertical_alignment="bottom")
        name_column.text_input("Scenario name", key=_NAME_KEY, placeholder="e.g. Skills first")
        saved = button_column.form_submit_button(
            "Save as scenario", icon=":material/save:", on_click=_take_name
        )
    if not saved:
        return
    name = st.session_state.pop(_TAKEN_NAME_KEY, "")
    try:
        save_scenario(
            engine=engine,
            name=name,
            cohort_id=result.cohort_id,
            pool=result.mode,
            settings=result.settings.to_dict(),
            pairs=proposal.pairs,
            actor=actor,
            replaces_pair_ids=result.replaces_pair_ids,
        )
    except ScenarioError as error:
        st.error(str(error), icon=":material/error:")
    except SQLAlchemyError as error:
        st.error(
            "The store refused to save the scenario; nothing was saved. It said: "
            + refusal_message(error),
            icon=":material/error:",
        )
    else:
        st.success(
            md(f"Saved scenario “{name.strip()}” with {len(proposal.pairs):,} pairs."),
            icon=":material/task_alt:",
        )


def scenarios_of(engine: Engine, cohort_id: str) -> pd.DataFrame:
    """The saved scenarios of `cohort_id`, newest first (`list_scenarios`' columns)."""
    scenarios = list_scenarios(engine)
    return scenarios[scenarios["cohort_id"].astype(str) == str(cohort_id)].reset_index(drop=True)


def apply_section(
    engine: Engine, scenarios: pd.DataFrame, *, actor: str, default_start: date
) -> None:
    """Turn a saved scenario into real pairs from a start date, after a confirmation."""
    if message := st.session_state.pop(APPLIED_KEY, None):
        st.success(message, icon=":material/task_alt:")
    if scenarios.empty:
        st.caption("Save a scenario to apply it.")
        return
    rows = {int(row.id): row for row in scenarios.itertuples()}

    def label_of(scenario_id: int) -> str:
        row = rows[scenario_id]
        applied = f", applied {row.applied_at:%Y-%m-%d}" if pd.notna(row.applied_at) else ""
        return f"{row.name} ({POOLS.get(row.pool, row.pool).lower()}, {row.pairs} pairs{applied})"

    round_ = st.session_state.setdefault(APPLY_ROUND_KEY, 0)
    left, right = st.columns(2)
    scenario_id = left.selectbox(
        "Scenario to apply", list(rows), format_func=label_of, key="what_if_apply_scenario"
    )
    start_on = right.date_input(
        "Start date", value=default_start, format="YYYY-MM-DD", key="what_if_apply_start"
    )
    told = st.checkbox(
        "I have told the people concerned",
        key=f"what_if_apply_told_{round_}",
        help="The new pairs start on the start date; a re-match ends the pairs it replaces.",
    )
    if not st.button(
        "Apply scenario", disabled=not told, icon=":material/check_circle:", key="what_if_apply"
    ):
        return
    try:
        pair_ids = apply_scenario(
            engine=engine, scenario_id=scenario_id, start_on=start_on, actor=actor
        )
    except ScenarioError as error:
        st.error(str(error), icon=":material/block:")
        return
    except SQLAlchemyError as error:
        st.error(
            f"The store refused to apply the scenario; nothing was written. It said: "
            f"{refusal_message(error)}",
            icon=":material/error:",
        )
        return
    clear_caches()
    row = rows[scenario_id]
    ended = " and ended the pairs it replaces" if row.pool == "rematch" else ""
    st.session_state[APPLIED_KEY] = (
        f"Applied “{row.name}”: wrote {len(pair_ids):,} pairs starting {start_on:%d %b %Y}{ended}."
    )
    st.session_state[APPLY_ROUND_KEY] = round_ + 1
    st.session_state.pop(RESULT_KEY, None)  # the pool has changed: that proposal is stale
    st.rerun()
