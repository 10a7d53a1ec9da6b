"""`python -m app report`: the headline figures of the hand-made fixture program, by hand."""

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.cli import EXIT_OK, main
from app.headlines import headline_figures, program_health
from app.settings import ProgramSettings
from data_access.importer import read_directory, run_import
from data_access.queries import load_program
from sample_data.seed import seed_store

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"

# As of 2025-03-31 (see tests/fixtures/program):
# - enrolled: U01, U02, U04, U05, U06 (U03 left 2024-08-01): mentors U01, U05; mentees U02, U04, U06
# - pairs: P01 completed, P02 ended early, P03 active, P04 paused → 1 active pair
# - match rate: U05 and U06 are in the active pair → 2 / 5 = 40 %
# - P03 last met 2025-03-03: 28 days, limit 2 × 14 = 28 → not stalled
# - P03 adherence: window 2025-02-10 … 2025-03-31 = 49 days → 3.5 expected, 2 held → 57 %
# - goals: G01 done, G02 dropped, G03 in progress, G04 not started → 1 / 3 = 33 %;
#   overdue: G03 (due 2024-03-31) → 1
# - skill uplift: U02 2 → 4, U04 1 → 2 → (4 + 2) / 2 − (2 + 1) / 2 = +1.5
# - satisfaction: 5, 4, 2, 4 → 3.75 → "3.8 / 5"; NPS: 10, 9, 3, 8 → 50 % − 25 % = +25
# - retention: enrolled on 2024-03-31: U01–U04; U03 left since → 3 / 4 = 75 %
# - P03 health: meetings (recency 0 + adherence 57.1) / 2 = 28.6, goals (0 + 100) / 2 = 50,
#   sentiment (4, 4) → 75 → 0.5 × 28.6 + 0.25 × 50 + 0.25 × 75 = 45.5 → Watch
EXPECTED = {
    "Enrolled mentors": "2",
    "Enrolled mentees": "3",
    "Active pairs": "1",
    "Match rate": "40%",
    "Stalled pairs": "0",
    "Cadence adherence (active pairs)": "57%",
    "Goal completion": "33%",
    "Overdue goals": "1",
    "Skill uplift (digital confidence)": "+1.5",
    "Satisfaction": "3.8 / 5",
    "NPS": "+25",
    "Retention": "75%",
    "Healthy": "0",
    "Watch": "1",
    "At risk": "0",
    "Too early": "0",
}


def _figures(output: str) -> dict[str, str]:
    return {
        match["label"]: match["value"]
        for match in re.finditer(r"^ +(?P<label>\S.*?) {2,}(?P<value>\S.*?) *$", output, re.M)
    }


def test_report_prints_the_hand_computed_headline_figures(
    cli_store: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_import(read_directory(FIXTURE_PROGRAM), engine=engine).applied
    assert main(["report", "--as-of", "2025-03-31"]) == EXIT_OK
    output = capsys.readouterr().out
    assert output.startswith("PairPulse report as of 2025-03-31")
    assert _figures(output) == EXPECTED


def test_report_on_an_empty_store_says_nothing_is_known(
    cli_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--as-of", "2025-03-31"]) == EXIT_OK
    figures = _figures(capsys.readouterr().out)
    assert figures["Match rate"] == "—" and figures["Active pairs"] == "0"


def test_report_refuses_a_date_that_is_not_iso(
    cli_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--as-of", "31/03/2025"])
    assert exit_info.value.code == 2
    assert "is not an ISO date" in capsys.readouterr().err


def test_the_survey_headlines_count_complete_months_only(engine: Engine) -> None:
    """Across as-of dates (docs/metrics.md): satisfaction and NPS on 9 and 10 Oct differed by
    one person's answer."""
    seed_store(engine, scale="demo", anchor=date(2026, 12, 3))
    survey_labels = ("Satisfaction", "NPS", "Skill uplift (digital confidence)")
    shown = []
    for day in (date(2026, 10, 9), date(2026, 10, 10)):
        program = load_program(engine, as_of=day)
        figures = headline_figures(program, program_health(program, ProgramSettings()))
        shown.append({f.label: f.formatted() for f in figures if f.label in survey_labels})
    assert shown[0] == shown[1]
    september = load_program(engine, as_of=date(2026, 9, 30)).surveys
    assert shown[0]["Satisfaction"] == f"{september['satisfaction'].mean():.1f} / 5"
