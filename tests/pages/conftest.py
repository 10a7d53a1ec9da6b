"""AppTest fixtures: the app runs against a test store chosen through DATABASE_URL."""

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from data_access.db import get_engine

APP_TIMEOUT_S = 60


@pytest.fixture
def app_on(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """A factory: `app_on(url, demo_data=False)` gives an AppTest of streamlit_app.py on `url`."""

    def make(url: str, *, demo_data: bool = False) -> AppTest:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("PAIRPULSE_DEMO_DATA", "1" if demo_data else "0")
        get_engine.cache_clear()
        return AppTest.from_file("streamlit_app.py", default_timeout=APP_TIMEOUT_S)

    yield make
    get_engine.cache_clear()
