"""The reminder rules' boundaries and "Did the nudge work?", worked out by hand."""

from datetime import date

import pandas as pd
import pytest

from app.reminders import (
    CADENCE,
    FIRST_MEETING,
    PULSE,
    STALLED,
    ReminderSettings,
    due_pair_rules,
    not_nudged,
    nudge_effect,
    stall_episodes,
)

AS_OF = date(2026, 6, 30)


def _health(**pairs) -> pd.DataFrame:
    """One active pair per keyword: (days_since_start, days_since_last_meeting or None)."""
    rows = []
    for pair_id, (started, met) in pairs.items():
        rows.append(
            {
                "pair_id": pair_id,
                "status": "active",
                "days_since_start": started,
                "days_since_last_meeting": started if met is None else met,
                "last_meeting_on": pd.NaT
                if met is None
                else pd.Timestamp(AS_OF) - pd.Timedelta(days=met),
                "cadence_days": 14,
                "stalled": (started if met is None else met) > 42,
            }
        )
    return pd.DataFrame(rows).set_index("pair_id")


def _due(health: pd.DataFrame, **settings) -> set[tuple[str, str]]:
    pairs = pd.DataFrame({"pair_id": health.index, "ended_on": pd.NaT})
    latest = pd.DataFrame(
        columns=["action", "snoozed_until", "created_at"],
        index=pd.Index([], name="pair_id"),
    ).astype({"created_at": "datetime64[ns, UTC]", "snoozed_until": "datetime64[ns]"})
    due = due_pair_rules(health, pairs, latest, as_of=AS_OF, settings=ReminderSettings(**settings))
    return set(zip(due["pair_id"], due["rule"], strict=True))


@pytest.mark.parametrize("days", [6, 7, 8])
def test_no_first_meeting_is_due_from_exactly_n_days(days: int) -> None:
    due = _due(_health(P=(days, None)), first_meeting_days=7)
    assert (("P", FIRST_MEETING) in due) is (days >= 7)


def test_cadence_is_due_one_day_past_the_target_and_stalled_replaces_it() -> None:
    due = _due(_health(ON=(50, 14), PAST=(50, 15), STALL=(100, 43)))
    assert ("ON", CADENCE) not in due
    assert ("PAST", CADENCE) in due and ("PAST", STALLED) not in due
    assert ("STALL", STALLED) in due and ("STALL", CADENCE) not in due


@pytest.mark.parametrize(("days", "due_now"), [(59, False), (60, True), (61, True)])
def test_the_pulse_survey_is_due_every_n_days(days: int, due_now: bool) -> None:
    assert (("P", PULSE) in _due(_health(P=(days, 3)), pulse_every_days=60)) is due_now


def test_stall_episodes_and_the_nudge_effect() -> None:
    pairs = pd.DataFrame(
        {
            "pair_id": ["A", "B"],
            "cohort_id": "C",
            "started_on": pd.to_datetime(["2026-01-01", "2026-01-01"]),
            "target_cadence_days": [10, 10],
        }
    )
    cohorts = pd.DataFrame({"cohort_id": ["C"], "target_cadence_days": [10]})
    # stall limit 3 × 10 = 30 days: A meets on 1 Jan + 40 days (stalled on day 31 = 1 Feb),
    # B never meets (stalled on 1 Feb and still is)
    meetings = pd.DataFrame({"pair_id": ["A"], "held_on": pd.to_datetime(["2026-02-10"])})
    episodes = stall_episodes(pairs, meetings, cohorts, as_of=AS_OF, stall_factor=3.0)
    assert sorted(
        zip(episodes["pair_id"], episodes["day"].dt.date, episodes["period"], strict=True)
    ) == [
        ("A", date(2026, 2, 1), "after-start"),
        ("A", date(2026, 3, 13), "after-2026-02-10"),  # 10 Feb + 31 days
        ("B", date(2026, 2, 1), "after-start"),
    ]
    nudges = pd.DataFrame({"rule": [STALLED], "pair_id": ["A"], "created_on": [date(2026, 2, 2)]})
    control = not_nudged(episodes, nudges)
    assert sorted(zip(control["pair_id"], control["day"].dt.date, strict=True)) == [
        ("A", date(2026, 3, 13)),
        ("B", date(2026, 2, 1)),
    ]
    effect = nudge_effect(nudges, meetings, control, as_of=AS_OF)
    # A met 8 days after its nudge; neither episode without a nudge was followed by a meeting
    assert effect == {
        "nudged": 1,
        "nudged_share": 1.0,
        "not_nudged": 2,
        "not_nudged_share": 0.0,
    }
