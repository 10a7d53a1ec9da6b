"""The pool: the people of a cohort to pair on a date, from the store's frames, and the two
steps (score, propose) run for it."""

from dataclasses import dataclass
from datetime import date

import pandas as pd

from app import metrics
from app.matching.scoring import ScoreMatrix, score_matrix
from app.matching.settings import MatchingError, MatchSettings
from app.matching.solver import Proposal, propose_pairs

#: People in a pair that is still running hold their place: they are not waiting for a match.
OPEN_STATUSES = ("active", "paused")
MODES = ("unmatched", "rematch")


@dataclass(frozen=True)
class Pool:
    """The people to pair for one cohort, and what the constraints and comparison need.

    `mentors` carry `capacity` as their number of *free* places; `history` lists earlier pairs
    (mentor_id, mentee_id) for the never-repeat rule; `current` (pair_id, mentor_id, mentee_id)
    is today's pairing being replaced in a re-match (empty for the unmatched pool).
    """

    cohort_id: str
    mode: str
    as_of: date
    focus_area: str | None
    mentors: pd.DataFrame
    mentees: pd.DataFrame
    history: pd.DataFrame
    current: pd.DataFrame


def pool_from_program(
    participants: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    cohorts: pd.DataFrame,
    cohort_id: str,
    mode: str = "unmatched",
    as_of: date,
) -> Pool:
    """The pool of people to pair for `cohort_id` on `as_of`, from the store's frames.

    - `unmatched`: the people enrolled on `as_of` (joined by then, not left) who are not in an
      open pair (active or paused — a paused pair is on hold, not over); a mentor already in
      open pairs stays in the pool while they have places left (capacity − open pairs).
    - `rematch`: the enrolled people in the cohort's open pairs, which are returned as
      `current`; a mentor's places are their capacity minus their open pairs elsewhere.

    `participants` needs the participants columns (names and skills included); `pairs` all
    pairs (any status; those started after `as_of` are ignored). Raises MatchingError for an
    unknown cohort or mode.
    """
    if mode not in MODES:
        raise MatchingError(f"Unknown pool {mode!r}; choose unmatched or rematch.")
    cohort = cohorts[cohorts["cohort_id"].astype(str) == str(cohort_id)]
    if cohort.empty:
        raise MatchingError(f"There is no cohort {cohort_id!r}.")
    focus = cohort["focus_area"].iloc[0] if "focus_area" in cohort else None
    focus_area = focus if isinstance(focus, str) and focus.strip() else None

    pairs_now = metrics.pairs_as_of(
        metrics.as_timestamps(pairs, ["started_on", "ended_on"]), as_of=as_of
    )
    open_pairs = pairs_now[pairs_now["status"].isin(OPEN_STATUSES)]
    people = metrics.enrolled(
        metrics.as_timestamps(participants, ["joined_on", "left_on"]), as_of=as_of
    )
    if mode == "rematch":
        current = open_pairs[open_pairs["cohort_id"].astype(str) == str(cohort_id)]
    else:
        current = open_pairs.iloc[0:0]
    staying = open_pairs[~open_pairs["pair_id"].isin(current["pair_id"])]
    places = people["capacity"].fillna(1).astype(int) - people["participant_id"].map(
        staying["mentor_id"].value_counts()
    ).fillna(0).astype(int)
    people = people.assign(capacity=places.clip(lower=0))
    is_mentor = people["role"] == "mentor"
    if mode == "rematch":
        mentors = people[is_mentor & people["participant_id"].isin(current["mentor_id"])]
        mentees = people[~is_mentor & people["participant_id"].isin(current["mentee_id"])]
    else:
        mentors = people[is_mentor & (people["capacity"] > 0)]
        mentees = people[~is_mentor & ~people["participant_id"].isin(staying["mentee_id"])]
    history = pairs_now[~pairs_now["pair_id"].isin(current["pair_id"])]
    return Pool(
        cohort_id=str(cohort_id),
        mode=mode,
        as_of=as_of,
        focus_area=focus_area,
        mentors=mentors.reset_index(drop=True),
        mentees=mentees.reset_index(drop=True),
        history=history[["mentor_id", "mentee_id"]].reset_index(drop=True),
        current=current[["pair_id", "mentor_id", "mentee_id"]].reset_index(drop=True),
    )


def pool_matrix(pool: Pool, settings: MatchSettings | None = None) -> ScoreMatrix:
    """`score_matrix` for a pool: its people, history, cohort focus area and date."""
    return score_matrix(
        pool.mentors,
        pool.mentees,
        settings=settings,
        history=pool.history,
        focus_area=pool.focus_area,
        as_of=pool.as_of,
    )


def propose_for_pool(pool: Pool, settings: MatchSettings | None = None) -> Proposal:
    """Score the pool and propose pairs for it (today's pairs count as `current`)."""
    return propose_pairs(pool_matrix(pool, settings), current=pool.current)
