"""The large frames the pages share through `components.loaders.cache.shared_frames` (one copy per
process, not a pickled copy per read) are never changed by a page: after every screen has run,
with and without a cohort filter, each shared frame still equals a fresh read of the store."""

import pandas as pd

from app.activity import program_goals
from app.cohort_view import pair_rows
from app.headlines import store_health
from app.settings import load_settings
from app.summary import from_store, previous_as_of
from components import loaders
from components.access import PROGRAM_MANAGER, SCREENS
from components.loaders import goal_data
from data_access.db import make_engine, normalise_url
from data_access.health_inputs import load_health_inputs
from data_access.queries import load_program, pair_directory, pairs_and_goals
from data_access.revision import PROGRAM, revisions
from tests.screens.conftest import DEMO_AS_OF


def _same(shared: pd.DataFrame, fresh: pd.DataFrame, what: str) -> None:
    assert shared is not fresh
    pd.testing.assert_frame_equal(shared, fresh, obj=what)


def test_no_page_changes_a_frame_it_shares(app_on, demo_url, monkeypatch) -> None:
    engine = make_engine(demo_url)
    first_cohort = load_program(engine, as_of=DEMO_AS_OF).cohorts["cohort_id"].min()
    for screen in SCREENS:
        for cohort in (None, first_cohort):
            at = app_on(demo_url, role=PROGRAM_MANAGER, page=screen.file, as_of=DEMO_AS_OF)
            if cohort:
                at.query_params["cohort"] = cohort
            at.run()
            assert not at.exception, (screen.title, cohort)

    key = f"{normalise_url(demo_url)}#file=0&program={revisions(engine)[PROGRAM]}"
    before = previous_as_of(DEMO_AS_OF)
    fresh = {
        "program": load_program(engine, as_of=DEMO_AS_OF),
        "earlier": load_program(engine, as_of=before),
        "pairs_and_goals": pairs_and_goals(engine, as_of=DEMO_AS_OF),
        "health": store_health(load_health_inputs(engine, as_of=DEMO_AS_OF), load_settings(engine)),
        "directory": pair_directory(engine),
    }

    # What follows must come from the shared caches: reading the store again would fail.
    def no_read(*args, **kwargs):
        raise AssertionError("not shared: the store was read again")

    for name in (
        "load_program",
        "load_survey_program",
        "earlier_program",
        "pairs_and_goals",
    ):
        monkeypatch.setattr(loaders, name, no_read)
    monkeypatch.setattr(from_store, "load_health_inputs", no_read)  # `loaders.read_health`'s
    monkeypatch.setattr(loaders, "pair_directory", no_read)
    shared_program = loaders._program(key, DEMO_AS_OF, engine)
    shared_earlier = loaders._earlier_program(key, before, DEMO_AS_OF, engine)
    shared_surveys = loaders._survey_program(key, DEMO_AS_OF, engine)
    for field in ("cohorts", "participants", "pairs", "surveys"):
        _same(getattr(shared_surveys, field), getattr(fresh["program"], field), f"survey {field}")
    assert shared_program.meeting_stats is None  # the screens read meeting figures from health
    for field in ("cohorts", "participants", "pairs", "goals", "surveys"):
        _same(getattr(shared_program, field), getattr(fresh["program"], field), field)
        _same(getattr(shared_earlier, field), getattr(fresh["earlier"], field), f"earlier {field}")
    for shared, fresh_frame, name in zip(
        loaders._pairs_and_goals(key, DEMO_AS_OF, engine),
        fresh["pairs_and_goals"],
        ("pairs", "goals"),
        strict=True,
    ):
        _same(shared, fresh_frame, name)
    _same(loaders._health(key, DEMO_AS_OF, (), engine), fresh["health"], "health")
    _same(loaders._directory(key, engine), fresh["directory"], "directory")
    rows = pair_rows(fresh["health"], fresh["directory"])
    _same(loaders._pair_rows(key, DEMO_AS_OF, (), engine), rows, "pair rows")
    every_goal = program_goals(*reversed(fresh["pairs_and_goals"]), as_of=DEMO_AS_OF)
    _same(goal_data._every_goal(key, DEMO_AS_OF, ()), every_goal, "every goal")
    engine.dispose()
