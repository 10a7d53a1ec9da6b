"""What-if after Apply (docs/matching.md): the page keeps working on later visits, an applied
scenario can be reviewed beside the pairing it replaced and that pairing restored as a new
scenario; the name box empties after saving; a re-match shows today's mentor and marks changes.
On the demo program in SQLite and PostgreSQL."""

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from data_access.models import Pair
from data_access.scenarios import OPEN_STATUSES, list_scenarios, load_scenario, matching_frames
from sample_data.seed import seed_store
from tests.screens.conftest import DEMO_AS_OF, page_text

PAGE = "screens/what_if.py"
COHORT = "C03"


@pytest.fixture
def demo_store(engine: Engine, store_url: str) -> str:
    """The demo program in an empty store of each kind (SQLite, PostgreSQL)."""
    seed_store(engine, scale="demo", anchor=DEMO_AS_OF)
    return store_url


def _click(at: AppTest, label: str) -> AppTest:
    (button,) = [button for button in at.button if button.label == label]
    return button.click().run()


def _open_pairs(engine: Engine) -> set[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(Pair.mentor_id, Pair.mentee_id).where(
                Pair.cohort_id == COHORT, Pair.status.in_(OPEN_STATUSES)
            )
        ).all()
    return {(row.mentor_id, row.mentee_id) for row in rows}


def _pair_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Pair)).scalar_one()


def _rematch(url: str, app_on) -> AppTest:
    at = app_on(url, page=PAGE, as_of=DEMO_AS_OF).run()
    at = at.radio(key="link:pool").set_value("rematch").run()
    return _click(at, "Propose pairs")


def _apply(at: AppTest, scenario_id: int) -> AppTest:
    at.selectbox(key="what_if_apply_scenario").set_value(scenario_id)
    at.date_input(key="what_if_apply_start").set_value(DEMO_AS_OF)
    told = [box for box in at.checkbox if str(box.key).startswith("what_if_apply_told_")]
    at = told[0].check().run()
    return at.button(key="what_if_apply").click().run()


def test_a_rematch_proposal_shows_todays_mentor_and_marks_changed_pairs(
    app_on, demo_store, engine
) -> None:
    at = _rematch(demo_store, app_on)
    assert not at.exception
    (table,) = [frame.value for frame in at.dataframe if "mentee" in frame.value]
    frames = matching_frames(engine)
    names = dict(
        zip(frames.participants["participant_id"], frames.participants["name"], strict=True)
    )
    today = {mentee: mentor for mentor, mentee in _open_pairs(engine)}
    proposal = at.session_state["what_if_result"].proposal.pairs
    expected_current = [names[today[mentee]] for mentee in proposal["mentee_id"]]
    expected_changed = [
        "" if today[mentee] == mentor else "Changed"
        for mentor, mentee in zip(proposal["mentor_id"], proposal["mentee_id"], strict=True)
    ]
    assert list(table["current_mentor"]) == expected_current
    assert list(table["changed"]) == expected_changed
    assert "Changed" in expected_changed and "" in expected_changed  # both kinds occur
    assert f"{expected_changed.count('Changed')} of {len(proposal)} mentees get another" in (
        page_text(at)
    )


def test_the_unmatched_pool_has_no_current_mentor_column(app_on, demo_store) -> None:
    at = app_on(demo_store, page=PAGE, as_of=DEMO_AS_OF).run()
    at = _click(at, "Propose pairs")
    (table,) = [frame.value for frame in at.dataframe if "mentee" in frame.value]
    assert "current_mentor" not in table and "changed" not in table


def test_apply_then_revisit_review_and_restore_the_previous_pairing(
    app_on, demo_store, engine
) -> None:
    before = _open_pairs(engine)
    at = _rematch(demo_store, app_on)
    at.text_input(key="what_if_scenario_name").input("Fresh start")
    at = _click(at, "Save as scenario")
    assert "Saved scenario “Fresh start”" in page_text(at)
    assert at.text_input(key="what_if_scenario_name").value == ""  # ready for the next name
    (scenario_id,) = [int(key) for key in list_scenarios(engine)["id"]]
    applied = load_scenario(engine, scenario_id)
    at = _apply(at, scenario_id)
    assert not at.exception
    after = _open_pairs(engine)
    assert after == set(zip(applied.pairs["mentor_id"], applied.pairs["mentee_id"], strict=True))
    assert after != before

    # A later visit: no exception, the Apply section is there and lists the scenario as applied.
    at = app_on(demo_store, page=PAGE, as_of=DEMO_AS_OF).run()
    at = at.radio(key="link:pool").set_value("rematch").run()
    assert not at.exception
    assert "Apply a scenario" in [header.value for header in at.header]
    label = at.selectbox(key="what_if_apply_scenario")
    applied_on = load_scenario(engine, scenario_id).applied_at
    assert f"applied {applied_on:%Y-%m-%d}" in label.format_func(scenario_id)

    # The review shows the pairs applied and the pairing they replaced, by name.
    assert at.selectbox(key="what_if_review").value == scenario_id
    frames = matching_frames(engine)
    names = dict(
        zip(frames.participants["participant_id"], frames.participants["name"], strict=True)
    )
    # The two review tables, side by side: the pairs applied, then the pairing replaced.
    tables = [frame.value for frame in at.dataframe if list(frame.value) == ["Mentor", "Mentee"]]

    def named(pairs) -> set[tuple[str, str]]:
        return {(names[mentor], names[mentee]) for mentor, mentee in pairs}

    shown_applied, shown_replaced = tables
    assert set(zip(shown_applied["Mentor"], shown_applied["Mentee"], strict=True)) == named(after)
    assert set(zip(shown_replaced["Mentor"], shown_replaced["Mentee"], strict=True)) == named(
        before
    )

    # Restoring saves a scenario and writes no pair.
    pairs_before_restore = _pair_count(engine)
    at = _click(at, "Restore previous pairing")
    assert not at.exception
    assert "Saved scenario “Restore before Fresh start”" in page_text(at)
    assert _pair_count(engine) == pairs_before_restore
    assert _open_pairs(engine) == after
    scenarios = list_scenarios(engine)
    restore = scenarios[scenarios["name"] == "Restore before Fresh start"]
    (restore_id,) = [int(key) for key in restore["id"]]
    assert pd.isna(restore["applied_at"].iloc[0])
    saved = load_scenario(engine, restore_id)
    assert set(zip(saved.pairs["mentor_id"], saved.pairs["mentee_id"], strict=True)) == before

    # Applied like any other scenario, it brings the earlier pairing back.
    at = _apply(at, restore_id)
    assert not at.exception
    assert "Applied “Restore before Fresh start”" in page_text(at)
    assert _open_pairs(engine) == before


def test_an_unmatched_scenario_replaced_nothing_and_offers_no_restore(
    app_on, demo_store, engine
) -> None:
    at = app_on(demo_store, page=PAGE, as_of=DEMO_AS_OF).run()
    at = _click(at, "Propose pairs")
    for name in ("Newcomers", "Newcomers again"):
        at.text_input(key="what_if_scenario_name").input(name)
        at = _click(at, "Save as scenario")
    scenarios = list_scenarios(engine)
    (scenario_id,) = [int(key) for key in scenarios.loc[scenarios["name"] == "Newcomers", "id"]]
    at = _apply(at, scenario_id)
    assert not at.exception
    # One scenario applied and one not: later visits used to fail with "NaTType does not
    # support strftime" and never drew the Apply section again.
    at = app_on(demo_store, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not at.exception
    assert "Apply a scenario" in [header.value for header in at.header]
    labels = at.selectbox(key="what_if_apply_scenario").options
    applied = load_scenario(engine, scenario_id)
    assert sorted(labels) == [
        f"Newcomers (unmatched people, {len(applied.pairs)} pairs, applied "
        f"{applied.applied_at:%Y-%m-%d})",
        f"Newcomers again (unmatched people, {len(applied.pairs)} pairs)",
    ]
    assert "its people had no open pair in the cohort before" in page_text(at)
    assert "Restore previous pairing" not in [button.label for button in at.button]
