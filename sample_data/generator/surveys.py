"""Survey invitations and answers: baseline, pulses, midpoint and exit, with comments."""

from datetime import date

import numpy as np
import pandas as pd

from sample_data.generator.common import _dates, _frame, _ids, _nullable, _uniform_int
from sample_data.generator.people import _Roster
from sample_data.generator.plan import COMMENTS, COMPLETED, ENDED_EARLY, NEVER_MET, STALLED

KINDS = np.array(["baseline", "pulse", "midpoint", "exit"], dtype=object)
BASELINE, PULSE, MIDPOINT, EXIT = range(4)
PULSE_EVERY_DAYS = 30
RESPONSE_RATE = {BASELINE: 0.9, PULSE: 0.25, MIDPOINT: 0.75, EXIT: 0.85}
MENTOR_CONFIDENCE = 4.4
# How much of its quality a pair has lost by the end of its life, in the order of the outcomes.
FADING = np.array([0.0, 0.25, 0.45, 0.4, 0.3, 0.4, 0.0, 0.0])


def _survey_invitations(
    pairs: pd.DataFrame, lengths: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Survey invitations to both people of every pair: (pair row, kind, day offset)."""
    n = len(pairs)
    outcome = pairs["outcome"].to_numpy()
    started = pairs["started"].to_numpy()
    ended = pairs["ended"].to_numpy()
    # Everyone in an unfinished pair keeps getting pulses, met or not; finished pairs stop.
    open_until = np.minimum(ended, 0)
    rows, kinds, days = [], [], []

    rows.append(np.arange(n))
    kinds.append(np.full(n, BASELINE))
    days.append(np.minimum(started + _uniform_int(rng, 0, 7, n), open_until))

    pulses = np.maximum((open_until - started) // PULSE_EVERY_DAYS, 0)
    row = np.repeat(np.arange(n), pulses)
    k = np.arange(len(row)) - np.repeat(np.cumsum(pulses) - pulses, pulses) + 1
    rows.append(row)
    kinds.append(np.full(len(row), PULSE))
    pulse_day = started[row] + PULSE_EVERY_DAYS * k + _uniform_int(rng, -3, 3, len(row))
    days.append(np.minimum(pulse_day, open_until[row]))

    midpoint = started + lengths // 2 + _uniform_int(rng, 0, 7, n)
    reached = midpoint <= open_until
    rows.append(np.flatnonzero(reached))
    kinds.append(np.full(reached.sum(), MIDPOINT))
    days.append(midpoint[reached])

    finished = np.isin(outcome, (COMPLETED, ENDED_EARLY))
    rows.append(np.flatnonzero(finished))
    kinds.append(np.full(finished.sum(), EXIT))
    days.append(np.minimum(ended[finished] + _uniform_int(rng, 0, 14, finished.sum()), 0))
    return np.concatenate(rows), np.concatenate(kinds), np.concatenate(days)


def _score(
    rng: np.random.Generator, level: np.ndarray, spread: float, low: int, high: int
) -> np.ndarray:
    return np.clip(np.rint(level + rng.normal(0, spread, len(level))), low, high).astype(np.int64)


def _comments(
    satisfaction: np.ndarray, mentee_side: np.ndarray, asked: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Occasional comments in the respondent's voice, their tone following satisfaction."""
    count = len(satisfaction)
    tone = np.select([satisfaction >= 4, satisfaction == 3], ["positive", "neutral"], "negative")
    role = np.where(mentee_side, "mentee", "mentor")
    comments = np.full(count, None, dtype=object)
    writes = asked & (rng.random(count) < 0.15)
    for (of_role, of_tone), pool in COMMENTS.items():
        members = np.flatnonzero(writes & (role == of_role) & (tone == of_tone))
        comments[members] = np.array(pool, dtype=object)[rng.integers(0, len(pool), len(members))]
    return comments


def _pair_answers(
    pairs: pd.DataFrame, lengths: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """The answers of paired people: who, when, which kind, and every score (asked or not).

    Satisfaction and relationship quality follow the pair's latent quality, fading through the
    pair's life for drifting or stalled pairs; mentees' digital confidence starts near 2 and
    rises with time in the program and quality, to about 3.5–4 at exit; NPS follows
    satisfaction.
    """
    row, kind, day = _survey_invitations(pairs, lengths, rng)
    row, kind, day = np.tile(row, 2), np.tile(kind, 2), np.tile(day, 2)
    mentee_side = np.repeat([False, True], len(row) // 2)
    outcome = pairs["outcome"].to_numpy()[row]
    rate = np.array([RESPONSE_RATE[k] for k in range(len(KINDS))])[kind]
    rate = np.where((kind == EXIT) & (outcome == ENDED_EARLY), 0.4, rate)
    rate = np.where((kind == PULSE) & np.isin(outcome, (STALLED, NEVER_MET)), 0.2, rate)
    answered = rng.random(len(row)) < rate
    row, kind, day = row[answered], kind[answered], day[answered]
    mentee_side, outcome = mentee_side[answered], outcome[answered]

    started = pairs["started"].to_numpy()[row]
    lifetime = np.maximum(pairs["active_until"].to_numpy()[row] - started, 1)
    through = np.clip((day - started) / lifetime, 0, 1)
    quality = pairs["quality"].to_numpy()[row] * (1 - FADING[outcome] * through)
    satisfaction = _score(rng, 1.4 + 3.8 * quality, 0.55, 1, 5)

    baseline = np.clip(rng.normal(2.0, 0.6, len(pairs)), 1, 5)
    uplift = 0.5 + 1.7 * pairs["quality"].to_numpy() + rng.normal(0, 0.3, len(pairs))
    in_program = np.clip((day - started) / lengths[row], 0, 1)
    mentee_confidence = baseline[row] + uplift[row] * in_program
    return pd.DataFrame(
        {
            "person": np.where(
                mentee_side, pairs["mentee"].to_numpy()[row], pairs["mentor"].to_numpy()[row]
            ),
            "pair_row": row,
            "cohort": pairs["cohort"].to_numpy()[row],
            "day": day,
            "kind": kind,
            "mentee_side": mentee_side,
            "satisfaction": satisfaction,
            "relationship": _score(rng, 1.6 + 3.6 * quality, 0.55, 1, 5),
            "confidence": _score(
                rng, np.where(mentee_side, mentee_confidence, MENTOR_CONFIDENCE), 0.35, 1, 5
            ),
            "nps": _score(rng, 2.2 * satisfaction - 0.4, 1.2, 0, 10),
        }
    )


def _waiting_answers(
    unmatched: tuple[np.ndarray, np.ndarray], roster: _Roster, rng: np.random.Generator
) -> pd.DataFrame:
    """Baselines from most people waiting for a match, for their cohort's pool (no pair)."""
    people, cohort = unmatched
    answers = rng.random(len(people)) < 0.7
    people, cohort = people[answers], cohort[answers]
    is_mentor = roster.is_mentor[people]
    count = len(people)
    return pd.DataFrame(
        {
            "person": people,
            "pair_row": np.full(count, -1),
            "cohort": cohort,
            "day": np.minimum(roster.joined[people] + _uniform_int(rng, 0, 10, count), 0),
            "kind": np.full(count, BASELINE),
            "mentee_side": ~is_mentor,
            "satisfaction": np.zeros(count, dtype=np.int64),
            "relationship": np.zeros(count, dtype=np.int64),
            "confidence": _score(rng, np.where(is_mentor, MENTOR_CONFIDENCE, 2.0), 0.6, 1, 5),
            "nps": np.zeros(count, dtype=np.int64),
        }
    )


def _surveys_frame(
    answers: pd.DataFrame,
    pair_id: np.ndarray,
    person_id: np.ndarray,
    cohort_id: np.ndarray,
    anchor: date,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The survey responses table, ids in date order; each kind keeps only what it asks.

    Baselines ask digital confidence; pulses satisfaction and relationship quality; midpoint
    and exit surveys all four scores. A few answers carry a short comment.
    """
    answers = answers.sort_values(
        ["day", "pair_row", "kind", "mentee_side"], kind="stable", ignore_index=True
    )
    kind = answers["kind"].to_numpy()
    pair_row = answers["pair_row"].to_numpy()
    rated = kind != BASELINE
    satisfaction = answers["satisfaction"].to_numpy()
    columns = {
        "response_id": _ids("S", len(answers), 7),
        "participant_id": person_id[answers["person"].to_numpy()],
        "pair_id": np.where(pair_row >= 0, pair_id[pair_row], None),
        "cohort_id": cohort_id[answers["cohort"].to_numpy()],
        "submitted_on": _dates(answers["day"].to_numpy(), anchor),
        "kind": KINDS[kind],
        "satisfaction": _nullable(satisfaction, ~rated),
        "relationship_quality": _nullable(answers["relationship"].to_numpy(), ~rated),
        "digital_confidence": _nullable(answers["confidence"].to_numpy(), kind == PULSE),
        "nps": _nullable(answers["nps"].to_numpy(), ~np.isin(kind, (MIDPOINT, EXIT))),
        "comment": _comments(satisfaction, answers["mentee_side"].to_numpy(), rated, rng),
    }
    return _frame("surveys", columns)
