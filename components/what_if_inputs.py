"""The What-if pairing screen's inputs: the target cohort and pool, and the settings form (hard
constraints, criterion weights, options, pairs locked in or forbidden by hand).

What the settings mean is `app.matching`'s; this module only draws them.
"""

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from app.matching.pool import Pool
from app.matching.settings import DEFAULT_WEIGHTS, MAX_WEIGHT, MatchSettings
from components.filters import url_selectbox

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
_SEPARATOR = "\u2192"


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


def match_settings_form(pool: Pool) -> tuple[MatchSettings, bool]:
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
