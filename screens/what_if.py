"""What-if pairing: propose pairs under hard constraints and weighted criteria, save scenarios,
compare them with today's pairing and apply one (the engine: docs/matching.md)."""

import streamlit as st

from app.matching.pool import pool_from_program
from app.matching.settings import MatchingError
from components import loaders
from components.access import require_access
from components.empty import stop_if_no_program
from components.filters import current_as_of
from components.literal import md
from components.loaders import store_engine
from components.loaders.matching_data import people_to_pair
from components.session import current_actor
from components.what_if_compare import compare_section
from components.what_if_inputs import match_settings_form, pool_choice
from components.what_if_proposal import (
    current_mentors,
    current_result,
    proposal_view,
    propose_with_progress,
)
from components.what_if_review import review_section
from components.what_if_scenarios import apply_section, save_form, scenarios_of

require_access("what_if")
actor = current_actor()
st.title("What-if pairing")
st.caption(
    "Propose mentor–mentee pairs for the people waiting for a match, or re-match a whole "
    "cohort: hard rules decide which pairs are allowed, the weights decide the 0–100 score, and "
    "the solver pairs as many mentees as possible with the best total score. Nothing is written "
    "until you apply a saved scenario. The criteria are explained in docs/matching.md."
)
as_of = current_as_of()
cohorts = loaders.cohort_names()
if not cohorts:
    stop_if_no_program(loaders.size(as_of))
engine = store_engine()
frames = people_to_pair()

cohort_id, mode = pool_choice(cohorts)
try:
    pool = pool_from_program(
        frames.participants,
        frames.pairs,
        cohorts=frames.cohorts,
        cohort_id=cohort_id,
        mode=mode,
        as_of=as_of,
    )
except MatchingError as error:
    st.warning(md(error), icon=":material/warning:")
    st.stop()
st.caption(
    f"The pool on {as_of:%d %b %Y}: {len(pool.mentees):,} mentees and {len(pool.mentors):,} "
    f"mentors with {int(pool.mentors['capacity'].sum()):,} free places"
    + (f", in today's {len(pool.current):,} pairs of the cohort." if mode == "rematch" else ".")
)

settings, submitted = match_settings_form(pool)
if submitted:
    propose_with_progress(pool, settings)
result = current_result(pool)
if result is None:
    st.info(
        "Set the rules, weights and options, then press **Propose pairs**.",
        icon=":material/tune:",
    )
elif result.proposal is None:
    st.warning(result.problem, icon=":material/warning:")
else:
    st.header("Proposal")
    proposal_view(result.proposal, current_mentors(pool, frames.participants))
    save_form(engine, result, actor=actor)

scenarios = scenarios_of(engine, cohort_id)
st.header("Compare scenarios")
compare_section(engine, pool, settings, scenarios)
st.header("Apply a scenario")
apply_section(engine, scenarios, actor=actor, default_start=as_of)
st.header("Review an applied scenario")
review_section(engine, scenarios, frames, actor=actor)
