"""The Executive summary's "Is it worth it?" block, its PDF lines and the report's lines: the
hand-made workforce of tests/app/test_outcomes.py through a store (both databases), the demo
program (no 12-month window complete yet), the anonymity minimum, and no name anywhere."""

import io
from dataclasses import replace
from datetime import date

import pandas as pd
import pypdf

from app.cli import main
from app.settings import ProgramSettings, save_settings
from data_access.db import make_engine
from tests.app.test_outcomes import AS_OF, PARTICIPANTS, _import_hand_made
from tests.screens.conftest import DEMO_AS_OF, page_text

PAGE = "screens/executive_summary.py"


def _hand_made_store(store_url: str, tmp_path, minimum: int = 3) -> None:
    engine = make_engine(store_url)
    _import_hand_made(engine, tmp_path / "program")
    save_settings(engine, ProgramSettings(min_respondents=minimum), actor="test")
    engine.dispose()


def test_the_block_shows_each_comparison_and_names_nobody(app_on, store_url, tmp_path) -> None:
    _hand_made_store(store_url, tmp_path)
    at = app_on(store_url, role="executive", page=PAGE, as_of=AS_OF).run()
    assert not at.exception
    text = page_text(at).replace("\\", "")  # as shown: Markdown escapes (literal text) removed
    assert "Is it worth it? Participants against comparable colleagues" in text
    # Worked out in tests/app/test_outcomes.py: 67 % vs 78 %, 33 % vs 22 %; 3 mentors, 4 colleagues.
    assert (
        "Mentors stayed 67 % vs 78 % of comparable colleagues (no clear difference; -11 pts" in text
    )
    assert "Mentors were promoted 33 % vs 22 % of comparable colleagues" in text
    assert "3 mentors, 4 colleagues" in text  # 3 = the minimum: shown
    assert "1 without a comparable colleague left out" in text
    assert "Mentees: not shown — no mentee has a comparable colleague." in text
    assert "not proof that the program caused it" in text
    for person_id, *_ in PARTICIPANTS:
        assert f"Person {person_id}" not in text


def test_under_the_minimum_the_block_says_why(app_on, store_url, tmp_path) -> None:
    _hand_made_store(store_url, tmp_path, minimum=4)
    at = app_on(store_url, role="executive", page=PAGE, as_of=AS_OF).run()
    assert not at.exception
    text = page_text(at).replace("\\", "")  # as shown: Markdown escapes (literal text) removed
    assert "Mentors: not shown — fewer than 4 mentors to compare, the anonymity minimum." in text
    assert "Mentors stayed" not in text


def test_the_demo_says_from_when_its_windows_complete(app_on, demo_url) -> None:
    at = app_on(demo_url, role="executive", page=PAGE, as_of=DEMO_AS_OF).run()
    assert not at.exception
    text = page_text(at).replace("\\", "")  # as shown: Markdown escapes (literal text) removed
    assert "no mentor has a complete 12-month window yet" in text
    # The pilot started about 10½ months before the demo's day: its windows end in 2027.
    assert "still inside their 12 months (first counted from 2027-" in text


def test_without_a_workforce_there_is_no_block(app_on, fixture_url) -> None:
    at = app_on(fixture_url, role="executive", page=PAGE, as_of=date(2024, 6, 30)).run()
    assert not at.exception
    assert "comparable colleagues" not in page_text(at)


def test_the_pdf_stays_one_page_with_the_comparison(store_url, tmp_path, monkeypatch) -> None:
    from app.executive_pdf import executive_pdf
    from app.headlines import program_health
    from app.outcomes import compare_outcomes, participant_starts
    from app.settings import load_settings
    from app.summary import Snapshot, executive_summary, previous_as_of
    from data_access.queries import load_program
    from data_access.workforce import outcome_inputs

    _hand_made_store(store_url, tmp_path)
    engine = make_engine(store_url)
    settings = load_settings(engine)

    def snapshot(day):
        program = load_program(engine, as_of=day)
        return Snapshot(program, program_health(program, settings), program)

    inputs = outcome_inputs(engine, AS_OF)
    results = compare_outcomes(
        inputs["employees"],
        inputs["promotions"],
        participant_starts(inputs["participants"], inputs["pairs"]),
        as_of=AS_OF,
        minimum=1,
    )
    summary = replace(
        executive_summary(snapshot(AS_OF), snapshot(previous_as_of(AS_OF)), settings),
        outcomes=tuple(results),
    )
    engine.dispose()
    reader = pypdf.PdfReader(io.BytesIO(executive_pdf(summary, scope="All cohorts")))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Against comparable colleagues" in text
    assert "Mentors stayed 67 % vs 78 % (no clear difference, -11 pts" in text
    assert "Person M" not in text


def test_the_report_prints_retention_and_promotion_lines(cli_store, tmp_path, capsys) -> None:
    _hand_made_store(cli_store, tmp_path)
    assert main(["report", "--as-of", AS_OF.isoformat()]) == 0
    lines = capsys.readouterr().out.splitlines()
    retention = [line for line in lines if line.startswith("Retention vs comparable colleagues")]
    promotion = [line for line in lines if line.startswith("Promotion vs comparable colleagues")]
    assert [line.split(":")[0] for line in retention] == [
        "Retention vs comparable colleagues (mentors)",
        "Retention vs comparable colleagues (mentees)",
    ]
    assert len(promotion) == 2
    assert "Mentors stayed 67 % vs 78 %" in retention[0]
    assert "no mentee has a comparable colleague" in retention[1]


def test_program_managers_see_the_breakdown_by_cohort_and_department(
    app_on, store_url, tmp_path
) -> None:
    _hand_made_store(store_url, tmp_path)
    at = app_on(store_url, role="program_manager", page="screens/surveys.py", as_of=AS_OF).run()
    assert not at.exception
    assert "Outcomes against comparable colleagues" in [header.value for header in at.header]
    # Worked out when someone opens it, not on every visit of the screen.
    assert not [frame for frame in at.dataframe if "Participants" in frame.value.columns]
    at.session_state["outcomes_open"] = True
    at.run()
    assert not at.exception
    tables = [frame.value for frame in at.dataframe]
    by_cohort = next(t for t in tables if "Cohort" in t)
    mentors = by_cohort[(by_cohort["Role"] == "Mentors") & (by_cohort["Outcome"] == "Retention")]
    one = mentors[mentors["Cohort"] == "One"].iloc[0]  # cohort K1, shown by its name
    # K1: M1 and M2 (M3 has no colleague): 2 participants, under the minimum of 3.
    assert one["Participants"] == 2 and "anonymity minimum" in one["Note"]
    by_department = next(t for t in tables if "Department" in t)
    hr_mentees = by_department[
        (by_department["Department"] == "HR") & (by_department["Role"] == "Mentees")
    ]
    assert set(hr_mentees["Note"]) == {"no mentee paired"}
    sales = by_department[
        (by_department["Department"] == "Sales") & (by_department["Role"] == "Mentors")
    ].iloc[0]
    assert sales["Participants"] == 2 and pd.isna(sales["Rate"])
    text = page_text(at)
    for person_id, *_ in PARTICIPANTS:
        assert f"Person {person_id}" not in text
