"""Properties of pair health that must hold for any program (hypothesis)."""

from datetime import date, timedelta

import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app import metrics
from app.health import HEALTHY, pair_health_from_rows

AS_OF = date(2026, 6, 30)
COHORTS = pd.DataFrame({"cohort_id": ["C"], "target_cadence_days": [14]})


@st.composite
def programs(draw: st.DrawFn) -> dict[str, pd.DataFrame]:
    """A random program of up to 6 pairs with meetings, goals and answers around AS_OF."""
    count = draw(st.integers(1, 6))
    pairs, meetings, goals, surveys = [], [], [], []
    for index in range(count):
        pair_id = f"PR{index}"
        started = AS_OF - timedelta(days=draw(st.integers(0, 400)))
        status = draw(st.sampled_from(["active", "active", "active", "paused", "completed"]))
        ended = None
        if status == "completed":
            ended = started + timedelta(days=draw(st.integers(0, 500)))
        pairs.append(
            {
                "pair_id": pair_id,
                "cohort_id": "C",
                "mentor_id": f"M{index}",
                "mentee_id": f"E{index}",
                "started_on": started,
                "ended_on": ended,
                "status": status,
                "target_cadence_days": draw(st.sampled_from([None, 7, 14, 30])),
            }
        )
        for offset in draw(st.lists(st.integers(0, 500), max_size=12)):
            meetings.append({"pair_id": pair_id, "held_on": started + timedelta(days=offset)})
        for _ in range(draw(st.integers(0, 3))):
            created = started + timedelta(days=draw(st.integers(0, 300)))
            done = draw(st.booleans())
            goals.append(
                {
                    "pair_id": pair_id,
                    "status": draw(
                        st.sampled_from(["done", "in_progress", "not_started", "dropped"])
                    ),
                    "progress_pct": draw(st.integers(0, 100)),
                    "created_on": created,
                    "due_on": created + timedelta(days=draw(st.integers(0, 200))),
                    "completed_on": created + timedelta(days=draw(st.integers(0, 200)))
                    if done
                    else None,
                }
            )
        for person in (f"M{index}", f"E{index}"):
            for _ in range(draw(st.integers(0, 2))):
                surveys.append(
                    {
                        "participant_id": person,
                        "pair_id": pair_id,
                        "submitted_on": started + timedelta(days=draw(st.integers(0, 400))),
                        "satisfaction": draw(st.integers(1, 5)),
                        "relationship_quality": draw(st.integers(1, 5)),
                    }
                )
    frames = {
        "pairs": pd.DataFrame(pairs),
        "meetings": pd.DataFrame(meetings, columns=["pair_id", "held_on"]),
        "goals": pd.DataFrame(
            goals,
            columns=["pair_id", "status", "progress_pct", "created_on", "due_on", "completed_on"],
        ),
        "surveys": pd.DataFrame(
            surveys,
            columns=[
                "participant_id",
                "pair_id",
                "submitted_on",
                "satisfaction",
                "relationship_quality",
            ],
        ),
    }
    dates = {
        "pairs": ["started_on", "ended_on"],
        "meetings": ["held_on"],
        "goals": ["created_on", "due_on", "completed_on"],
        "surveys": ["submitted_on"],
    }
    return {name: metrics.as_timestamps(frame, dates[name]) for name, frame in frames.items()}


def _health(program: dict[str, pd.DataFrame], as_of: date = AS_OF) -> pd.DataFrame:
    pairs = metrics.pairs_as_of(program["pairs"], as_of=as_of)
    stats = metrics.meeting_stats(pairs, program["meetings"], as_of=as_of)
    return pair_health_from_rows(
        program["pairs"], stats, program["goals"], program["surveys"], COHORTS, as_of=as_of
    )


@settings(max_examples=60, deadline=None)
@given(programs())
def test_a_stalled_pair_is_never_healthy(program: dict[str, pd.DataFrame]) -> None:
    health = _health(program)
    assert not (health["stalled"] & (health["band"] == HEALTHY)).any()
    assert (health.loc[health["stalled"], "health_score"].dropna() < 70).all()


@settings(max_examples=60, deadline=None)
@given(programs(), st.integers(1, 200), st.integers(0, 5))
def test_health_never_rises_when_the_last_meeting_moves_back(
    program: dict[str, pd.DataFrame], days_back: int, pick: int
) -> None:
    """For an active pair, moving its last meeting further back never raises its health."""
    before = _health(program)
    active = before.index[before["status"] == "active"]
    meetings = program["meetings"]
    held = meetings[meetings["held_on"] <= pd.Timestamp(AS_OF)]
    candidates = [pair for pair in active if (held["pair_id"] == pair).any()]
    assume(candidates)
    pair_id = candidates[pick % len(candidates)]
    last = held.loc[held["pair_id"] == pair_id, "held_on"].idxmax()
    started = program["pairs"].set_index("pair_id").loc[pair_id, "started_on"]
    moved = max(meetings.loc[last, "held_on"] - pd.Timedelta(days=days_back), started)
    changed_meetings = meetings.copy()
    changed_meetings.loc[last, "held_on"] = moved
    after = _health({**program, "meetings": changed_meetings})
    old, new = before.loc[pair_id, "health_score"], after.loc[pair_id, "health_score"]
    assert new <= old + 1e-9, (pair_id, old, new)


@settings(max_examples=60, deadline=None)
@given(programs(), programs())
def test_nothing_dated_after_the_as_of_date_changes_the_result(
    program: dict[str, pd.DataFrame], later: dict[str, pd.DataFrame]
) -> None:
    """Adding rows dated after AS_OF (meetings, answers, goals created later) changes nothing."""
    day = pd.Timestamp(AS_OF)
    future = {
        "meetings": later["meetings"].assign(held_on=day + pd.Timedelta(days=1)),
        "surveys": later["surveys"].assign(submitted_on=day + pd.Timedelta(days=3)),
        "goals": later["goals"].assign(created_on=day + pd.Timedelta(days=2)),
    }
    for frame in future.values():
        frame["pair_id"] = program["pairs"]["pair_id"].iloc[0]
    with_future = {
        **program,
        **{
            name: pd.concat([program[name], rows], ignore_index=True)
            for name, rows in future.items()
        },
    }
    pd.testing.assert_frame_equal(_health(program), _health(with_future))
