"""The Executive summary works its figures out once per program revision and keeps them in the
store: the next app process (or the same one after a restart) shows them without working them
out again, a write makes them stale, `python -m app summarise` keeps exactly what the screen
would, and a kept row the code did not write is refused and worked out again."""

from collections.abc import Callable

import pytest
from sqlalchemy import text

from app.cli import main
from app.settings import ProgramSettings, save_settings
from components import loaders
from components.loaders import summary_data
from data_access.db import make_engine
from tests.screens.conftest import DEMO_AS_OF, page_text

PAGE = "screens/executive_summary.py"


def _metrics(at) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


@pytest.fixture
def worked_out(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every time the page works the summary out (instead of reading it kept)."""
    calls: list[tuple] = []
    real: Callable = summary_data.worked_out

    def counted(*args):  # noqa: ANN002, ANN202
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(summary_data, "worked_out", counted)
    return calls


def _restart() -> None:
    """What a new app process starts with: no cached figures."""
    loaders.clear_caches(engines=True)


def _payloads(url: str) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT payload FROM summary_snapshot")).scalars().all()
    engine.dispose()
    return list(rows)


def test_the_next_process_shows_the_kept_figures_without_working_them_out(
    app_on, demo_url, worked_out
) -> None:
    first = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not first.exception
    assert len(worked_out) == 1 and len(_payloads(demo_url)) == 1
    _restart()
    second = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not second.exception
    assert len(worked_out) == 1  # read from the store
    assert _metrics(second) == _metrics(first) and len(_metrics(first)) >= 8
    assert [df.value.to_csv() for df in second.dataframe] == [
        df.value.to_csv() for df in first.dataframe
    ]
    assert [c.value for c in second.caption] == [c.value for c in first.caption]


def test_a_write_makes_the_kept_figures_stale(app_on, demo_url, worked_out) -> None:
    before = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    engine = make_engine(demo_url)
    save_settings(engine, ProgramSettings(target_healthy=99), actor="test")
    engine.dispose()
    _restart()
    after = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not after.exception
    assert len(worked_out) == 2
    assert "(target 99%)" in page_text(after)  # the verdict's healthy-pairs target
    assert "(target 99%)" not in page_text(before)


def test_a_kept_row_the_code_did_not_write_is_worked_out_again(
    app_on, demo_url, worked_out
) -> None:
    first = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    engine = make_engine(demo_url)
    with engine.begin() as connection:
        connection.execute(text("""UPDATE summary_snapshot SET payload = '{"pairs": "many"}'"""))
    engine.dispose()
    _restart()
    again = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not again.exception
    assert len(worked_out) == 2
    assert _metrics(again) == _metrics(first)
    assert _payloads(demo_url) != ['{"pairs": "many"}']  # kept afresh


def test_summarise_keeps_what_the_screen_would(app_on, demo_url, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_url)
    assert main(["summarise", "--as-of", DEMO_AS_OF.isoformat()]) == 0
    from_the_command_line = _payloads(demo_url)
    engine = make_engine(demo_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM summary_snapshot"))
    engine.dispose()
    at = app_on(demo_url, page=PAGE, as_of=DEMO_AS_OF).run()
    assert not at.exception
    assert _payloads(demo_url) == from_the_command_line
