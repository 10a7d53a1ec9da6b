"""AppTest fixtures: the app runs against a test store chosen through DATABASE_URL."""

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access.db import forget_engines

APP_TIMEOUT_S = 60
ENTRYPOINT = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


@pytest.fixture
def app_on(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """A factory: `app_on(url, demo_data=False)` gives an AppTest of streamlit_app.py on `url`."""

    def make(url: str, *, demo_data: bool = False) -> AppTest:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("PAIRPULSE_DEMO_DATA", "1" if demo_data else "0")
        forget_engines()
        return AppTest.from_file(ENTRYPOINT, default_timeout=APP_TIMEOUT_S)

    yield make
    forget_engines()
