"""The matching engine: optimal proposals (checked against brute force), honest reasons, clear
refusals, the pool and the comparison."""

import itertools
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from app.matching.compare import compare
from app.matching.pool import pool_from_program, propose_for_pool
from app.matching.scoring import clock_difference_hours, on_focus, score_matrix
from app.matching.settings import MatchingError, MatchSettings
from app.matching.solver import propose_pairs

AS_OF = date(2025, 6, 1)  # summer time: London UTC+1, Berlin UTC+2, New York UTC−4
ALL_OFF = {"mentor_junior": False, "different_department": False, "no_repeat": False}


def person(pid: str, **columns) -> dict:
    return {"participant_id": pid, "name": f"Name {pid}", **columns}


# --- Hand-made fixture, scores worked out by hand -------------------------------------------------
@pytest.fixture
def hand_pool() -> tuple[pd.DataFrame, pd.DataFrame]:
    mentees = pd.DataFrame(
        [
            person("E1", job_level=8, department="Finance", birth_year=1965, location="London",
                   timezone="Europe/London", skills_wanted="Python; SQL; data analytics"),
            person("E2", job_level=7, department="Sales", birth_year=1960, location="Berlin",
                   timezone="Europe/Berlin", skills_wanted="social media"),
            person("E3", job_level=2, department="HR", birth_year=1970, location="Paris",
                   timezone="Europe/Paris", skills_wanted="AI"),
        ]
    )  # fmt: skip
    mentors = pd.DataFrame(
        [
            person("M1", job_level=2, department="Sales", birth_year=1999, location="Berlin",
                   timezone="Europe/Berlin", skills_offered="python;data analytics", capacity=1),
            person("M2", job_level=3, department="Finance", birth_year=1990, location="New York",
                   timezone="America/New_York", skills_offered="social media; sql", capacity=1),
            person("M3", job_level=9, department="Ops", birth_year=2001, location="Lisbon",
                   timezone="Europe/Lisbon", skills_offered="AI", capacity=1),
        ]
    )  # fmt: skip
    return mentors, mentees


def test_hand_made_pool_gives_the_pairs_scores_and_reasons_worked_out_by_hand(hand_pool) -> None:
    mentors, mentees = hand_pool
    matrix = score_matrix(mentors, mentees, focus_area="data analytics", as_of=AS_OF)
    proposal = propose_pairs(matrix)
    # Default weights: skills 5, generation 2, location 1, time zone 2, focus 3 (sum 13).
    # E1–M1: skills 2/3 (Python, data analytics of Python, SQL, data analytics); Gen X vs Gen Z
    # = 2 bands → 2/3; London vs Berlin → 1; 1 h apart → 1 − 1/12 = 11/12; both on data
    # analytics → 1. (5·2/3 + 2·2/3 + 1 + 2·11/12 + 3) / 13 = 10.5 / 13 → 80.77.
    # E2–M2: skills 1/1; Boomer vs Millennial → 2/3; Berlin vs New York → 1; 6 h → 0.5; nothing
    # on the focus → 0. (5 + 4/3 + 1 + 1 + 0) / 13 = 8.333 / 13 → 64.10.
    # E1–M2 and E2–M1 share a department; E3 (level 2) and M3 (level 9) fit nobody.
    pairs = proposal.pairs
    assert list(zip(pairs["mentor_id"], pairs["mentee_id"], strict=True)) == [
        ("M1", "E1"),
        ("M2", "E2"),
    ]
    assert pairs["score"].tolist() == [80.8, 64.1]
    assert pairs["reasons"].tolist() == [
        "skills: 2 of 3 wanted (Python; data analytics); 2 generations apart; different "
        "location; time zones 1 h apart; focus: both on data analytics",
        "skills: 1 of 1 wanted (social media); 2 generations apart; different location; "
        "time zones 6 h apart; focus: nothing on the cohort's focus area",
    ]
    assert pairs["predicted_band"].tolist() == ["Healthy", "Watch"]
    figures = proposal.figures
    assert figures.matched == 2 and figures.mentees == 3
    assert figures.coverage == pytest.approx(2 / 3)
    assert figures.total_score == pytest.approx(100 * (10.5 + 25 / 3) / 13, abs=1e-3)
    assert figures.minimum_score == pytest.approx(100 * (25 / 3) / 13, abs=1e-3)
    assert figures.predicted_band == "Healthy"  # mean 72.4 ≥ 70
    assert proposal.unmatched_mentees.to_dict("records") == [
        {
            "mentee_id": "E3",
            "mentee_name": "Name E3",
            "reason": "no allowed mentor: every mentor is at the same or a higher job level",
        }
    ]
    assert proposal.unused_mentors.to_dict("records") == [
        {
            "mentor_id": "M3",
            "mentor_name": "Name M3",
            "free_places": 1,
            "reason": "no allowed mentee: every mentee is at the same or a lower job level",
        }
    ]


def test_score_matrix_marks_what_each_constraint_rules_out(hand_pool) -> None:
    mentors, mentees = hand_pool
    matrix = score_matrix(mentors, mentees, focus_area="data analytics", as_of=AS_OF)
    allowed = pd.DataFrame(matrix.allowed, index=matrix.mentee_ids, columns=matrix.mentor_ids)
    assert allowed.to_dict("index") == {
        "E1": {"M1": True, "M2": False, "M3": False},
        "E2": {"M1": False, "M2": True, "M3": False},
        "E3": {"M1": False, "M2": False, "M3": False},
    }
    relaxed = score_matrix(
        mentors, mentees, settings=MatchSettings(**ALL_OFF), focus_area="x", as_of=AS_OF
    )
    assert relaxed.allowed.all()
    frame = matrix.frame()
    assert frame.loc["E1", "M1"] == pytest.approx(100 * 10.5 / 13, abs=1e-3)
    assert np.isnan(frame.loc["E1", "M2"])


def test_unmatched_reasons_name_the_rule_or_the_competition() -> None:
    mentors = pd.DataFrame(
        [person("M1", job_level=1, department="IT", skills_offered="AI", capacity=1)]
    )
    mentees = pd.DataFrame(
        [
            person("Ea", job_level=5, department="HR", skills_wanted="AI"),
            person("Eb", job_level=5, department="Legal", skills_wanted="golf"),
            person("Ec", job_level=5, department="Sales"),
            person("Ed", job_level=5, department="IT"),
        ]
    )
    history = [("M1", "Ec")]
    proposal = propose_pairs(score_matrix(mentors, mentees, history=history, as_of=AS_OF))
    assert proposal.pairs["mentee_id"].tolist() == ["Ea"]  # wants what M1 offers
    reasons = dict(zip(*proposal.unmatched_mentees[["mentee_id", "reason"]].T.values, strict=True))
    assert reasons == {
        "Eb": "all allowed mentors were needed for others",
        "Ec": "no allowed mentor: every mentor was paired with them before",
        "Ed": "no allowed mentor: every mentor is in the same department",
    }


def test_a_reason_with_several_rules_counts_the_mentors_each_rules_out() -> None:
    mentors = pd.DataFrame(
        [person("M1", job_level=6, department="IT"), person("M2", job_level=1, department="HR")]
    )
    mentees = pd.DataFrame([person("E1", job_level=5, department="HR")])
    mentees_and_someone = pd.concat([mentees, pd.DataFrame([person("E2", job_level=9)])])
    proposal = propose_pairs(score_matrix(mentors, mentees_and_someone, as_of=AS_OF))
    assert proposal.unmatched_mentees["reason"].tolist() == [
        "no allowed mentor: 1 at the same or a higher job level, 1 in the same department"
    ]


def test_unknown_level_and_department_are_allowed_and_said_so() -> None:
    mentors = pd.DataFrame([person("M1", skills_offered="AI")])
    mentees = pd.DataFrame([person("E1", job_level=7, skills_wanted="AI")])
    weights = {"skills": 1, "generation": 0, "location": 0, "timezone": 0, "focus": 0}
    proposal = propose_pairs(
        score_matrix(mentors, mentees, settings=MatchSettings(weights=weights), as_of=AS_OF)
    )
    assert proposal.pairs["reasons"].tolist() == [
        "skills: 1 of 1 wanted (AI); job level unknown (allowed); department unknown (allowed)"
    ]
    assert proposal.pairs["score"].tolist() == [100.0]


def test_a_criterion_nobody_can_measure_is_left_out_and_the_rest_reweighted() -> None:
    # E1 lists no wanted skills: the pair is scored on location alone (different → 100).
    mentors = pd.DataFrame([person("M1", location="Oslo", skills_offered="AI")])
    mentees = pd.DataFrame([person("E1", location="Rome")])
    weights = {"skills": 9, "generation": 0, "location": 1, "timezone": 0, "focus": 0}
    matrix = score_matrix(
        mentors, mentees, settings=MatchSettings(weights=weights, **ALL_OFF), as_of=AS_OF
    )
    assert matrix.scores[0, 0] == pytest.approx(100.0)
    reasons = propose_pairs(matrix).pairs["reasons"].iloc[0]
    assert reasons == "skills: mentee wants none listed; different location"


def test_time_zones_are_compared_on_the_clock_and_the_limit_is_a_hard_rule() -> None:
    assert clock_difference_hours(np.array([13.0]), np.array([-11.0]))[0] == 0.0
    assert clock_difference_hours(np.array([14.0]), np.array([-12.0]))[0] == 2.0
    mentors = pd.DataFrame([person("M1", timezone="America/New_York")])
    mentees = pd.DataFrame([person("E1", timezone="Europe/Berlin")])
    near = MatchSettings(max_timezone_hours=6, **ALL_OFF)
    far = MatchSettings(max_timezone_hours=5, **ALL_OFF)
    assert score_matrix(mentors, mentees, settings=near, as_of=AS_OF).allowed.all()
    with pytest.raises(MatchingError, match="time zone is too far"):
        propose_pairs(score_matrix(mentors, mentees, settings=far, as_of=AS_OF))


def test_focus_terms_cover_skills_word_by_word() -> None:
    assert on_focus("generative AI", "AI")
    assert on_focus("data analytics", "AI; data analytics")
    assert not on_focus("data visualisation", "data analytics")
    assert not on_focus("AI", None)


# --- Degenerate pools -----------------------------------------------------------------------------
def test_a_pool_without_mentors_or_mentees_is_refused_in_one_sentence() -> None:
    one = pd.DataFrame([person("E1", job_level=5)])
    empty = one.iloc[0:0]
    with pytest.raises(MatchingError, match=r"^The pool has no mentors, so no pair can be"):
        score_matrix(empty, one, as_of=AS_OF)
    with pytest.raises(MatchingError, match=r"^The pool has no mentees, so no pair can be"):
        score_matrix(one, empty, as_of=AS_OF)


def test_a_pool_where_everything_is_forbidden_is_refused(hand_pool) -> None:
    mentors, mentees = hand_pool
    every_pair = tuple(itertools.product(mentors["participant_id"], mentees["participant_id"]))
    settings_ = MatchSettings(forbidden=every_pair, **ALL_OFF)
    with pytest.raises(MatchingError, match=r"^No pair is allowed: every pair is forbidden by"):
        propose_pairs(score_matrix(mentors, mentees, settings=settings_, as_of=AS_OF))


def test_a_pool_from_one_department_is_refused_with_the_rule_named() -> None:
    mentors = pd.DataFrame([person("M1", department="IT"), person("M2", department="it ")])
    mentees = pd.DataFrame([person("E1", department="IT")])
    with pytest.raises(MatchingError) as raised:
        propose_pairs(score_matrix(mentors, mentees, as_of=AS_OF))
    assert str(raised.value) == (
        "No pair is allowed: every mentor is in the same department as every mentee."
    )


def test_contradictory_settings_are_refused() -> None:
    with pytest.raises(MatchingError, match="between 0 and 10"):
        MatchSettings(weights={"skills": 11})
    with pytest.raises(MatchingError, match="Unknown criterion"):
        MatchSettings(weights={"charm": 1})
    mentors = pd.DataFrame([person("M1", capacity=1)])
    mentees = pd.DataFrame([person("E1"), person("E2")])
    both = MatchSettings(locked=(("M1", "E1"),), forbidden=(("M1", "E1"),), **ALL_OFF)
    with pytest.raises(MatchingError, match="both locked and forbidden"):
        propose_pairs(score_matrix(mentors, mentees, settings=both, as_of=AS_OF))
    over = MatchSettings(locked=(("M1", "E1"), ("M1", "E2")), **ALL_OFF)
    with pytest.raises(MatchingError, match="locked into 2 pairs but has 1 place"):
        propose_pairs(score_matrix(mentors, mentees, settings=over, as_of=AS_OF))
    stranger = MatchSettings(locked=(("M9", "E1"),), **ALL_OFF)
    with pytest.raises(MatchingError, match="M9 is not a mentor in this pool"):
        propose_pairs(score_matrix(mentors, mentees, settings=stranger, as_of=AS_OF))


def test_settings_survive_a_round_trip_through_json_values() -> None:
    original = MatchSettings(
        max_timezone_hours=4, protect_weakest=True, locked=(("M1", "E1"),), forbidden=(("a", "b"),)
    )
    assert MatchSettings.from_dict(original.to_dict()) == original


# --- Locks, keeping pairs -------------------------------------------------------------------------
def test_a_locked_pair_is_kept_even_against_a_rule_and_uses_a_place() -> None:
    mentors = pd.DataFrame(
        [
            person("M1", department="IT", skills_offered="AI", capacity=1),
            person("M2", department="HR", skills_offered="golf", capacity=1),
        ]
    )
    mentees = pd.DataFrame(
        [person("E1", department="IT", skills_wanted="AI"), person("E2", skills_wanted="AI")]
    )
    settings_ = MatchSettings(locked=(("M1", "E1"),), mentor_junior=False)
    proposal = propose_pairs(score_matrix(mentors, mentees, settings=settings_, as_of=AS_OF))
    pairs = proposal.pairs.set_index("mentee_id")
    assert pairs.loc["E1", "mentor_id"] == "M1" and pairs.loc["E1", "locked"]
    assert pairs.loc["E1", "reasons"].startswith("locked by hand; ")
    assert pairs.loc["E2", "mentor_id"] == "M2"  # M1's only place went to the lock


def test_keep_existing_keeps_todays_pairs_when_the_bonus_outweighs_the_gain() -> None:
    weights = {"skills": 10, "generation": 0, "location": 0, "timezone": 0, "focus": 0}
    mentors = pd.DataFrame([person("M1", skills_offered="a;b;c"), person("M2", skills_offered="c")])
    mentees = pd.DataFrame([person("E1", skills_wanted="a;b"), person("E2", skills_wanted="c;d")])
    # Today M1–E2 (50) and M2–E1 (0) = 50; swapping gives M1–E1 (100) + M2–E2 (50) = 150.
    today = pd.DataFrame({"mentor_id": ["M1", "M2"], "mentee_id": ["E2", "E1"]})

    def mentor_of_e1(**options) -> str:
        settings_ = MatchSettings(weights=weights, **ALL_OFF, **options)
        proposal = propose_pairs(
            score_matrix(mentors, mentees, settings=settings_, as_of=AS_OF), current=today
        )
        return proposal.pairs.set_index("mentee_id").loc["E1", "mentor_id"]

    assert mentor_of_e1() == "M1"
    assert mentor_of_e1(keep_existing=True, keep_existing_bonus=40) == "M1"  # 50+80 < 150
    assert mentor_of_e1(keep_existing=True, keep_existing_bonus=60) == "M2"  # 50+120 > 150


# --- Optimality against brute force (hypothesis) ----------------------------------------------
LEVELS = st.one_of(st.none(), st.integers(1, 10))
DEPARTMENTS = st.sampled_from([None, "IT", "HR"])
YEARS = st.sampled_from([None, 1958, 1972, 1988, 2001])
PLACES = st.sampled_from([None, "Oslo", "Rome"])
ZONES = st.sampled_from([None, "Europe/London", "Asia/Tokyo", "America/New_York"])
SKILLS = st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=3).map(";".join)


@st.composite
def pools(draw, *, max_mentors: int = 4, max_mentees: int = 5):
    def people(prefix: str, count: int, skills_column: str) -> pd.DataFrame:
        return pd.DataFrame(
            [
                person(
                    f"{prefix}{i}",
                    job_level=draw(LEVELS),
                    department=draw(DEPARTMENTS),
                    birth_year=draw(YEARS),
                    location=draw(PLACES),
                    timezone=draw(ZONES),
                    capacity=draw(st.integers(1, 2)),
                    **{skills_column: draw(SKILLS)},
                )
                for i in range(count)
            ]
        )

    mentors = people("M", draw(st.integers(1, max_mentors)), "skills_offered")
    mentees = people("E", draw(st.integers(1, max_mentees)), "skills_wanted")
    pairs = list(itertools.product(mentors["participant_id"], mentees["participant_id"]))
    history = draw(st.lists(st.sampled_from(pairs), max_size=3))
    forbidden = tuple(draw(st.lists(st.sampled_from(pairs), max_size=2)))
    weights = {c: draw(st.integers(0, 10)) for c in ("skills", "generation", "location")}
    settings_ = MatchSettings(
        forbidden=forbidden,
        weights={**weights, "timezone": draw(st.integers(0, 10)), "focus": 5},
        max_timezone_hours=draw(st.sampled_from([None, 3.0, 9.0])),
    )
    return mentors, mentees, history, settings_


def brute_force(scores: np.ndarray, allowed: np.ndarray, capacity: np.ndarray) -> dict:
    """Every assignment of each mentee to a mentor or nobody, within capacity: the best
    (count, total) and the best (count, minimum, total)."""
    n_mentees, n_mentors = scores.shape
    best_total, best_protected = (-1, 0.0), (-1, 0.0, 0.0)
    for choice in itertools.product(range(-1, n_mentors), repeat=n_mentees):
        used = np.bincount([c for c in choice if c >= 0], minlength=n_mentors)
        if (used > capacity).any():
            continue
        cells = [(r, c) for r, c in enumerate(choice) if c >= 0]
        if not all(allowed[r, c] for r, c in cells):
            continue
        values = [float(scores[r, c]) for r, c in cells]
        total = sum(values)
        best_total = max(best_total, (len(cells), total))
        best_protected = max(best_protected, (len(cells), min(values, default=0.0), total))
    return {"total": best_total, "protected": best_protected}


def check_proposal_is_legal(proposal, matrix) -> None:
    mentee_at = {pid: i for i, pid in enumerate(matrix.mentee_ids)}
    mentor_at = {pid: i for i, pid in enumerate(matrix.mentor_ids)}
    pairs = proposal.pairs
    assert pairs["mentee_id"].is_unique
    locked = set(matrix.settings.locked)
    for mentor_id, mentee_id in zip(pairs["mentor_id"], pairs["mentee_id"], strict=True):
        if (mentor_id, mentee_id) in locked:
            continue
        r, c = mentee_at[mentee_id], mentor_at[mentor_id]
        assert matrix.allowed[r, c]
        assert (mentor_id, mentee_id) not in set(matrix.settings.forbidden)
        assert (mentor_id, mentee_id) not in matrix.history
        levels = matrix.mentors.level[c], matrix.mentees.level[r]
        assert np.isnan(levels).any() or levels[0] < levels[1]
        departments = matrix.mentors.department[c], matrix.mentees.department[r]
        assert None in departments or departments[0] != departments[1]
    used = pairs["mentor_id"].value_counts()
    for mentor_id, count in used.items():
        assert count <= matrix.capacity[mentor_at[mentor_id]]


def expanded(matrix) -> np.ndarray:
    return np.repeat(np.arange(len(matrix.mentor_ids)), matrix.capacity)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools())
def test_proposals_are_optimal_legal_and_deterministic(pool) -> None:
    mentors, mentees, history, settings_ = pool
    matrix = score_matrix(mentors, mentees, settings=settings_, history=history, as_of=AS_OF)
    slots = expanded(matrix)
    graph = csr_matrix(matrix.allowed[:, slots])
    most = int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())
    if most == 0:
        with pytest.raises(MatchingError, match="^No pair is allowed"):
            propose_pairs(matrix)
        return
    proposal = propose_pairs(matrix)
    check_proposal_is_legal(proposal, matrix)
    best = brute_force(matrix.scores, matrix.allowed, matrix.capacity)
    assert proposal.figures.matched == most == best["total"][0]
    assert proposal.figures.coverage == pytest.approx(most / len(mentees))
    assert proposal.figures.total_score == pytest.approx(best["total"][1], abs=1e-3)

    protected = propose_pairs(
        score_matrix(
            mentors,
            mentees,
            settings=MatchSettings(**{**settings_.to_dict(), "protect_weakest": True}),
            history=history,
            as_of=AS_OF,
        )
    )
    check_proposal_is_legal(protected, matrix)
    assert protected.figures.matched == most
    assert protected.figures.minimum_score >= proposal.figures.minimum_score - 1e-4
    assert protected.figures.minimum_score == pytest.approx(best["protected"][1], abs=1e-3)
    assert protected.figures.total_score == pytest.approx(best["protected"][2], abs=1e-3)

    shuffled = propose_pairs(
        score_matrix(
            mentors.iloc[::-1],
            mentees.sample(frac=1, random_state=1),
            settings=settings_,
            history=history,
            as_of=AS_OF,
        )
    )
    pd.testing.assert_frame_equal(shuffled.pairs, proposal.pairs)


@settings(max_examples=60, deadline=None)
@given(pools(max_mentors=6, max_mentees=8))
def test_with_every_pair_allowed_the_total_is_the_assignment_optimum(pool) -> None:
    mentors, mentees, _history, settings_ = pool
    open_settings = MatchSettings(weights=settings_.weights, **ALL_OFF)
    matrix = score_matrix(mentors, mentees, settings=open_settings, as_of=AS_OF)
    scores = matrix.scores[:, expanded(matrix)].astype(float)
    rows, cols = linear_sum_assignment(scores, maximize=True)
    proposal = propose_pairs(matrix)
    assert proposal.figures.matched == min(len(mentees), matrix.capacity.sum())
    assert proposal.figures.total_score == pytest.approx(scores[rows, cols].sum(), abs=1e-3)


@settings(max_examples=40, deadline=None)
@given(pools(), st.data())
def test_locked_pairs_are_always_in_the_proposal(pool, data) -> None:
    mentors, mentees, history, settings_ = pool
    mentor = data.draw(st.sampled_from(list(mentors["participant_id"])))
    mentee = data.draw(st.sampled_from(list(mentees["participant_id"])))
    forbidden = tuple(pair for pair in settings_.forbidden if pair != (mentor, mentee))
    locked = MatchSettings(
        **{**settings_.to_dict(), "locked": ((mentor, mentee),), "forbidden": forbidden}
    )
    proposal = propose_pairs(
        score_matrix(mentors, mentees, settings=locked, history=history, as_of=AS_OF)
    )
    assert (mentor, mentee) in set(
        zip(proposal.pairs["mentor_id"], proposal.pairs["mentee_id"], strict=True)
    )
    check_proposal_is_legal(
        proposal, score_matrix(mentors, mentees, settings=locked, history=history, as_of=AS_OF)
    )


# --- The pool and the comparison ------------------------------------------------------------------
@pytest.fixture
def program() -> dict[str, pd.DataFrame]:
    participants = pd.DataFrame(
        [
            person("M1", role="mentor", job_level=2, department="IT", capacity=2,
                   joined_on="2025-01-01", skills_offered="AI", birth_year=1999),
            person("M2", role="mentor", job_level=2, department="IT", capacity=1,
                   joined_on="2025-01-01", skills_offered="AI", birth_year=2000),
            person("M3", role="mentor", job_level=2, department="IT", capacity=1,
                   joined_on="2025-01-01", left_on="2025-05-01"),
            person("E1", role="mentee", job_level=8, department="HR", joined_on="2025-01-01",
                   skills_wanted="AI", birth_year=1965),
            person("E2", role="mentee", job_level=8, department="HR", joined_on="2025-01-01",
                   birth_year=1970),
            person("E3", role="mentee", job_level=8, department="HR", joined_on="2025-07-01"),
            person("E4", role="mentee", job_level=8, department="HR", joined_on="2025-01-01",
                   birth_year=1962),
        ]
    )  # fmt: skip
    pairs = pd.DataFrame(
        [
            {"pair_id": "P1", "cohort_id": "C1", "mentor_id": "M1", "mentee_id": "E1",
             "started_on": "2025-02-01", "ended_on": None, "status": "active"},
            {"pair_id": "P2", "cohort_id": "C1", "mentor_id": "M2", "mentee_id": "E4",
             "started_on": "2025-02-01", "ended_on": "2025-04-01", "status": "completed"},
            {"pair_id": "P3", "cohort_id": "C1", "mentor_id": "M2", "mentee_id": "E2",
             "started_on": "2025-07-01", "ended_on": None, "status": "active"},
        ]
    )  # fmt: skip
    cohorts = pd.DataFrame(
        [{"cohort_id": "C1", "name": "One", "focus_area": "AI"},
         {"cohort_id": "C2", "name": "Two", "focus_area": None}]
    )  # fmt: skip
    return {"participants": participants, "pairs": pairs, "cohorts": cohorts}


def test_the_unmatched_pool_is_who_is_enrolled_and_not_in_an_open_pair(program) -> None:
    pool = pool_from_program(
        program["participants"], program["pairs"], cohorts=program["cohorts"],
        cohort_id="C2", mode="unmatched", as_of=AS_OF,
    )  # fmt: skip
    # M1 has one of two places taken; M3 has left; E1 is paired; E3 joins later; P3 starts later.
    assert pool.mentors.set_index("participant_id")["capacity"].to_dict() == {"M1": 1, "M2": 1}
    assert sorted(pool.mentees["participant_id"]) == ["E2", "E4"]
    assert sorted(zip(pool.history["mentor_id"], pool.history["mentee_id"], strict=True)) == [
        ("M1", "E1"),
        ("M2", "E4"),
    ]
    assert pool.current.empty and pool.focus_area is None
    proposal = propose_for_pool(pool)
    # M2 and E4 were a pair before, so E4 goes to M1 and E2 to M2.
    assert dict(zip(proposal.pairs["mentee_id"], proposal.pairs["mentor_id"], strict=True)) == {
        "E2": "M2",
        "E4": "M1",
    }


def test_the_rematch_pool_is_the_cohorts_open_pairs(program) -> None:
    pool = pool_from_program(
        program["participants"], program["pairs"], cohorts=program["cohorts"],
        cohort_id="C1", mode="rematch", as_of=AS_OF,
    )  # fmt: skip
    assert pool.current["pair_id"].tolist() == ["P1"]
    assert pool.mentors["participant_id"].tolist() == ["M1"]
    assert pool.mentees["participant_id"].tolist() == ["E1"]
    assert pool.history["mentee_id"].tolist() == ["E4"]  # today's pair is not "earlier"
    assert pool.focus_area == "AI"
    proposal = propose_for_pool(pool)
    assert proposal.pairs["kept"].tolist() == [True]


def test_an_unknown_cohort_or_mode_is_refused(program) -> None:
    with pytest.raises(MatchingError, match="There is no cohort 'C9'"):
        pool_from_program(
            program["participants"], program["pairs"], cohorts=program["cohorts"],
            cohort_id="C9", as_of=AS_OF,
        )  # fmt: skip
    with pytest.raises(MatchingError, match="choose unmatched or rematch"):
        pool_from_program(
            program["participants"], program["pairs"], cohorts=program["cohorts"],
            cohort_id="C1", mode="everyone", as_of=AS_OF,
        )  # fmt: skip


def test_compare_sets_pairings_side_by_side(hand_pool) -> None:
    mentors, mentees = hand_pool
    matrix = score_matrix(mentors, mentees, focus_area="data analytics", as_of=AS_OF)
    proposal = propose_pairs(matrix)
    today = pd.DataFrame({"mentor_id": ["M1"], "mentee_id": ["E2"]})  # same department, Sales
    table = compare({"today": today, "proposal": proposal.pairs}, matrix=matrix, today=today)
    assert table.loc["today", "pairs"] == 1
    assert table.loc["today", "cross_department_share"] == 0.0
    assert table.loc["today", "mean_generation_gap_years"] == 39.0  # 1999 − 1960
    assert table.loc["today", "changed_vs_today"] == 0
    row = table.loc["proposal"]
    assert row["coverage"] == pytest.approx(2 / 3)
    assert row["min_score"] == pytest.approx(proposal.figures.minimum_score)
    assert row["mean_score"] == pytest.approx(proposal.figures.mean_score)
    assert row["cross_department_share"] == 1.0
    assert row["mean_generation_gap_years"] == pytest.approx((34 + 30) / 2)  # 1999−1965, 1990−1960
    assert row["changed_vs_today"] == 2
