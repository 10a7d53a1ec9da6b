"""Opening the store for the app and the CLI: one engine, schema brought up to date, demo data."""

import os

from sqlalchemy import Engine

from app.settings import default_as_of
from data_access.db import get_engine, store_is_empty, upgrade_store
from sample_data.nudge_history import seed_nudge_history
from sample_data.seed import seed_store

#: Set to 0 to start on an empty store instead of the demo program (tests of empty states do).
DEMO_DATA_ENV = "PAIRPULSE_DEMO_DATA"


def open_store(url: str | None = None) -> Engine:
    """The process's engine for `url` (default `DATABASE_URL`), its schema migrated to head."""
    engine = get_engine(url)
    upgrade_store(engine)
    return engine


def fill_empty_store_with_demo(engine: Engine) -> bool:
    """Seed the `demo` program into a store that holds no program data; True if it did.

    Does nothing when `PAIRPULSE_DEMO_DATA=0`.
    """
    if os.environ.get(DEMO_DATA_ENV, "1") == "0" or not store_is_empty(engine):
        return False
    seed_store(engine, scale="demo")
    seed_nudge_history(engine, anchor=default_as_of())
    return True
