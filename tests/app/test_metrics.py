"""The metric definitions of docs/metrics.md, pinned on small hand-computed programs."""

import math
from datetime import date

import pandas as pd
import pytest

from app import metrics
from app.health import AT_RISK, HEALTHY, TOO_EARLY, WATCH, pair_health_from_rows

AS_OF = date(2026, 6, 30)


def _days_before(days: int) -> pd.Timestamp:
    return pd.Timestamp(AS_OF) - pd.Timedelta(days=days)


def _pairs(rows: list[dict]) -> pd.DataFrame:
    defaults = {
        "cohort_id": "C",
        "mentor_id": "M",
        "mentee_id": "E",
        "ended_on": pd.NaT,
        "status": "active",
        "target_cadence_days": None,
    }
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    frame["ended_on"] = pd.to_datetime(frame["ended_on"])
    return frame


def _meetings(rows: list[tuple[str, pd.Timestamp]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["pair_id", "held_on"]).astype({"held_on": "datetime64[ns]"})


def _stats(pairs: pd.DataFrame, meetings: pd.DataFrame) -> pd.DataFrame:
    return metrics.meeting_stats(metrics.pairs_as_of(pairs, as_of=AS_OF), meetings, as_of=AS_OF)


COHORTS = pd.DataFrame({"cohort_id": ["C", "K"], "target_cadence_days": [14, 30]})

# The examples of docs/metrics.md (`stalled`), at cadence 14 unless the cohort is K (cadence 30).
STALLED_EXAMPLES = _pairs(
    [
        {"pair_id": "met-45-days-ago", "started_on": _days_before(200)},
        {"pair_id": "met-20-days-ago", "started_on": _days_before(200)},
        {"pair_id": "started-7-days-ago", "started_on": _days_before(7)},
        {"pair_id": "started-40-days-ago", "started_on": _days_before(40)},
        {"pair_id": "cadence-30-met-45-ago", "cohort_id": "K", "started_on": _days_before(200)},
        {
            "pair_id": "completed-long-silent",
            "started_on": _days_before(200),
            "ended_on": _days_before(100),
            "status": "completed",
        },
        {"pair_id": "paused-long-silent", "started_on": _days_before(200), "status": "paused"},
    ]
)
STALLED_MEETINGS = _meetings(
    [
        ("met-45-days-ago", _days_before(45)),
        ("met-20-days-ago", _days_before(20)),
        ("cadence-30-met-45-ago", _days_before(45)),
        ("completed-long-silent", _days_before(150)),
    ]
)


def test_stalled_follows_the_examples_of_the_docs() -> None:
    stalled = metrics.stalled(
        STALLED_EXAMPLES, _stats(STALLED_EXAMPLES, STALLED_MEETINGS), COHORTS, as_of=AS_OF
    )
    assert stalled.to_dict() == {
        "met-45-days-ago": True,
        "met-20-days-ago": False,
        "started-7-days-ago": False,
        "started-40-days-ago": True,
        "cadence-30-met-45-ago": False,
        "completed-long-silent": False,
        "paused-long-silent": False,
    }


def test_the_stall_factor_is_a_setting() -> None:
    # At factor 3 the limit at cadence 14 is 42 days: 45 still stalls, 40 no longer does.
    stats = _stats(STALLED_EXAMPLES, STALLED_MEETINGS)
    stalled = metrics.stalled(STALLED_EXAMPLES, stats, COHORTS, as_of=AS_OF, stall_factor=3.0)
    assert stalled["met-45-days-ago"] and not stalled["started-40-days-ago"]


def test_target_cadence_is_the_pairs_then_the_cohorts_then_14() -> None:
    pairs = _pairs(
        [
            {"pair_id": "own", "started_on": _days_before(10), "target_cadence_days": 7},
            {"pair_id": "cohort", "cohort_id": "K", "started_on": _days_before(10)},
            {"pair_id": "default", "cohort_id": "unknown", "started_on": _days_before(10)},
        ]
    )
    assert metrics.target_cadence_days(pairs, COHORTS).to_dict() == {
        "own": 7.0,
        "cohort": 30.0,
        "default": 14.0,
    }


def test_cadence_adherence_over_the_trailing_90_days_capped_at_one() -> None:
    pairs = _pairs(
        [
            {"pair_id": "weekly-fortnightly", "started_on": _days_before(300)},
            {"pair_id": "one-in-90", "started_on": _days_before(300)},
            {"pair_id": "new-28-days", "started_on": _days_before(28)},
        ]
    )
    weekly = [("weekly-fortnightly", _days_before(days)) for days in range(0, 90, 7)]
    meetings = _meetings(
        [*weekly, ("one-in-90", _days_before(10)), ("one-in-90", _days_before(120))]
        + [("new-28-days", _days_before(20))]
    )
    adherence = metrics.cadence_adherence(pairs, _stats(pairs, meetings), COHORTS, as_of=AS_OF)
    # 13 weekly meetings where 90 / 14 = 6.43 were expected: capped at 1.
    assert adherence["weekly-fortnightly"] == 1.0
    # 1 held (the one 120 days ago is outside the window) ÷ 6.43 expected = 0.1556.
    assert adherence["one-in-90"] == pytest.approx(14 / 90)
    # Since start: 28 days → 2 expected, 1 held.
    assert adherence["new-28-days"] == pytest.approx(0.5)


def test_goal_completion_and_overdue() -> None:
    goals = pd.DataFrame(
        {
            "pair_id": ["p"] * 5,
            "status": ["done", "done", "in_progress", "not_started", "dropped"],
            "due_on": pd.to_datetime(
                ["2026-05-01", None, "2026-06-01", "2026-07-15", "2026-01-01"]
            ),
            "created_on": pd.to_datetime(["2026-01-01"] * 5),
            "completed_on": pd.to_datetime(["2026-04-01", "2026-08-01", None, None, None]),
        }
    )
    as_of = metrics.goals_as_of(goals, as_of=AS_OF)
    # On 30 June the second goal was not done yet (completed 1 August): 1 done of 4 not dropped.
    assert metrics.goal_completion(as_of) == pytest.approx(1 / 4)
    assert metrics.goal_completion(goals) == pytest.approx(2 / 4)
    # Overdue: due before 30 June and neither done nor dropped → only the 1 June goal.
    assert metrics.overdue(as_of, as_of=AS_OF).tolist() == [False, False, True, False, False]


def test_nps_is_promoters_minus_detractors() -> None:
    # 3 promoters (9, 10, 10), 2 passives (7, 8), 5 detractors (0–6) out of 10: 30 % − 50 %.
    scores = pd.Series([9, 10, 10, 7, 8, 0, 3, 5, 6, 6])
    assert metrics.net_promoter_score(scores) == pytest.approx(-20.0)
    assert metrics.net_promoter_score(pd.Series([10, 9])) == 100.0
    assert pd.isna(metrics.net_promoter_score(pd.Series([], dtype=float)))


def test_skill_uplift_counts_only_mentees_who_answered_both() -> None:
    participants = pd.DataFrame(
        {"participant_id": ["a", "b", "c", "m"], "role": ["mentee", "mentee", "mentee", "mentor"]}
    )
    surveys = pd.DataFrame(
        {
            "participant_id": ["a", "a", "b", "b", "c", "m", "m"],
            "kind": ["baseline", "exit", "baseline", "exit", "baseline", "baseline", "exit"],
            "digital_confidence": [2, 4, 1, 4, 1, 5, 1],
            "submitted_on": pd.to_datetime(["2026-01-01", "2026-06-01"] * 3 + ["2026-06-01"]),
        }
    )
    # a: 2 → 4, b: 1 → 4; c has no exit, m is a mentor. (4 + 4) / 2 − (2 + 1) / 2 = 2.5.
    assert metrics.skill_uplift(surveys, participants) == pytest.approx(2.5)


def test_match_rate_and_retention() -> None:
    participants = pd.DataFrame(
        {
            "participant_id": ["m1", "e1", "m2", "e2", "gone"],
            "joined_on": pd.to_datetime(
                ["2025-01-01", "2025-01-01", "2026-01-01", None, "2025-01-01"]
            ),
            "left_on": pd.to_datetime([None, None, None, None, "2026-03-01"]),
        }
    )
    pairs = _pairs(
        [{"pair_id": "p", "mentor_id": "m1", "mentee_id": "e1", "started_on": _days_before(60)}]
    )
    # Enrolled on 30 June: m1, e1, m2, e2 (gone left in March); m1 and e1 are matched: 2 / 4.
    assert metrics.match_rate(participants, pairs, as_of=AS_OF) == pytest.approx(0.5)
    # Enrolled on 30 June 2025: m1, e1, gone and e2 (no join date); gone left before: 3 / 4.
    assert metrics.retention(participants, as_of=AS_OF) == pytest.approx(0.75)


def test_pair_health_bands_and_reasons() -> None:
    pairs = _pairs(
        [
            {"pair_id": "steady", "started_on": _days_before(120)},
            {"pair_id": "stalled", "started_on": _days_before(120)},
            {"pair_id": "young", "started_on": _days_before(5)},
            {"pair_id": "unhappy", "started_on": _days_before(120)},
        ]
    )
    steady = [("steady", _days_before(days)) for days in range(0, 120, 14)]
    unhappy = [("unhappy", _days_before(days)) for days in range(30, 120, 14)]
    meetings = _meetings([*steady, *unhappy, ("stalled", _days_before(50))])
    goals = pd.DataFrame(
        {
            "pair_id": ["steady", "unhappy"],
            "status": ["done", "in_progress"],
            "progress_pct": [100, 10],
            "created_on": pd.to_datetime(["2026-03-01"] * 2),
            "due_on": pd.to_datetime(["2026-06-01", "2026-05-01"]),
            "completed_on": pd.to_datetime(["2026-05-20", None]),
        }
    )
    surveys = pd.DataFrame(
        {
            "participant_id": ["E", "E"],
            "pair_id": ["steady", "unhappy"],
            "submitted_on": pd.to_datetime(["2026-06-01"] * 2),
            "satisfaction": [5, 1],
            "relationship_quality": [5, 2],
        }
    )
    health = pair_health_from_rows(
        pairs, _stats(pairs, meetings), goals, surveys, COHORTS, as_of=AS_OF
    )
    assert health["band"].to_dict() == {
        "steady": HEALTHY,
        "stalled": AT_RISK,
        "young": TOO_EARLY,
        "unhappy": AT_RISK,
    }
    assert health.loc["steady", "health_score"] == 100.0
    assert health.loc["stalled", "reasons"].startswith("no meeting for 50 days; target every 14")
    assert "1 goal overdue" in health.loc["unhappy", "reasons"]
    assert "mentee satisfaction 1/5" in health.loc["unhappy", "reasons"]
    assert health.loc["young", "band"] == TOO_EARLY
    assert WATCH not in health["band"].tolist()


@pytest.mark.parametrize("reverse", [False, True])
def test_two_answers_on_the_latest_day_count_the_lower_whatever_their_order(reverse) -> None:
    """Sentiment is each person's latest answer; on a day with two, the lower one counts, so the
    score never depends on the order the rows come in (it did, with an unstable sort)."""
    pairs = _pairs([{"pair_id": "p", "started_on": _days_before(120)}])
    rows = [
        ("E", _days_before(40), 5, 5),
        ("E", _days_before(10), 4, 2),
        ("E", _days_before(10), 1, 3),
        ("E", _days_before(10), 3, None),
        ("M", _days_before(10), 4, 4),
        ("E", _days_before(-1), 5, 5),  # after the as-of date: never counts
    ]
    surveys = pd.DataFrame(
        rows[::-1] if reverse else rows,
        columns=["participant_id", "submitted_on", "satisfaction", "relationship_quality"],
    ).assign(pair_id="p")
    no_goals = pd.DataFrame({"pair_id": [], "status": [], "progress_pct": []}).assign(
        **{
            day: pd.Series(dtype="datetime64[ns]")
            for day in ("created_on", "due_on", "completed_on")
        }
    )
    health = pair_health_from_rows(
        pairs, _stats(pairs, _meetings([])), no_goals, surveys, COHORTS, as_of=AS_OF
    )
    assert health.loc["p", "mentee_satisfaction"] == 1
    assert health.loc["p", "mentee_relationship_quality"] == 2
    assert health.loc["p", "mentor_satisfaction"] == 4
    assert "mentee satisfaction 1/5; mentee relationship quality 2/5" in health.loc["p", "reasons"]


def test_meetings_per_pair_per_month() -> None:
    pairs = _pairs(
        [
            {"pair_id": "a", "started_on": pd.Timestamp("2026-04-10")},
            {
                "pair_id": "b",
                "started_on": pd.Timestamp("2026-05-02"),
                "ended_on": pd.Timestamp("2026-05-20"),
                "status": "ended_early",
            },
            {"pair_id": "later", "started_on": pd.Timestamp("2026-07-01")},
        ]
    )
    meetings = _meetings(
        [
            ("a", pd.Timestamp("2026-04-12")),
            ("a", pd.Timestamp("2026-05-01")),
            ("b", pd.Timestamp("2026-05-03")),
            ("b", pd.Timestamp("2026-05-17")),
            ("a", pd.Timestamp("2026-06-29")),
            ("a", pd.Timestamp("2026-07-02")),  # after the as-of date
        ]
    )
    table = metrics.meetings_per_pair_per_month(pairs, meetings, as_of=AS_OF)
    # April: a alone, 1 meeting → 1.0. May: a and b running, 3 meetings → 1.5.
    # June: b ended in May, a met once → 1.0. The pair starting in July does not exist yet.
    assert table["month"].astype(str).tolist() == ["2026-04", "2026-05", "2026-06"]
    assert table["meetings"].tolist() == [1, 3, 1]
    assert table["pairs"].tolist() == [1, 2, 1]
    assert table["meetings_per_pair"].tolist() == [1.0, 1.5, 1.0]


def test_the_nps_from_counts_is_the_nps_of_the_answers() -> None:
    answers = pd.Series([9, 10, 10, 7, 8, 0, 3, 5, 6, 6], dtype=float)
    assert metrics.nps_from_counts(3, 5, 10) == metrics.net_promoter_score(answers) == -20.0
    assert math.isnan(metrics.nps_from_counts(0, 0, 0))
