"""Reviewing an applied what-if scenario: the pairs it wrote beside the pairing it replaced,
and restoring that earlier pairing as a new scenario (which is applied like any other — nothing
is written to the pairs here)."""

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from components.store_failures import refusal_message
from data_access.scenarios import (
    OPEN_STATUSES,
    MatchingFrames,
    ScenarioError,
    list_scenarios,
    load_scenario,
    save_scenario,
)

RESTORED_KEY = "what_if_restored"


def _named(pairs: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Mentor": pairs["mentor_id"].astype(str).map(names).fillna(pairs["mentor_id"]),
            "Mentee": pairs["mentee_id"].astype(str).map(names).fillna(pairs["mentee_id"]),
        }
    )


def _free_name(engine: Engine, wanted: str) -> str:
    taken = set(list_scenarios(engine)["name"])
    name, n = wanted, 1
    while name in taken:
        n += 1
        name = f"{wanted} ({n})"
    return name


def review_section(
    engine: Engine, scenarios: pd.DataFrame, frames: MatchingFrames, *, actor: str
) -> None:
    """Pick an applied scenario of the cohort: its pairs, the pairs it replaced, and a button
    that saves the replaced pairing as a new scenario."""
    if message := st.session_state.pop(RESTORED_KEY, None):
        st.success(message, icon=":material/task_alt:")
    applied = scenarios[scenarios["applied_at"].notna()]
    if applied.empty:
        st.caption("No scenario of this cohort has been applied yet.")
        return
    labels = {
        int(row.id): f"{row.name} (applied {row.applied_at:%Y-%m-%d} by {row.applied_by})"
        for row in applied.itertuples()
    }
    scenario_id = st.selectbox(
        "Applied scenario", list(labels), format_func=labels.__getitem__, key="what_if_review"
    )
    saved = load_scenario(engine, scenario_id)
    people = frames.participants
    names = dict(zip(people["participant_id"].astype(str), people["name"], strict=True))
    pairs = frames.pairs
    replaced = pairs[pairs["pair_id"].astype(str).isin(saved.replaces_pair_ids)]
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Pairs it applied** ({len(saved.pairs):,})")
        st.dataframe(_named(saved.pairs, names), hide_index=True, key="what_if_review_applied")
    with right:
        st.markdown(f"**Pairing it replaced** ({len(replaced):,})")
        if replaced.empty:
            st.caption("None: its people had no open pair in the cohort before.")
            return
        st.dataframe(_named(replaced, names), hide_index=True, key="what_if_review_replaced")
    mentees = set(replaced["mentee_id"].astype(str)) | set(saved.pairs["mentee_id"].astype(str))
    now_open = pairs[
        pairs["status"].isin(OPEN_STATUSES)
        & (pairs["cohort_id"].astype(str) == str(saved.cohort_id))
        & pairs["mentee_id"].astype(str).isin(mentees)
    ]
    st.caption(
        "Restoring saves the replaced pairing as a new re-match scenario; review and apply it "
        "below like any other — the pairs only change when you apply it."
    )
    if not st.button("Restore previous pairing", icon=":material/restore:", key="what_if_restore"):
        return
    restore = replaced.assign(
        score=0.0, reasons="restores pair " + replaced["pair_id"].astype(str) + " (not re-scored)"
    )
    name = _free_name(engine, f"Restore before {saved.name}")
    try:
        save_scenario(
            engine=engine,
            name=name,
            cohort_id=saved.cohort_id,
            pool="rematch",
            settings=saved.settings,
            pairs=restore,
            actor=actor,
            replaces_pair_ids=tuple(now_open["pair_id"].astype(str)),
        )
    except (ScenarioError, SQLAlchemyError) as error:
        text = str(error) if isinstance(error, ScenarioError) else refusal_message(error)
        st.error(f"Nothing was saved: {text}", icon=":material/error:")
        return
    st.session_state[RESTORED_KEY] = (
        f"Saved scenario “{name}” with the {len(restore):,} pairs “{saved.name}” replaced; "
        "apply it to restore them."
    )
    st.rerun()
