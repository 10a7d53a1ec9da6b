"""What-if pairing: the screen shows what `app.matching` proposes for the chosen pool and
settings, keeps it across reruns, saves it as a scenario, compares scenarios with today's pairing
and applies one into the store — on the demo program, the fixture program and an empty store."""

import sqlite3
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from streamlit.testing.v1 import AppTest

from app.matching.compare import compare
from app.matching.pool import pool_from_program, pool_matrix, propose_for_pool
from app.matching.settings import MatchSettings
from app.matching.solver import Proposal
from components.what_if_compare import score_histogram
from data_access.db import make_engine
from data_access.models import AuditLog, Pair
from data_access.scenarios import list_scenarios, load_scenario, matching_frames
from tests.screens.conftest import DEMO_AS_OF, FIXTURE_AS_OF, page_text

PAGE = "screens/what_if.py"
DEMO_COHORT = "C03"  # the demo program's most recent cohort: the page's default
START = date(2026, 12, 1)


def _engine_proposal(url: str, cohort_id: str, mode: str, as_of: date, settings: MatchSettings):
    """What app.matching proposes for this pool and these settings, read from the store."""
    engine = make_engine(url)
    frames = matching_frames(engine)
    engine.dispose()
    pool = pool_from_program(
        frames.participants,
        frames.pairs,
        cohorts=frames.cohorts,
        cohort_id=cohort_id,
        mode=mode,
        as_of=as_of,
    )
    return pool, propose_for_pool(pool, settings)


def _propose(at: AppTest) -> AppTest:
    (button,) = [button for button in at.button if button.label == "Propose pairs"]
    return button.click().run()


def _table(at: AppTest, *columns: str) -> pd.DataFrame:
    """The one table on the page with these columns."""
    (table,) = [frame.value for frame in at.dataframe if set(columns) <= set(frame.value)]
    return table


def _shown_pairs(at: AppTest) -> list[tuple[str, str]]:
    table = _table(at, "mentor", "mentee", "score")
    return list(zip(table["mentor"], table["mentee"], strict=True))


def _proposed_pairs(proposal: Proposal) -> list[tuple[str, str]]:
    pairs = proposal.pairs
    return list(zip(pairs["mentor_name"], pairs["mentee_name"], strict=True))


def _has(at: AppTest, key: str) -> bool:
    """Whether the page shows the checkbox `key`."""
    return any(getattr(element, "key", None) == key for element in at.checkbox)


def _figures(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def test_the_demo_program_shows_the_inputs_and_a_prompt(app_on, demo_url) -> None:
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not at.exception
    assert [title.value for title in at.title] == ["What-if pairing"]
    assert at.selectbox(key="link:cohort").value == DEMO_COHORT
    assert at.radio(key="link:pool").value == "unmatched"
    assert at.toggle(key="what_if_mentor_junior").value
    assert at.toggle(key="what_if_different_department").value
    assert at.toggle(key="what_if_no_repeat").value
    assert not at.toggle(key="what_if_limit_timezone").value
    assert [slider.value for slider in at.slider] == [5, 2, 1, 2, 3]
    assert "press **Propose pairs**" in page_text(at)
    assert not at.metric  # nothing is proposed before the button


def test_an_empty_store_says_what_to_do(app_on, sqlite_url) -> None:
    at = app_on(sqlite_url, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not at.exception
    assert "The store holds no program yet" in page_text(at)
    assert "Propose pairs" not in [button.label for button in at.button]
    assert not at.dataframe


def test_propose_save_compare_and_apply_on_the_demo_program(app_on, demo_url) -> None:
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    at.slider(key="what_if_weight_skills").set_value(10)
    at.slider(key="what_if_weight_generation").set_value(0)
    at.checkbox(key="what_if_protect_weakest").check()
    at = _propose(at)
    assert not at.exception

    settings = MatchSettings(
        weights={"skills": 10, "generation": 0, "location": 1, "timezone": 2, "focus": 3},
        protect_weakest=True,
    )
    pool, expected = _engine_proposal(demo_url, DEMO_COHORT, "unmatched", DEMO_AS_OF, settings)
    _pool, default = _engine_proposal(demo_url, DEMO_COHORT, "unmatched", DEMO_AS_OF, None)
    assert _proposed_pairs(expected) != _proposed_pairs(default)  # the settings matter here
    assert _shown_pairs(at) == _proposed_pairs(expected)
    table = _table(at, "mentor", "mentee", "score")
    assert list(table["score"]) == list(expected.pairs["score"])
    assert list(table["reasons"]) == list(expected.pairs["reasons"])
    figures = expected.figures
    assert _figures(at) == {
        "Coverage": f"{figures.coverage:.0%}",
        "Total score": f"{figures.total_score:,.1f}",
        "Mean score": f"{figures.mean_score:.1f}",
        "Minimum score": f"{figures.minimum_score:.1f}",
        "Predicted health band": figures.predicted_band,
    }
    assert "prediction" in page_text(at)

    # The proposal survives a rerun that does not solve again.
    at = at.run()
    assert _shown_pairs(at) == _proposed_pairs(expected)

    at.text_input(key="what_if_scenario_name").input("Skills first")
    at = at.button[[b.label for b in at.button].index("Save as scenario")].click().run()
    assert "Saved scenario “Skills first”" in page_text(at)
    at.text_input(key="what_if_scenario_name").input("Skills first")
    at = at.button[[b.label for b in at.button].index("Save as scenario")].click().run()
    assert "A scenario named 'Skills first' already exists" in at.error[0].value
    engine = make_engine(demo_url)
    (scenario_id,) = list_scenarios(engine)["id"]
    saved = load_scenario(engine, int(scenario_id))
    assert saved.settings == settings.to_dict()
    assert list(zip(saved.pairs["mentor_id"], saved.pairs["mentee_id"], strict=True)) == list(
        zip(expected.pairs["mentor_id"], expected.pairs["mentee_id"], strict=True)
    )

    # The scenario just saved is already set beside today's pairing.
    assert at.multiselect(key="what_if_compare").value == [int(scenario_id)]
    shown = _table(at, "Measure").set_index("Measure")
    assert list(shown.columns) == ["Today's pairing", "“Skills first”"]
    # Scored with the weights in the form, which are still the ones of the proposal.
    figures = compare(
        {"today": pool.current, "saved": saved.pairs},
        matrix=pool_matrix(pool, settings),
        today=pool.current,
    ).loc["saved"]
    column = shown["“Skills first”"]
    assert column["Pairs"] == str(len(expected.pairs))
    assert column["Coverage"] == f"{figures['coverage']:.0%}"
    assert column["Median score"] == f"{figures['median_score']:.1f}"
    assert column["Cross-department share"] == f"{figures['cross_department_share']:.0%}"
    assert column["Pairs changed vs today"] == str(len(expected.pairs))
    assert shown["Today's pairing"]["Pairs"] == "0"  # nobody in the unmatched pool is paired
    assert len(at.get("vega_lite_chart")) == 1
    histogram = score_histogram({"saved": saved.pairs}, pool_matrix(pool, settings))
    assert histogram["pairs"].sum() == len(saved.pairs) and len(histogram) == 10

    with engine.connect() as connection:
        pairs_before = connection.execute(select(func.count()).select_from(Pair)).scalar_one()
    at.date_input(key="what_if_apply_start").set_value(START)
    assert at.button(key="what_if_apply").disabled  # not before the confirmation
    at = at.checkbox(key="what_if_apply_told_0").check().run()
    at = at.button(key="what_if_apply").click().run()
    assert not at.exception
    assert f"wrote {len(expected.pairs)} pairs starting 01 Dec 2026" in page_text(at)

    with engine.connect() as connection:
        new = connection.execute(
            select(Pair.mentor_id, Pair.mentee_id, Pair.cohort_id, Pair.status).where(
                Pair.started_on == START
            )
        ).all()
        pairs_after = connection.execute(select(func.count()).select_from(Pair)).scalar_one()
        audit = connection.execute(
            select(AuditLog.actor, AuditLog.detail).where(AuditLog.action == "apply_scenario")
        ).all()
    assert pairs_after - pairs_before == len(expected.pairs)
    assert sorted((row.mentor_id, row.mentee_id) for row in new) == sorted(
        zip(expected.pairs["mentor_id"], expected.pairs["mentee_id"], strict=True)
    )
    assert {(row.cohort_id, row.status) for row in new} == {(DEMO_COHORT, "active")}
    assert [row.actor for row in audit] == ["Program manager (demo mode)"]
    assert "Skills first" in audit[0].detail

    # Applying the same scenario again is refused by the store, and nothing more is written.
    at = at.checkbox(key="what_if_apply_told_1").check().run()
    at = at.button(key="what_if_apply").click().run()
    assert "was already applied" in at.error[0].value
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Pair)).scalar_one() == (
            pairs_after
        )
    engine.dispose()


def test_rematch_offers_keep_existing_and_shows_the_engines_proposal(app_on, demo_url) -> None:
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    at = at.radio(key="link:pool").set_value("rematch").run()
    assert at.query_params["pool"] in ("rematch", ["rematch"])
    at.checkbox(key="what_if_keep_existing").check()
    at = _propose(at)
    assert not at.exception
    _pool, expected = _engine_proposal(
        demo_url, DEMO_COHORT, "rematch", DEMO_AS_OF, MatchSettings(keep_existing=True)
    )
    assert _shown_pairs(at) == _proposed_pairs(expected)
    assert any(reason.startswith("kept") for reason in _table(at, "mentor", "reasons")["reasons"])


def test_keep_existing_is_only_offered_for_a_rematch(app_on, demo_url) -> None:
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not _has(at, "what_if_keep_existing")
    at = at.radio(key="link:pool").set_value("rematch").run()
    assert _has(at, "what_if_keep_existing")


def test_a_time_zone_limit_is_used_only_while_it_is_on(app_on, demo_url) -> None:
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    at.number_input(key="what_if_max_timezone_hours").set_value(0.0)
    at = _propose(at)
    _pool, default = _engine_proposal(demo_url, DEMO_COHORT, "unmatched", DEMO_AS_OF, None)
    assert _shown_pairs(at) == _proposed_pairs(default)  # the limit is off

    at.toggle(key="what_if_limit_timezone").set_value(True)
    at = _propose(at)
    _pool, limited = _engine_proposal(
        demo_url, DEMO_COHORT, "unmatched", DEMO_AS_OF, MatchSettings(max_timezone_hours=0.0)
    )
    assert _proposed_pairs(limited) != _proposed_pairs(default)
    assert _shown_pairs(at) == _proposed_pairs(limited)


def test_locked_and_forbidden_pairs_steer_the_proposal(app_on, demo_url) -> None:
    pool, default = _engine_proposal(demo_url, DEMO_COHORT, "unmatched", DEMO_AS_OF, None)
    first = default.pairs.iloc[0]
    forbidden = (first["mentor_id"], first["mentee_id"])
    # Lock a pair the rules do not allow: it is proposed all the same, marked as locked.
    matrix = pool_matrix(pool)
    row, col = next(
        (r, c)
        for r in range(len(matrix.mentee_ids))
        for c in range(len(matrix.mentor_ids))
        if not matrix.allowed[r, c] and matrix.mentee_ids[r] != forbidden[1]
    )
    locked = (str(matrix.mentor_ids[col]), str(matrix.mentee_ids[row]))

    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    at.multiselect(key="what_if_forbidden").select("\u2192".join(forbidden))
    at.multiselect(key="what_if_locked").select("\u2192".join(locked))
    at = _propose(at)
    assert not at.exception
    _pool, expected = _engine_proposal(
        demo_url,
        DEMO_COHORT,
        "unmatched",
        DEMO_AS_OF,
        MatchSettings(locked=(locked,), forbidden=(forbidden,)),
    )
    assert _shown_pairs(at) == _proposed_pairs(expected)
    shown = _table(at, "mentor", "mentee", "reasons")
    names = dict(zip(pool.mentors["participant_id"], pool.mentors["name"], strict=True))
    names |= dict(zip(pool.mentees["participant_id"], pool.mentees["name"], strict=True))
    assert (names[forbidden[0]], names[forbidden[1]]) not in _shown_pairs(at)
    locked_rows = shown[shown["reasons"].str.startswith("locked by hand")]
    assert list(zip(locked_rows["mentor"], locked_rows["mentee"], strict=True)) == [
        (names[locked[0]], names[locked[1]])
    ]


def test_a_pool_with_no_allowed_pair_shows_the_engines_sentence(app_on, fixture_url) -> None:
    # On 31 March 2025 the fixture's only waiting mentee, Ben Okafor (U02), and the only
    # mentor with a free place, Ada Lind (U01), were a pair before (P01).
    at = app_on(fixture_url, page=PAGE, as_of=FIXTURE_AS_OF).run()
    assert at.selectbox(key="link:cohort").value == "C2025"
    at = _propose(at)
    assert not at.exception
    assert [warning.value for warning in at.warning] == [
        "No pair is allowed: every mentor has been paired with every mentee before."
    ]
    assert not at.metric
    at = at.run()  # the sentence stays until the next proposal
    assert "every mentor has been paired with every mentee before" in at.warning[0].value

    at.toggle(key="what_if_no_repeat").set_value(False)
    at = _propose(at)
    assert not at.warning
    assert _shown_pairs(at) == [("Ada Lind", "Ben Okafor")]
    assert _figures(at)["Coverage"] == "100%"


@pytest.mark.parametrize("role", ["executive", "coordinator"])
def test_other_roles_get_only_the_access_message(app_on, demo_url, role) -> None:
    at = app_on(demo_url, role=role, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not at.exception
    assert "You are viewing PairPulse as" in at.warning[0].value
    assert not at.main.button and not at.dataframe and not at.slider


def test_the_newest_two_scenarios_are_compared_without_a_pick(app_on, demo_url) -> None:
    at = _propose(app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run())
    for name in ("First", "Second", "Third"):
        at.text_input(key="what_if_scenario_name").input(name)
        at = at.button[[b.label for b in at.button].index("Save as scenario")].click().run()
    engine = make_engine(demo_url)
    ids = dict(zip(list_scenarios(engine)["name"], list_scenarios(engine)["id"], strict=True))
    engine.dispose()
    newest_two = [int(ids["Second"]), int(ids["Third"])]
    assert at.multiselect(key="what_if_compare").value == newest_two
    assert list(_table(at, "Measure").columns) == [
        "Measure", "Today's pairing", "“Second”", "“Third”"
    ]  # fmt: skip

    # A person who picked one keeps their pick; coming back later shows the newest two.
    at = at.multiselect(key="what_if_compare").set_value([int(ids["First"])]).run()
    assert at.multiselect(key="what_if_compare").value == [int(ids["First"])]
    fresh = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    assert fresh.multiselect(key="what_if_compare").value == newest_two


def _raising(error: Exception):
    def fail(**_kwargs):
        raise error

    return fail


def test_a_refused_save_says_nothing_was_saved_without_the_sql(
    app_on, demo_url, monkeypatch
) -> None:
    refused = IntegrityError(
        "INSERT INTO scenario (name) VALUES (?)", ("x",), Exception("CHECK constraint failed")
    )
    monkeypatch.setattr("components.what_if_scenarios.save_scenario", _raising(refused))
    at = _propose(app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run())
    at.text_input(key="what_if_scenario_name").input("Refused")
    at = at.button[[b.label for b in at.button].index("Save as scenario")].click().run()
    assert not at.exception
    (message,) = [error.value for error in at.error]
    assert "nothing was saved. It said: CHECK constraint failed" in message
    assert "INSERT" not in message


def test_a_busy_store_while_applying_gets_the_store_message_and_a_retry(
    app_on, demo_url, monkeypatch
) -> None:
    at = _propose(app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run())
    at.text_input(key="what_if_scenario_name").input("To apply")
    at = at.button[[b.label for b in at.button].index("Save as scenario")].click().run()
    busy = OperationalError("UPDATE pair …", {}, sqlite3.OperationalError("database is locked"))
    monkeypatch.setattr("components.what_if_scenarios.apply_scenario", _raising(busy))
    at = at.checkbox(key="what_if_apply_told_0").check().run()
    at = at.button(key="what_if_apply").click().run()
    assert not at.exception
    assert "The store is busy" in page_text(at)
    assert "not saved" in page_text(at)
    assert any(button.label == "Retry" for button in at.button)
