"""The executive summary kept in the store: `python -m app summarise` works it out and keeps
it, and what is read back is the summary itself — the same figures, the same tables and column
types — on SQLite and PostgreSQL. A row the code did not write is refused."""

import json
import re
from dataclasses import fields

import pandas as pd
import pytest
from sqlalchemy import Engine

from app.cli import main
from app.settings import ProgramSettings, load_settings, save_settings
from app.summary.from_store import summary_of_store
from app.summary.stored import CODE_VERSION, summary_from_json, summary_json
from data_access.db import make_engine
from data_access.revision import PROGRAM, revisions
from data_access.summary_snapshots import kept_summary
from sample_data.seed import seed_store
from tests.screens.conftest import DEMO_AS_OF

TABLES = ("by_role", "cohorts")


def _text(value: object) -> str:
    """`repr(value)`, numpy's floats written as Python's."""
    return re.sub(r"np\.float64\(([^)]*)\)", r"\1", repr(value))


@pytest.fixture
def demo_engine(cli_store: str) -> Engine:
    engine = make_engine(cli_store)
    seed_store(engine, scale="demo", anchor=DEMO_AS_OF)
    return engine


def test_summarise_keeps_the_summary_and_it_reads_back_as_the_same_figures(
    demo_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summarise", "--as-of", DEMO_AS_OF.isoformat()]) == 0
    assert "worked out in" in capsys.readouterr().out
    revision = revisions(demo_engine)[PROGRAM]
    kept = kept_summary(demo_engine, DEMO_AS_OF, (), revision, CODE_VERSION)
    assert kept is not None
    back = summary_from_json(kept)

    fresh = summary_of_store(demo_engine, DEMO_AS_OF, (), load_settings(demo_engine))
    assert fresh.pairs > 0 and len(fresh.cohorts) > 1 and fresh.highlights
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(back, name), getattr(fresh, name), check_exact=True)
    for field in fields(fresh):
        if field.name not in TABLES:  # figures compare by their text: NaN is not NaN
            assert _text(getattr(back, field.name)) == _text(getattr(fresh, field.name))
    assert summary_json(fresh) == kept
    assert summary_json(back) == kept


def _shown(summary) -> list[tuple[str, str, str, str]]:
    return [
        (kpi.label, kpi.hidden, kpi.current.formatted(), kpi.previous.formatted())
        for kpi in summary.kpis
    ]


def test_a_narrowed_summary_keeps_its_withheld_figures_withheld(demo_engine: Engine) -> None:
    save_settings(demo_engine, ProgramSettings(min_respondents=10), actor="test")
    settings = load_settings(demo_engine)
    whole = summary_of_store(demo_engine, DEMO_AS_OF, (), settings)
    narrowed = [
        summary_of_store(demo_engine, DEMO_AS_OF, (cohort_id,), settings)
        for cohort_id in whole.cohorts["cohort_id"]
    ]
    withholding = [found for found in narrowed if any(kpi.hidden for kpi in found.kpis)]
    assert withholding  # the case worth keeping: a small cohort's survey figures
    for found in withholding:
        assert _shown(summary_from_json(summary_json(found))) == _shown(found)


@pytest.mark.parametrize(
    "payload",
    [
        "not json at all",
        "{}",
        '{"pairs": "many"}',
        # the right shape with one field more: refused, not ignored
        "EXTRA",
    ],
)
def test_anything_but_a_kept_summary_is_refused(demo_engine: Engine, payload: str) -> None:
    if payload == "EXTRA":
        found = summary_of_store(demo_engine, DEMO_AS_OF, (), load_settings(demo_engine))
        payload = json.dumps({**json.loads(summary_json(found)), "run": "os.system"})
    with pytest.raises(ValueError, match="not a kept executive summary"):
        summary_from_json(payload)


def test_summarise_refuses_a_date_that_is_not_one(cli_store: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["summarise", "--as-of", "23/11/2026"])
    assert exited.value.code == 2
