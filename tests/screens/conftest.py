"""AppTest fixtures: the app runs against a test store chosen through DATABASE_URL."""

import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access.db import forget_engines, make_engine
from data_access.importer import read_directory, run_import
from sample_data.seed import seed_store
from tests.screens.audit_program import write_audit_program
from tests.screens.markup_program import write_markup_program

APP_TIMEOUT_S = 60
ENTRYPOINT = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
#: The as-of date of the hand-made fixture program's figures (worked out in tests/app/test_report).
FIXTURE_AS_OF = date(2025, 3, 31)
#: The demo program's anchor: the shipped demo data is built around this day.
DEMO_AS_OF = date(2026, 11, 23)


@pytest.fixture
def app_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., AppTest]]:
    """A factory: `app_on(url, demo_data=False, role=None, page=None, as_of=None)` gives an
    AppTest of streamlit_app.py on the store `url`, viewed as `role` (a key of
    `components.access.ROLES`; default program manager), opening `page` (e.g.
    "screens/goals.py"; default the role's first page), with `PAIRPULSE_AS_OF` set to `as_of`."""

    def make(
        url: str,
        *,
        demo_data: bool = False,
        role: str | None = None,
        page: str | None = None,
        as_of: date | None = None,
    ) -> AppTest:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("PAIRPULSE_DEMO_DATA", "1" if demo_data else "0")
        if as_of is not None:
            monkeypatch.setenv("PAIRPULSE_AS_OF", as_of.isoformat())
        forget_engines()
        at = AppTest.from_file(ENTRYPOINT, default_timeout=APP_TIMEOUT_S)
        if role is not None:
            at.query_params["role"] = role
        if page is not None:
            at.switch_page(page)
        return at

    yield make
    forget_engines()


def _store_from(template: Path, path: Path) -> str:
    """A copy of the SQLite store `template` at `path`; its URL."""
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> Path:
    """A SQLite store holding the demo program anchored on `DEMO_AS_OF`, built once."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = make_engine(_store_from(_sqlite_template, path))
    seed_store(engine, scale="demo", anchor=DEMO_AS_OF)
    engine.dispose()
    return path


@pytest.fixture
def demo_url(tmp_path: Path, _demo_template: Path) -> str:
    """A SQLite store of its own holding the demo program (see `DEMO_AS_OF`)."""
    return _store_from(_demo_template, tmp_path / "demo.db")


@pytest.fixture
def fixture_url(sqlite_url: str) -> str:
    """A SQLite store holding the hand-made fixture program of tests/fixtures/program, whose
    figures as of `FIXTURE_AS_OF` are worked out by hand in tests/app/test_headlines.py."""
    engine = make_engine(sqlite_url)
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    engine.dispose()
    return sqlite_url


def page_text(at: AppTest) -> str:
    """Everything a reader sees as text on the page: titles, markdown, captions, alerts, metrics."""
    parts: list[object] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "code", "text"):
        parts += [element.value for element in getattr(at, kind)]
    for kind in ("info", "warning", "error", "success"):
        parts += [element.value for element in getattr(at, kind)]
    parts += [f"{metric.label} {metric.value}" for metric in at.metric]
    return "\n".join(str(part) for part in parts)


def _imported_store(
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    name: str,
    write_program: Callable[[Path], Path],
) -> Path:
    """A migrated SQLite store `NAME.db` holding the program `write_program` writes, imported
    through the importer."""
    folder = tmp_path_factory.mktemp(name)
    path = folder / f"{name}.db"
    engine = make_engine(_store_from(sqlite_template, path))
    program = read_directory(write_program(folder / "program"))
    assert run_import(program, engine=engine).applied
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def _audit_template(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> Path:
    """The audit program (tests/screens/audit_program.py: recognisable names, small groups)
    imported once per test module."""
    return _imported_store(tmp_path_factory, _sqlite_template, "audit", write_audit_program)


@pytest.fixture
def audit_url(tmp_path: Path, _audit_template: Path) -> str:
    """A copy of the audit program's store for one test."""
    return _store_from(_audit_template, tmp_path / "audit.db")


@pytest.fixture(scope="module")
def _markup_template(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> Path:
    """The markup program (tests/screens/markup_program.py: markup in every text field)
    imported once per test module through the importer."""
    return _imported_store(tmp_path_factory, _sqlite_template, "markup", write_markup_program)


@pytest.fixture
def markup_url(tmp_path: Path, _markup_template: Path) -> str:
    """A copy of the markup program's store for one test."""
    return _store_from(_markup_template, tmp_path / "markup.db")


@pytest.fixture
def reminder_store(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """(url, engine): the hand-made program of tests/reminder_program.py on SQLite and
    PostgreSQL, links signed with the store's own generated key."""
    from app.checkin import tokens
    from tests.reminder_program import import_program

    monkeypatch.delenv(tokens.SECRET_KEY_ENV, raising=False)
    engine = make_engine(store_url)
    import_program(engine, tmp_path / "program")
    yield store_url, engine
    engine.dispose()
