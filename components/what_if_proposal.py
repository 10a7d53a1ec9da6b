"""The What-if pairing screen's proposal: proposing with a progress box, the proposal's figures
and pairs with why, and who is left out.

Scores and the solve are `app.matching`'s. The latest proposal is kept in `st.session_state`
(`RESULT_KEY`) so that it survives reruns.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from app.matching.pool import Pool, pool_matrix
from app.matching.settings import MatchingError, MatchSettings
from app.matching.solver import Proposal, propose_pairs

RESULT_KEY = "what_if_result"


@dataclass(frozen=True)
class WhatIfResult:
    """The latest proposal (or the reason there is none) for one pool on one date."""

    cohort_id: str
    mode: str
    as_of: date
    settings: MatchSettings
    replaces_pair_ids: tuple[str, ...]
    proposal: Proposal | None
    problem: str | None


def propose_with_progress(pool: Pool, settings: MatchSettings) -> None:
    """Score and solve with a status box showing the stage; keep the result (or the engine's
    sentence on why nothing can be proposed) in the session."""
    proposal, problem = None, None
    with st.status("Proposing pairs…", expanded=True) as status:
        try:
            status.write(f"Scoring {len(pool.mentees):,} mentees × {len(pool.mentors):,} mentors…")
            matrix = pool_matrix(pool, settings)
            status.write("Solving for the most mentees paired and the best total score…")
            proposal = propose_pairs(matrix, current=pool.current)
            status.write("Explaining every pair and everyone left out…")
        except MatchingError as error:
            problem = str(error)
            status.update(label="Nothing can be proposed", state="error", expanded=False)
        else:
            status.update(
                label=f"Proposed {proposal.figures.matched:,} pairs",
                state="complete",
                expanded=False,
            )
    st.session_state[RESULT_KEY] = WhatIfResult(
        cohort_id=pool.cohort_id,
        mode=pool.mode,
        as_of=pool.as_of,
        settings=settings,
        replaces_pair_ids=tuple(pool.current["pair_id"].astype(str)),
        proposal=proposal,
        problem=problem,
    )


def current_result(pool: Pool) -> WhatIfResult | None:
    """The kept result when it was made for this pool (cohort, pool kind, as-of date)."""
    result = st.session_state.get(RESULT_KEY)
    if not isinstance(result, WhatIfResult):
        return None
    if (result.cohort_id, result.mode, result.as_of) != (pool.cohort_id, pool.mode, pool.as_of):
        return None
    return result


def _score(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.1f}"


def current_mentors(pool: Pool, participants: pd.DataFrame) -> pd.DataFrame | None:
    """For a re-match, each mentee's mentor today (index mentee_id; mentor_id, name); None
    for the unmatched pool."""
    if pool.mode != "rematch":
        return None
    names = dict(zip(participants["participant_id"].astype(str), participants["name"], strict=True))
    mentors = pool.current["mentor_id"].astype(str)
    return pd.DataFrame(
        {"mentor_id": mentors.to_numpy(), "name": mentors.map(names).fillna(mentors).to_numpy()},
        index=pool.current["mentee_id"].astype(str).to_numpy(),
    )


def proposal_view(proposal: Proposal, current: pd.DataFrame | None = None) -> None:
    """The proposal's figures, its pairs with score and why, and who is left out; for a
    re-match (`current`: `current_mentors`) each mentee's current mentor and whether the pair
    changes."""
    figures = proposal.figures
    columns = st.columns(5)
    columns[0].metric(
        "Coverage",
        f"{figures.coverage:.0%}",
        help=f"{figures.matched:,} of the pool's {figures.mentees:,} mentees paired.",
    )
    columns[1].metric("Total score", f"{figures.total_score:,.1f}")
    columns[2].metric("Mean score", _score(figures.mean_score))
    columns[3].metric("Minimum score", _score(figures.minimum_score))
    columns[4].metric(
        "Predicted health band",
        figures.predicted_band,
        help="A prediction from the mean match score alone, on the health score's lines "
        "(Healthy ≥ 70, Watch ≥ 40, else At risk) — a hint, not a measured health score.",
    )
    st.caption(
        f"{figures.matched:,} of {figures.mentees:,} mentees paired. The predicted health band "
        "is a prediction from the match score, not a measurement."
    )
    table = proposal.pairs.rename(
        columns={"mentor_name": "mentor", "mentee_name": "mentee", "predicted_band": "band"}
    )
    shown = ["mentor", "mentee", "score", "band", "reasons"]
    if current is not None:
        mentees = proposal.pairs["mentee_id"].astype(str)
        same = mentees.map(current["mentor_id"]) == proposal.pairs["mentor_id"].astype(str)
        table = table.assign(
            current_mentor=mentees.map(current["name"]).fillna("—"),
            changed=np.where(same, "", "Changed"),
        )
        shown = ["current_mentor", "mentor", "changed", "mentee", "score", "band", "reasons"]
        st.caption(
            f"{int((table['changed'] == 'Changed').sum()):,} of {len(table):,} mentees get "
            "another mentor than today's."
        )
    st.dataframe(
        table[shown],
        hide_index=True,
        key="what_if_pairs",
        column_config={
            "current_mentor": st.column_config.TextColumn("Current mentor"),
            "mentor": st.column_config.TextColumn("Mentor"),
            "changed": st.column_config.TextColumn("Changed", help="Another mentor than today's."),
            "mentee": st.column_config.TextColumn("Mentee"),
            "score": st.column_config.ProgressColumn(
                "Score", min_value=0, max_value=100, format="%.1f"
            ),
            "band": st.column_config.TextColumn(
                "Predicted band", help="Predicted from the match score; not a measurement."
            ),
            "reasons": st.column_config.TextColumn("Why", width="large"),
        },
    )
    _left_out(proposal)


def _left_out(proposal: Proposal) -> None:
    """Mentees left without a mentor and mentors with places left, each with the reason."""
    mentees, mentors = proposal.unmatched_mentees, proposal.unused_mentors
    st.subheader("Left out")
    if mentees.empty and mentors.empty:
        st.caption("Every mentee in the pool is paired and every mentor's place is used.")
        return
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Mentees without a mentor** ({len(mentees):,})")
        if mentees.empty:
            st.caption("None: every mentee in the pool is paired.")
        else:
            st.dataframe(
                mentees.rename(columns={"mentee_name": "mentee"})[["mentee", "reason"]],
                hide_index=True,
                key="what_if_unmatched_mentees",
                column_config={
                    "mentee": st.column_config.TextColumn("Mentee"),
                    "reason": st.column_config.TextColumn("Reason", width="large"),
                },
            )
    with right:
        st.markdown(f"**Mentors with places left** ({int(mentors['free_places'].sum()):,})")
        if mentors.empty:
            st.caption("None: every mentor's places are used.")
        else:
            st.dataframe(
                mentors.rename(columns={"mentor_name": "mentor"})[
                    ["mentor", "free_places", "reason"]
                ],
                hide_index=True,
                key="what_if_unused_mentors",
                column_config={
                    "mentor": st.column_config.TextColumn("Mentor"),
                    "free_places": st.column_config.NumberColumn("Places left"),
                    "reason": st.column_config.TextColumn("Reason", width="large"),
                },
            )
