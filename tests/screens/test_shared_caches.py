"""Several app processes on one store: a change made elsewhere (another app process, the command
line) reaches a page whose results are cached here within `REVISION_TTL_S`, without a restart.

"Elsewhere" is played by writing through data_access directly, as another process would: this
process's caches are not cleared by it. `tests/data_access/test_revision.py` checks that every
write moves the counters the caches are keyed on.
"""

import time
from datetime import UTC, datetime

from app.settings import ProgramSettings, save_settings
from components.follow_ups import TABLE_KEY
from components.loaders import REVISION_TTL_S
from data_access import follow_ups as follow_up_store
from data_access.db import make_engine
from tests.screens.conftest import DEMO_AS_OF, FIXTURE_AS_OF

FOLLOW_UPS = "screens/follow_ups.py"
COHORT_HEALTH = "screens/cohort_health.py"


def _after_the_ttl() -> None:
    time.sleep(REVISION_TTL_S + 0.2)


def _queue(at):
    return next(frame for frame in at.dataframe if frame.key == TABLE_KEY).value


def test_a_follow_up_logged_by_another_process_reaches_the_queue(app_on, demo_url) -> None:
    # Viewed as of today: a follow-up counts from the (UTC) day it is recorded, so as of the
    # demo's fixed date one logged now would rightly not show once that day has passed.
    today = max(DEMO_AS_OF, datetime.now(UTC).date())
    at = app_on(demo_url, role="coordinator", page=FOLLOW_UPS, as_of=today).run()
    first = _queue(at).iloc[0]
    assert first["owner"] == "Unassigned"
    # Open the most urgent pair to learn its id from the link.
    at.session_state[TABLE_KEY] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at = at.run()
    engine = make_engine(demo_url)
    try:
        follow_up_store.log_follow_up(
            engine, pair_id=at.query_params["pair"], actor="another process", note="Called",
            owner="Robin",
        )  # fmt: skip
    finally:
        engine.dispose()
    _after_the_ttl()
    at = at.run()
    assert not at.exception
    row = _queue(at).iloc[0]
    assert (row["mentor"], row["owner"]) == (first["mentor"], "Robin")
    assert "Called" in row["last_follow_up"]


def test_settings_changed_by_another_process_reach_a_cached_page(app_on, fixture_url) -> None:
    at = app_on(fixture_url, page=COHORT_HEALTH, as_of=FIXTURE_AS_OF)
    at.query_params["status"] = "all"
    at = at.run()

    def bands() -> list[str]:
        return sorted(next(frame for frame in at.dataframe if "band" in frame.value).value["band"])

    before = bands()
    assert "Healthy" in before or "Watch" in before
    engine = make_engine(fixture_url)
    try:  # nothing can be Healthy or Watch any more: every scored pair is At risk
        save_settings(engine, ProgramSettings(healthy_from=100, watch_from=99), actor="cli")
    finally:
        engine.dispose()
    _after_the_ttl()
    at = at.run()
    assert not at.exception
    after = bands()
    assert "Healthy" not in after and "Watch" not in after
    assert len(after) == len(before)
