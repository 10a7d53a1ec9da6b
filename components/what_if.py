"""The What-if pairing screen's pieces: the pool choice, the settings form, the proposal with
who is left out, saving a scenario, comparing scenarios with today's pairing, applying one.

Everything about scores, constraints and the solve is `app.matching`'s; everything about stored
scenarios is `data_access.scenarios`'. This module only draws them and keeps the latest proposal
in `st.session_state` so that it survives reruns.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.matching.compare import compare
from app.matching.pool import Pool, pool_matrix
from app.matching.scoring import ScoreMatrix
from app.matching.settings import DEFAULT_WEIGHTS, MAX_WEIGHT, MatchingError, MatchSettings
from app.matching.solver import Proposal, propose_pairs
from components.filters import url_selectbox
from components.literal import md
from components.loaders import clear_caches
from components.palette import SERIES_COLOURS
from components.store_failures import refusal_message
from data_access.scenarios import (
    ScenarioError,
    apply_scenario,
    list_scenarios,
    load_scenario,
    save_scenario,
)

POOLS = {"unmatched": "Unmatched people", "rematch": "Re-match the cohort"}
CRITERION_LABELS = {
    "skills": "Skill coverage",
    "generation": "Generation gap",
    "location": "Cross-location",
    "timezone": "Time-zone overlap",
    "focus": "Focus-area fit",
}
#: Above this many candidate pairs the lock / forbid lists would be too long to send and pick.
MAX_HAND_PICKED_OPTIONS = 10_000
TODAY = "Today's pairing"
#: Series colours for the pairings, leaving out the green, orange and vermillion of the health
#: bands so that a bar is not read as a band.
PAIRING_COLOURS = [SERIES_COLOURS[0], SERIES_COLOURS[3], SERIES_COLOURS[4]]
RESULT_KEY = "what_if_result"
APPLIED_KEY = "what_if_applied"
APPLY_ROUND_KEY = "what_if_apply_round"
_SEPARATOR = "\u2192"


# --- Inputs --------------------------------------------------------------------------------------
class _AsRadio:
    """Lets `url_selectbox` draw a horizontal radio: the same link handling, another widget."""

    def __init__(self, container: Any) -> None:
        self._container = container

    def selectbox(self, label: str, options: Sequence[str], **kwargs: Any) -> str:
        """Draw the radio `url_selectbox` asks for as a selectbox."""
        return self._container.radio(label, options, horizontal=True, **kwargs)


def pool_choice(cohorts: dict[str, str]) -> tuple[str, str]:
    """The target cohort (link `cohort`, default the most recent) and the pool (link `pool`):
    (cohort_id, "unmatched" | "rematch")."""
    left, right = st.columns([2, 3])
    cohort_id = url_selectbox(
        "Target cohort",
        list(cohorts),
        param="cohort",
        default=list(cohorts)[-1],
        format_func=lambda key: cohorts.get(key, key),
        container=left,
        help="The cohort the proposed pairs join; its focus area feeds the focus-area criterion.",
    )
    mode = url_selectbox(
        "Pool",
        list(POOLS),
        param="pool",
        default="unmatched",
        format_func=POOLS.__getitem__,
        container=_AsRadio(right),
        help="Unmatched people: everyone enrolled with no open pair, and mentors with a free "
        "place. Re-match the cohort: the people in the cohort's open pairs, paired afresh.",
    )
    return cohort_id, mode


def _pair_options(pool: Pool) -> dict[str, tuple[str, str]]:
    """Every (mentor, mentee) pair of the pool, keyed "mentor_id→mentee_id", mentors and
    mentees in name order."""
    mentors = pool.mentors.sort_values(["name", "participant_id"])["participant_id"]
    mentees = pool.mentees.sort_values(["name", "participant_id"])["participant_id"]
    return {
        f"{mentor}{_SEPARATOR}{mentee}": (str(mentor), str(mentee))
        for mentor in mentors
        for mentee in mentees
    }


def _pair_picker(label: str, key: str, options: dict[str, tuple[str, str]], names: dict) -> list:
    """A multiselect of "mentor → mentee" pairs; values no longer in the pool are dropped."""
    if key in st.session_state:
        st.session_state[key] = [value for value in st.session_state[key] if value in options]

    def label_of(value: str) -> str:
        mentor, mentee = options[value]
        return f"{names.get(mentor, mentor)} ({mentor}) → {names.get(mentee, mentee)} ({mentee})"

    chosen = st.multiselect(label, list(options), key=key, format_func=label_of, placeholder="None")
    return [options[value] for value in chosen]


def settings_form(pool: Pool) -> tuple[MatchSettings, bool]:
    """The hard constraints, weights, options and hand-picked pairs in one form: (the settings
    as last submitted, whether **Propose pairs** was pressed this run)."""
    with st.form("what_if_settings", border=True):
        constraints, weights_column, options_column = st.columns(3)
        with constraints:
            st.markdown("**Hard constraints**")
            mentor_junior = st.toggle(
                "Mentor at a lower job level",
                value=True,
                key="what_if_mentor_junior",
                help="Reverse mentoring: the junior person mentors. An unknown level is allowed.",
            )
            different_department = st.toggle(
                "Different department", value=True, key="what_if_different_department"
            )
            no_repeat = st.toggle(
                "Never repeat an earlier pair", value=True, key="what_if_no_repeat"
            )
            limit_timezone = st.toggle(
                "Limit the time-zone difference", value=False, key="what_if_limit_timezone"
            )
            max_hours = st.number_input(
                "Maximum time-zone difference (hours)",
                min_value=0.0,
                max_value=12.0,
                value=3.0,
                step=0.5,
                key="what_if_max_timezone_hours",
                help="Used only while the limit above is on. An unknown time zone is allowed.",
            )
            st.caption("Mentor capacity is always honoured; each mentee gets at most one mentor.")
        with weights_column:
            st.markdown("**Criterion weights** (0 = ignore)")
            weights = {
                criterion: st.slider(
                    label,
                    min_value=0,
                    max_value=int(MAX_WEIGHT),
                    value=int(DEFAULT_WEIGHTS[criterion]),
                    key=f"what_if_weight_{criterion}",
                )
                for criterion, label in CRITERION_LABELS.items()
            }
        with options_column:
            st.markdown("**Options**")
            protect_weakest = st.checkbox(
                "Protect the weakest pair",
                key="what_if_protect_weakest",
                help="Raise the lowest score as far as possible first, then the total.",
            )
            keep_existing = pool.mode == "rematch" and st.checkbox(
                "Keep existing pairs",
                key="what_if_keep_existing",
                help="Favour today's pairs: each counts 10 extra points while solving "
                "(the scores shown never include them).",
            )
            locked, forbidden = _hand_picked_pairs(pool)
        submitted = st.form_submit_button("Propose pairs", type="primary", icon=":material/join:")
    settings = MatchSettings(
        mentor_junior=mentor_junior,
        different_department=different_department,
        no_repeat=no_repeat,
        max_timezone_hours=float(max_hours) if limit_timezone else None,
        weights={criterion: float(weight) for criterion, weight in weights.items()},
        protect_weakest=protect_weakest,
        keep_existing=bool(keep_existing),
        locked=tuple(locked),
        forbidden=tuple(forbidden),
    )
    return settings, submitted


def _hand_picked_pairs(pool: Pool) -> tuple[list, list]:
    """The pairs locked in and forbidden by hand (empty when the pool is too large to list)."""
    candidates = len(pool.mentors) * len(pool.mentees)
    if candidates == 0:
        return [], []
    if candidates > MAX_HAND_PICKED_OPTIONS:
        st.caption(
            f"This pool has {candidates:,} candidate pairs, too many to pick by hand here; "
            "choose a smaller pool to lock or forbid pairs."
        )
        return [], []
    options = _pair_options(pool)
    names = dict(
        zip(
            pd.concat([pool.mentors["participant_id"], pool.mentees["participant_id"]]),
            pd.concat([pool.mentors["name"], pool.mentees["name"]]),
            strict=True,
        )
    )
    locked = _pair_picker("Lock pairs (always proposed)", "what_if_locked", options, names)
    forbidden = _pair_picker("Forbid pairs (never proposed)", "what_if_forbidden", options, names)
    return locked, forbidden


# --- The proposal --------------------------------------------------------------------------------
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


# --- Scenarios -----------------------------------------------------------------------------------
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


def _pair_scores(pairs: pd.DataFrame, matrix: ScoreMatrix) -> np.ndarray:
    """The matrix's score of each listed pair whose two people are in the pool."""
    mentee_at = pd.Series(np.arange(len(matrix.mentee_ids)), index=matrix.mentee_ids.astype(str))
    mentor_at = pd.Series(np.arange(len(matrix.mentor_ids)), index=matrix.mentor_ids.astype(str))
    rows = pairs["mentee_id"].astype(str).map(mentee_at)
    cols = pairs["mentor_id"].astype(str).map(mentor_at)
    inside = rows.notna() & cols.notna()
    return matrix.scores[rows[inside].astype(int), cols[inside].astype(int)].astype(float)


def score_histogram(pairings: dict[str, pd.DataFrame], matrix: ScoreMatrix) -> pd.DataFrame:
    """Pairs per 10-point score band (0–10 … 90–100) for each pairing: pairing, band, pairs."""
    edges = np.arange(0, 101, 10)
    labels = [f"{low}–{low + 10}" for low in edges[:-1]]
    rows = []
    for name, pairs in pairings.items():
        counts, _ = np.histogram(_pair_scores(pairs, matrix), bins=edges)
        rows += [
            {"pairing": name, "band": label, "pairs": int(count)}
            for label, count in zip(labels, counts, strict=True)
        ]
    return pd.DataFrame(rows, columns=["pairing", "band", "pairs"])


COMPARE_LABELS = {
    "pairs": "Pairs",
    "coverage": "Coverage",
    "min_score": "Minimum score",
    "q1_score": "Lower quartile score",
    "median_score": "Median score",
    "q3_score": "Upper quartile score",
    "mean_score": "Mean score",
    "cross_department_share": "Cross-department share",
    "mean_generation_gap_years": "Mean age gap (years)",
    "changed_vs_today": "Pairs changed vs today",
}


def _compare_table(figures: pd.DataFrame) -> pd.DataFrame:
    """The comparison with one column per pairing and one row per measure, as text."""

    def shown(column: str, value: float) -> str:
        if pd.isna(value):
            return "—"
        if column in ("coverage", "cross_department_share"):
            return f"{value:.0%}"
        if column in ("pairs", "changed_vs_today"):
            return f"{int(value):,}"
        return f"{value:.1f}"

    table = pd.DataFrame(
        {
            pairing: [shown(column, row[column]) for column in COMPARE_LABELS]
            for pairing, row in figures.iterrows()
        },
        index=list(COMPARE_LABELS.values()),
    )
    return table.rename_axis("Measure").reset_index()


def _histogram_chart(histogram: pd.DataFrame, names: list[str]) -> alt.Chart:
    colours = PAIRING_COLOURS[: len(names)]
    return (
        alt.Chart(histogram)
        .mark_bar()
        .encode(
            x=alt.X("band:N", sort=None, title="Match score"),
            xOffset=alt.XOffset("pairing:N", sort=names),
            y=alt.Y("pairs:Q", title="Pairs", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "pairing:N",
                sort=names,
                scale=alt.Scale(domain=names, range=colours),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("pairing:N", title="Pairing"),
                alt.Tooltip("band:N", title="Score"),
                alt.Tooltip("pairs:Q", title="Pairs"),
            ],
        )
        .properties(height=240)
    )


_COMPARE_KEY = "what_if_compare"
_COMPARE_SEEN_KEY = "_what_if_compare_seen"


def compare_section(
    engine: Engine, pool: Pool, settings: MatchSettings, scenarios: pd.DataFrame
) -> None:
    """Pick one or two saved scenarios of this pool and set them beside today's pairing, all
    scored with the weights in the form (`app.matching.compare.compare`)."""
    same_pool = scenarios[scenarios["pool"] == pool.mode]
    if same_pool.empty:
        st.info(
            f"No scenario is saved for this cohort's “{POOLS[pool.mode]}” pool yet. Propose "
            "pairs and save them as a scenario to compare it with today's pairing.",
            icon=":material/compare_arrows:",
        )
        return
    names = dict(zip(same_pool["id"].astype(int), same_pool["name"], strict=True))
    # A scenario saved since the last run joins the comparison (the newest two are kept), so
    # saving one shows it beside today's pairing at once; opening the page compares the
    # newest two. Scenarios of another pool or deleted ones drop out.
    seen = st.session_state.get(_COMPARE_SEEN_KEY)
    chosen = [key for key in st.session_state.get(_COMPARE_KEY, []) if key in names]
    new = sorted(key for key in names if seen is None or key not in seen)
    st.session_state[_COMPARE_KEY] = (chosen + new)[-2:] if new else chosen
    st.session_state[_COMPARE_SEEN_KEY] = set(names)
    chosen = st.multiselect(
        "Scenarios to compare",
        list(names),
        key=_COMPARE_KEY,
        format_func=names.__getitem__,
        max_selections=2,
        placeholder="Pick one or two",
    )
    if not chosen:
        st.caption("Pick one or two saved scenarios to set them beside today's pairing.")
        return
    try:
        matrix = pool_matrix(pool, settings)
    except MatchingError as error:
        st.warning(f"Cannot compare on this pool: {error}", icon=":material/warning:")
        return
    pairings = {TODAY: pool.current}
    for scenario_id in chosen:
        pairings[f"“{names[scenario_id]}”"] = load_scenario(engine, scenario_id).pairs
    figures = compare(pairings, matrix=matrix, today=pool.current)
    st.dataframe(_compare_table(figures), hide_index=True, key="what_if_compare_table")
    st.altair_chart(
        _histogram_chart(score_histogram(pairings, matrix), list(pairings)),
        key="what_if_score_chart",
    )
    st.caption(
        "Every pairing is scored with the weights in the form above, on the pool as of the "
        "as-of date. Coverage counts the pool's mentees paired."
        + (" Today nobody in this pool is paired." if pool.current.empty else "")
    )


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
