"""Pair timelines: when each pair meets, what it talks about, and the goals it sets and meets."""

from datetime import date

import numpy as np
import pandas as pd

from sample_data.generator.common import _dates, _frame, _ids, _nullable, _on_weekday, _uniform_int
from sample_data.generator.plan import (
    CATEGORIES,
    COMPLETED,
    DRIFTING,
    ENDED_EARLY,
    GENERAL_TOPICS,
    GOAL_TITLES,
    HEALTHY,
    MEETING_TOPICS,
    OPEN_END,
    PAUSED,
    QUALITY_RANGE,
    SLIP_RANGE,
    STALLED,
    TOPIC_COMBOS_PER_CATEGORY,
)


def _pair_timelines(pairs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Add each pair's latent quality, meeting window, and how its cadence slips.

    `first` is the first planned meeting, `last_by` the last day a meeting can happen, `slip` how
    much the gaps between meetings grow by the end, `max_gap` the longest gap (in cadences), and
    `active_until` the last day the pair works on goals.
    """
    n = len(pairs)
    outcome = pairs["outcome"].to_numpy()
    cadence = pairs["cadence"].to_numpy()
    started = pairs["started"].to_numpy()
    ended = pairs["ended"].to_numpy()
    first = started + _uniform_int(rng, 1, np.minimum(cadence, 10), n)
    stalled_for = 2 * cadence + _uniform_int(rng, 5, 2 * cadence + 20, n)
    last_by = np.select(
        [
            np.isin(outcome, (HEALTHY, DRIFTING)),
            outcome == STALLED,
            outcome == PAUSED,
            outcome == ENDED_EARLY,
            outcome == COMPLETED,
        ],
        [
            np.zeros(n, dtype=np.int64),
            -stalled_for,
            -_uniform_int(rng, 14, 60, n),
            ended - _uniform_int(rng, 0, cadence, n),
            ended,
        ],
        default=first - 1,  # never met, not met yet
    )
    active_until = np.select(
        [np.isin(outcome, (STALLED, PAUSED)), np.isin(outcome, (ENDED_EARLY, COMPLETED))],
        [np.maximum(last_by, first), ended],
        default=np.zeros(n, dtype=np.int64),
    )
    return pairs.assign(
        quality=rng.uniform(*QUALITY_RANGE[outcome].T),
        first=first,
        last_by=last_by,
        slip=rng.uniform(*SLIP_RANGE[outcome].T),
        max_gap=np.where(outcome == HEALTHY, 1.3, 1.8),
        active_until=np.minimum(active_until, 0),
    )


def _meeting_days(
    pairs: pd.DataFrame, anchor: date, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Every meeting as (pair row, day offset): on cadence with jitter, gaps growing by `slip`."""
    cadence = pairs["cadence"].to_numpy()
    first = pairs["first"].to_numpy()
    last_by = pairs["last_by"].to_numpy()
    span = last_by - first
    shortest = np.maximum(4, np.rint(0.5 * cadence)).astype(np.int64)
    longest = np.floor(pairs["max_gap"].to_numpy() * cadence).astype(np.int64)
    # Enough slots that even back-to-back shortest gaps reach past `last_by`.
    slots = np.where(span >= 0, span // shortest + 2, 0)
    row = np.repeat(np.arange(len(pairs)), slots)
    group_start = np.cumsum(slots) - slots
    k = np.arange(len(row)) - np.repeat(group_start, slots)
    expected = np.maximum(span / cadence, 1)
    stretch = 1 + pairs["slip"].to_numpy()[row] * np.minimum(k / expected[row], 1)
    gaps = np.rint(cadence[row] * stretch + rng.normal(0, 0.12 * cadence[row]))
    gaps = np.clip(gaps, shortest[row], longest[row]).astype(np.int64)
    gaps[k == 0] = 0
    total = np.cumsum(gaps)
    day = first[row] + total - np.repeat(total[group_start[slots > 0]], slots[slots > 0])
    day = _on_weekday(day, anchor, last_by[row])
    keep = day <= last_by[row]
    return row[keep], day[keep]


def _topic_pools(rng: np.random.Generator) -> np.ndarray:
    """Per category, ready-made topic lists: one or two of its topics and maybe a general one."""
    pools = np.empty((len(CATEGORIES), TOPIC_COMBOS_PER_CATEGORY), dtype=object)
    for c, category in enumerate(CATEGORIES):
        topics = MEETING_TOPICS[category]
        for j in range(TOPIC_COMBOS_PER_CATEGORY):
            chosen = list(rng.choice(topics, size=rng.integers(1, 3), replace=False))
            if rng.random() < 0.4:
                chosen.append(rng.choice(GENERAL_TOPICS))
            pools[c, j] = ";".join(chosen)
    return pools


def _meetings_frame(
    pairs: pd.DataFrame,
    pair_id: np.ndarray,
    same_city: np.ndarray,
    anchor: date,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The meetings table (ids in date order) and each pair's first meeting day (OPEN_END: none)."""
    row, day = _meeting_days(pairs, anchor, rng)
    order = np.lexsort((row, day))
    row, day = row[order], day[order]
    count = len(row)
    local = same_city[row]
    formats = np.array(["video", "in_person", "phone", "chat"], dtype=object)
    draw = rng.random(count)
    remote_cut = np.array([0.75, 0.80, 0.88])
    local_cut = np.array([0.45, 0.85, 0.90])
    cuts = np.where(local[:, None], local_cut, remote_cut)
    meeting_format = formats[(draw[:, None] >= cuts).sum(axis=1)]
    duration = rng.choice([30, 35, 40, 45, 50, 60], size=count, p=[0.3, 0.05, 0.1, 0.3, 0.05, 0.2])
    focus = pairs["focus"].to_numpy()[row]
    topics = _topic_pools(rng)[focus, rng.integers(0, TOPIC_COMBOS_PER_CATEGORY, count)]
    topics[rng.random(count) < 0.08] = None
    unrecorded = rng.random(count) < 0.02
    meeting_format[unrecorded] = None
    frame = _frame(
        "meetings",
        {
            "meeting_id": _ids("M", count, 7),
            "pair_id": pair_id[row],
            "held_on": _dates(day, anchor),
            "duration_minutes": _nullable(duration, rng.random(count) < 0.02),
            "format": meeting_format,
            "topics": topics,
        },
    )
    first_meeting = np.full(len(pairs), OPEN_END)
    np.minimum.at(first_meeting, row, day)
    return frame, first_meeting


def _goals_frame(
    pairs: pd.DataFrame,
    pair_id: np.ndarray,
    first_meeting: np.ndarray,
    anchor: date,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """2–4 goals per pair that has met, agreed early on; their status follows the pair's fate."""
    has_met = first_meeting < OPEN_END
    per_pair = np.where(has_met, _uniform_int(rng, 2, 4, len(pairs)), 0)
    row = np.repeat(np.arange(len(pairs)), per_pair)
    count = len(row)
    outcome = pairs["outcome"].to_numpy()[row]
    quality = pairs["quality"].to_numpy()[row]
    until = pairs["active_until"].to_numpy()[row]
    focus = pairs["focus"].to_numpy()[row]
    category = np.where(rng.random(count) < 0.5, focus, rng.integers(0, len(CATEGORIES), count))
    created = np.minimum(first_meeting[row] + _uniform_int(rng, 0, 14, count), until)
    due = created + rng.choice([30, 45, 60, 90, 120], size=count)
    elapsed = np.clip((until - created) / (due - created), 0, 1.5)

    chance_done = np.where(
        outcome == COMPLETED,
        0.45 + 0.5 * quality,
        np.minimum(1.1 * quality * np.minimum(elapsed, 1) ** 0.8, 0.97),
    )
    done = rng.random(count) < chance_done
    chance_dropped = np.select(
        [outcome == ENDED_EARLY, outcome == COMPLETED, outcome == PAUSED, outcome == STALLED],
        [0.7, 0.75, 0.15, 0.12],
        default=0.04,
    )
    dropped = ~done & (rng.random(count) < chance_dropped)
    barely_begun = (elapsed < 0.25) | (outcome == STALLED)
    not_started = ~done & ~dropped & barely_begun & (rng.random(count) < 0.6)
    status = np.select(
        [done, dropped, not_started], ["done", "dropped", "not_started"], default="in_progress"
    ).astype(object)

    finish_by = np.minimum(due + 14, until)
    completed = created + np.rint(rng.uniform(0.35, 1.0, count) * (finish_by - created))
    progress = np.select(
        [done, not_started, dropped],
        [np.full(count, 100), np.zeros(count), 5 * _uniform_int(rng, 0, 10, count)],
        default=np.clip(
            5 * np.rint(20 * np.minimum(elapsed, 1) * rng.uniform(0.4, 0.9, count)), 10, 90
        ),
    )
    titles = np.empty(count, dtype=object)
    for c, name in enumerate(CATEGORIES):
        members = np.flatnonzero(category == c)
        options = np.array(GOAL_TITLES[name], dtype=object)
        titles[members] = options[rng.integers(0, len(options), len(members))]
    order = np.lexsort((row, created))
    columns = {
        "goal_id": _ids("G", count, 6),
        "pair_id": pair_id[row][order],
        "title": titles[order],
        "category": np.array(CATEGORIES, dtype=object)[category][order],
        "created_on": _dates(created[order], anchor),
        "due_on": _dates(due[order], anchor),
        "completed_on": _dates(completed.astype(np.int64)[order], anchor, missing=~done[order]),
        "status": status[order],
        "progress_pct": _nullable(
            progress.astype(np.int64)[order], (dropped & (rng.random(count) < 0.5))[order]
        ),
    }
    return _frame("goals", columns)
