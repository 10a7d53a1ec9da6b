"""Importing another program's file through a mapping: the presets on the sample exports, the
refusals (named by the SOURCE file's line and header), re-imports, encodings, saved mappings and
the command line. Every test runs on SQLite and PostgreSQL."""

import codecs
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from app.cli import EXIT_OK, EXIT_REFUSED, main
from app.metrics import net_promoter_score
from data_access.db import table_counts
from data_access.exporter import export_directory
from data_access.importer import read_directory, run_import
from data_access.importer.mapping import (
    Mapping,
    MappingError,
    preset,
    preset_names,
    read_source,
    run_mapped_import,
    save_mapping,
    saved_mapping,
    saved_mappings,
    suggest_mapping,
)
from data_access.importer.mapping.fields import kinds, synonyms
from data_access.importer.model import ImportSourceError

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "sample_data" / "demo"
EXPORTS = ROOT / "sample_data" / "exports"
PRESETS = ROOT / "data_access" / "importer" / "mapping" / "presets"
SURVEY_SAMPLES = {
    "google_forms_pulse": "google_forms_pulse.csv",
    "microsoft_forms_pulse": "microsoft_forms_pulse.xlsx",
    "qualtrics_pulse": "qualtrics_pulse.csv",
}
GOOGLE = EXPORTS / "google_forms_pulse.csv"


def import_demo_people(engine: Engine, folder: Path) -> Engine:
    """The demo program's cohorts, people (and their employee records) and pairs, no surveys
    yet, imported natively from the shipped CSVs copied into `folder`."""
    folder.mkdir()
    for name in ("cohorts", "employees", "participants", "pairs"):
        shutil.copy(DEMO / f"{name}.csv", folder)
    assert run_import(read_directory(folder), engine=engine).applied
    return engine


@pytest.fixture
def program(engine: Engine, tmp_path: Path) -> Engine:
    return import_demo_people(engine, tmp_path / "people")


def _import(engine: Engine, name: str, content: bytes, mapping: Mapping, **kwargs):
    table, warnings = read_source(name, content, sheet=mapping.sheet, skip_rows=mapping.skip_rows)
    return run_mapped_import(table, mapping, engine=engine, warnings=warnings, **kwargs)


def _surveys(engine: Engine) -> pd.DataFrame:
    with engine.connect() as connection:
        frame = pd.read_sql(text("SELECT * FROM survey_response ORDER BY response_id"), connection)
    frame["submitted_on"] = pd.to_datetime(frame["submitted_on"]).dt.date  # text on SQLite
    return frame


def _demo(name: str) -> pd.DataFrame:
    return pd.read_csv(DEMO / f"{name}.csv", dtype=str, keep_default_na=False)


def _problems(report) -> list[str]:
    return [str(problem) for problem in report.problems]


def _google(replace: dict[str, str] | None = None) -> bytes:
    content = GOOGLE.read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        assert old in content
        content = content.replace(old, new, 1)
    return content.encode("utf-8")


# -- the presets on their sample files ---------------------------------------------------------


@pytest.mark.parametrize("stem", sorted(SURVEY_SAMPLES))
def test_each_survey_preset_imports_its_sample_with_no_edits(program: Engine, stem: str) -> None:
    name = SURVEY_SAMPLES[stem]
    report = _import(program, name, (EXPORTS / name).read_bytes(), preset(stem))
    assert report.ok and report.applied, _problems(report)
    surveys = _surveys(program)
    assert len(surveys) == 8
    # Worked out by hand from the answer words of the sample files (the same eight answers in
    # each file, in another order): satisfaction Very satisfied ×3 (5), Satisfied ×3 (4),
    # Neither… (3), Dissatisfied (2) → 32 / 8 = 4.0; NPS 10, 8, 7, 5, 9, 0, 9, 10 → promoters 4,
    # detractors 2 (5 and 0) → (4 − 2) / 8 = 25.
    assert surveys["satisfaction"].mean() == 4.0
    assert net_promoter_score(surveys["nps"]) == pytest.approx(25.0)
    assert set(surveys["kind"]) == {"pulse"}
    # every answer is placed on its respondent's pair, in that pair's cohort
    pairs = _demo("pairs").set_index("pair_id")
    for row in surveys.itertuples():
        pair = pairs.loc[row.pair_id]
        assert row.participant_id in (pair.mentor_id, pair.mentee_id)
        assert row.cohort_id == pair.cohort_id
    assert all(d.isoformat().startswith("2026-11-0") for d in surveys["submitted_on"])


def test_the_first_google_forms_row_lands_as_worked_out_by_hand(program: Engine) -> None:
    # line 2: 11/3/2026 9:00:00, urs.kohl@example.com, Very satisfied, Strongly agree, Agree,
    # "10 - Extremely likely", "Loved the prompt-writing session"
    report = _import(program, GOOGLE.name, GOOGLE.read_bytes(), preset("google_forms_pulse"))
    assert report.ok
    people = _demo("participants").set_index("email")
    urs = people.loc["urs.kohl@example.com", "participant_id"]
    row = _surveys(program).set_index("participant_id").loc[urs]
    assert row.submitted_on == date(2026, 11, 3)
    assert (row.satisfaction, row.relationship_quality, row.digital_confidence, row.nps) == (
        5,
        5,
        4,
        10,
    )
    assert row.comment == "Loved the prompt-writing session"


def test_the_qualtrics_preset_skips_its_two_extra_header_rows_and_keeps_its_ids(
    program: Engine,
) -> None:
    name = SURVEY_SAMPLES["qualtrics_pulse"]
    report = _import(program, name, (EXPORTS / name).read_bytes(), preset("qualtrics_pulse"))
    assert report.ok
    surveys = _surveys(program)
    assert set(surveys["response_id"]) == {
        line.split(",")[8] for line in (EXPORTS / name).read_text("utf-8-sig").splitlines()[3:]
    }


def test_the_hr_preset_updates_the_people_it_knows_and_adds_the_new_ones(program: Engine) -> None:
    before = table_counts(program)["participants"]
    name = "workday_people.xlsx"
    report = _import(program, name, (EXPORTS / name).read_bytes(), preset("workday_people"))
    assert report.ok, _problems(report)
    (summary,) = report.files
    assert (summary.rows, summary.new, summary.updated) == (12, 2, 10)
    assert table_counts(program)["participants"] == before + 2
    with program.connect() as connection:
        people = pd.read_sql(text("SELECT * FROM participant"), connection).set_index("email")
    ann = people.loc["ann.hahn@example.com"]
    demo_ann = _demo("participants").set_index("email").loc["ann.hahn@example.com"]
    assert ann.participant_id == demo_ann.participant_id  # kept her id: keyed by e-mail
    assert ann.department == "Operations"  # "CC-2100 Operations"
    assert ann.job_level == 2  # "Individual Contributor"
    assert ann.timezone == "America/Toronto"  # "GMT-05:00 Eastern Time (Toronto)"
    assert ann.skills_offered == demo_ann.skills_offered  # not in the report: kept
    maren = people.loc["maren.olsby@example.com"]
    assert (maren["name"], maren.role, maren.department) == ("Maren Olsby", "mentor", "Marketing")
    assert maren.capacity == 1  # the format's default for a new person


def test_importing_the_same_export_again_changes_nothing(program: Engine) -> None:
    mapping = preset("google_forms_pulse")
    assert _import(program, GOOGLE.name, GOOGLE.read_bytes(), mapping).applied
    first = _surveys(program)
    again = _import(program, GOOGLE.name, GOOGLE.read_bytes(), mapping)
    assert again.ok
    assert (again.files[0].new, again.files[0].updated) == (0, 8)
    pd.testing.assert_frame_equal(_surveys(program), first)


# -- refusals: whole, named by the source's line and header ------------------------------------


def _refused(engine: Engine, report) -> list[str]:
    assert not report.ok and not report.applied
    assert table_counts(engine)["surveys"] == 0
    return _problems(report)


def test_a_file_with_two_columns_swapped_is_refused_naming_them(program: Engine) -> None:
    satisfied = "How satisfied are you with the program so far?"
    likely = "How likely are you to recommend the program to a colleague?"
    content = _google({satisfied: "@@", likely: satisfied}).replace(b"@@", likely.encode())
    report = _import(program, GOOGLE.name, content, preset("google_forms_pulse"))
    problems = _refused(program, report)
    # the satisfaction question now holds the 0–10 answers, the NPS one the words
    assert any(p.startswith(f"google_forms_pulse.csv:2 {satisfied} — ") for p in problems)
    assert f"google_forms_pulse.csv:2 {likely} — 'Very satisfied' is not an answer" in "\n".join(
        problems
    )


def test_an_unknown_answer_word_is_refused_with_its_line_and_header(program: Engine) -> None:
    content = _google({"bryan.howe@example.com,Satisfied": "bryan.howe@example.com,Kinda happy"})
    report = _import(program, GOOGLE.name, content, preset("google_forms_pulse"))
    (problem,) = _refused(program, report)
    assert problem.startswith(
        "google_forms_pulse.csv:3 How satisfied are you with the program so far? — "
        "'Kinda happy' is not an answer"
    )
    assert "[values.satisfaction]" in problem


def test_a_mapped_word_is_accepted(program: Engine) -> None:
    content = _google({"bryan.howe@example.com,Satisfied": "bryan.howe@example.com,Kinda happy"})
    mapping = preset("google_forms_pulse")
    mapping.values["satisfaction"] = {"Kinda happy": "4"}
    assert _import(program, GOOGLE.name, content, mapping).applied
    assert _surveys(program)["satisfaction"].mean() == 4.0


def test_an_ambiguous_date_with_no_format_is_refused(program: Engine) -> None:
    mapping = preset("google_forms_pulse")
    mapping.date_format = None
    problems = _refused(program, _import(program, GOOGLE.name, GOOGLE.read_bytes(), mapping))
    assert problems[0].startswith(
        "google_forms_pulse.csv:2 Timestamp — '11/3/2026 9:00:00' is ambiguous"
    )
    assert len(problems) == 8  # every row's date: 3 to 5 November, all ≤ 12


def test_an_email_nobody_has_is_refused_with_its_line(program: Engine) -> None:
    content = _google({"tony.day@example.com": "nobody@example.com"})
    (problem,) = _refused(
        program, _import(program, GOOGLE.name, content, preset("google_forms_pulse"))
    )
    assert problem.startswith(
        "google_forms_pulse.csv:4 Email address — no participant has the e-mail "
        "'nobody@example.com'"
    )


def test_an_answer_from_before_the_respondent_had_a_pair_cannot_be_placed(
    program: Engine,
) -> None:
    content = _google({"11/4/2026 10:07:11": "1/15/2025 10:07:11"})
    (problem,) = _refused(
        program, _import(program, GOOGLE.name, content, preset("google_forms_pulse"))
    )
    assert problem.startswith("google_forms_pulse.csv:3 pair_id (the pair of Email address on")
    assert "was in no pair on 2025-01-15" in problem


def test_a_required_field_not_mapped_is_refused_before_any_row(program: Engine) -> None:
    mapping = preset("google_forms_pulse")
    del mapping.constants["kind"]
    (problem,) = _refused(program, _import(program, GOOGLE.name, GOOGLE.read_bytes(), mapping))
    assert problem == (
        "google_forms_pulse.csv:1 kind — required field is not mapped to a column or a constant"
    )


def test_a_mapped_header_the_file_lacks_is_refused(program: Engine) -> None:
    mapping = preset("google_forms_pulse")
    mapping.columns["comment"] = "Comments"
    (problem,) = _refused(program, _import(program, GOOGLE.name, GOOGLE.read_bytes(), mapping))
    assert problem.startswith("google_forms_pulse.csv:1 Comments — is not a column of this file")


def test_a_value_out_of_range_is_named_by_the_source_header(program: Engine) -> None:
    content = _google({"bryan.howe@example.com,Satisfied,Agree,Strongly agree,8": (
        "bryan.howe@example.com,Satisfied,Agree,Strongly agree,11")})  # fmt: skip
    (problem,) = _refused(
        program, _import(program, GOOGLE.name, content, preset("google_forms_pulse"))
    )
    assert problem.startswith(
        "google_forms_pulse.csv:3 How likely are you to recommend the program to a colleague? — "
    )


def test_the_same_response_twice_in_one_export_is_refused(program: Engine) -> None:
    lines = GOOGLE.read_bytes().splitlines(keepends=True)
    content = b"".join([*lines, lines[1]])
    problems = _refused(
        program, _import(program, GOOGLE.name, content, preset("google_forms_pulse"))
    )
    assert problems and "response_id (derived from Email address + Timestamp)" in problems[0]


# -- encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encode", "warning"),
    [
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), None),
        (lambda t: t.replace(",", "\t").encode("utf-16"), "UTF-16"),
        (lambda t: t.replace(",", "\t").encode("utf-16-le"), "UTF-16"),
        (lambda t: t.replace("Loved", "Lov\u00e9d").encode("cp1252"), "Windows-1252"),
    ],
    ids=["utf8-bom", "utf16-tabs", "utf16-no-bom", "cp1252"],
)
def test_other_encodings_are_detected(program: Engine, encode, warning: str | None) -> None:
    source = GOOGLE.read_text(encoding="utf-8").replace("so far?", "so far")
    mapping = preset("google_forms_pulse")
    mapping.columns["satisfaction"] = "How satisfied are you with the program so far"
    # a comma inside a quoted comment would become a tab too: drop that comment
    source = source.replace('"More time for practice, please"', "More time")
    source = source.replace('"My partner showed me how to, well, actually use Copilot"', "Copilot")
    report = _import(program, GOOGLE.name, encode(source), mapping)
    assert report.ok, _problems(report)
    assert len(_surveys(program)) == 8
    assert any(warning in w for w in report.warnings) if warning else not report.warnings


def test_a_file_in_no_known_encoding_is_refused_in_a_sentence() -> None:
    with pytest.raises(ImportSourceError, match="not text PairPulse can read.*CSV UTF-8"):
        read_source("odd.csv", b"Timestamp,Email\n\x81\x8d,x\n")


# -- the TOML format, suggestions, saved mappings ------------------------------------------------


@pytest.mark.parametrize("stem", ["google_forms_pulse", "qualtrics_pulse", "workday_people"])
def test_a_mapping_survives_export_and_import_as_toml(stem: str) -> None:
    mapping = preset(stem)
    assert Mapping.from_toml(mapping.to_toml()) == mapping


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('kind = "pets"', "not an import file"),
        ('kind = "surveys"\n[columns]\nmood = "Mood"', "not a field of surveys"),
        ("kind = ", "not valid TOML"),
        ('[columns]\nnps = "Q4"', "has no kind"),
        ('kind = "surveys"\nskip_rows = 99', "skip_rows"),
    ],
)
def test_a_bad_mapping_is_refused_in_a_sentence(toml: str, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        Mapping.from_toml(toml)


def test_the_google_forms_header_suggests_the_preset_and_no_date_format() -> None:
    table, _ = read_source(GOOGLE.name, GOOGLE.read_bytes())
    suggested = suggest_mapping(table)
    assert suggested.kind == "surveys"
    assert suggested.columns == preset("google_forms_pulse").columns
    assert suggested.date_format is None  # 11/3 … 11/5: the person must choose


def test_a_day_over_twelve_suggests_the_date_format() -> None:
    content = _google({"11/4/2026 10:07:11": "11/24/2026 10:07:11"})
    table, _ = read_source(GOOGLE.name, content)
    assert suggest_mapping(table).date_format == "%m/%d/%Y"


def test_every_kind_has_its_own_name_as_a_synonym_of_each_field() -> None:
    for kind in kinds():
        assert synonyms(kind, "satisfaction")[0] == "satisfaction"


def test_a_saved_mapping_is_offered_for_a_file_with_the_same_headers(program: Engine) -> None:
    table, _ = read_source(GOOGLE.name, GOOGLE.read_bytes())
    mapping = preset("google_forms_pulse")
    save_mapping(program, "Google Forms pulse, mapped 12 Nov", mapping, table.header, "ada")
    same, _ = read_source("next_month.csv", _google({"Email address": "Email Address"}))
    offered = saved_mappings(program, same.header)
    assert [saved.name for saved in offered] == ["Google Forms pulse, mapped 12 Nov"]
    assert offered[0].mapping.columns == mapping.columns
    other, _ = read_source("q.csv", (EXPORTS / "qualtrics_pulse.csv").read_bytes())
    assert saved_mappings(program, other.header) == []
    assert saved_mapping(program, "Google Forms pulse, mapped 12 Nov").columns == mapping.columns


# -- the command line ----------------------------------------------------------------------------


def test_cli_dry_run_with_a_mapping_writes_nothing(
    cli_store: str, program: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    toml = str(PRESETS / "google_forms_pulse.toml")
    assert main(["import", str(GOOGLE), "--mapping", toml, "--dry-run"]) == EXIT_OK
    assert "All 8 rows are valid; nothing was written." in capsys.readouterr().out
    assert table_counts(program)["surveys"] == 0


def test_cli_imports_with_a_saved_mapping_by_name(
    cli_store: str, program: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    table, _ = read_source(GOOGLE.name, GOOGLE.read_bytes())
    save_mapping(program, "pulse", preset("google_forms_pulse"), table.header, "ada")
    assert main(["import", str(GOOGLE), "--mapping-name", "pulse"]) == EXIT_OK
    assert "Imported 8 rows." in capsys.readouterr().out
    assert table_counts(program)["surveys"] == 8


def test_cli_refuses_a_bad_file_naming_the_source_line_and_header(
    cli_store: str, program: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "pulse.csv"
    bad.write_bytes(_google({"tony.day@example.com": "nobody@example.com"}))
    args = ["import", str(bad), "--kind", "surveys", "--mapping-name", "google_forms_pulse"]
    assert main(args) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "pulse.csv:4 Email address — no participant has the e-mail" in err
    assert table_counts(program)["surveys"] == 0


def test_cli_refuses_a_kind_that_disagrees_with_the_mapping(
    cli_store: str, program: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["import", str(GOOGLE), "--kind", "pairs", "--mapping-name", "google_forms_pulse"]
    assert main(args) == EXIT_REFUSED
    assert "does not agree with the mapping's kind (surveys)" in capsys.readouterr().err


def test_every_shipped_preset_has_a_sample_file() -> None:
    assert set(preset_names()) == {*SURVEY_SAMPLES, "workday_people"}


def test_the_documented_example_is_the_google_forms_preset() -> None:
    docs = (ROOT / "docs" / "import-format.md").read_text(encoding="utf-8")
    example = docs.split("```toml\n", 1)[1].split("```", 1)[0]
    assert Mapping.from_toml(example) == preset("google_forms_pulse")
    assert example == (PRESETS / "google_forms_pulse.toml").read_text(encoding="utf-8")


def test_a_formula_looking_answer_is_kept_as_text_and_guarded_on_export(
    program: Engine, tmp_path: Path
) -> None:
    report = _import(program, GOOGLE.name, GOOGLE.read_bytes(), preset("google_forms_pulse"))
    assert report.applied
    assert "=useful, every single week" in set(_surveys(program)["comment"])
    export_directory(tmp_path / "out", engine=program)
    exported = (tmp_path / "out" / "surveys.csv").read_text(encoding="utf-8")
    assert "'=useful, every single week" in exported


def test_a_sheet_the_workbook_lacks_is_refused_in_a_sentence() -> None:
    content = (EXPORTS / "workday_people.xlsx").read_bytes()
    with pytest.raises(ImportSourceError, match="has no sheet 'People'.*Workers"):
        read_source("workday_people.xlsx", content, sheet="People")


def test_a_qualtrics_export_is_recognised_by_its_extra_header_rows() -> None:
    content = (EXPORTS / "qualtrics_pulse.csv").read_bytes()
    table, _ = read_source("qualtrics_pulse.csv", content)
    suggested = suggest_mapping(table)
    expected = preset("qualtrics_pulse")
    assert suggested.skip_rows == 2  # the question text and the import ids
    assert suggested.columns == expected.columns  # Q1…Q5 found by their question text


def test_cli_with_only_a_kind_uses_the_suggestion_and_names_what_is_missing(
    cli_store: str, program: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    path = EXPORTS / "qualtrics_pulse.csv"
    assert main(["import", str(path), "--kind", "surveys", "--dry-run"]) == EXIT_REFUSED
    captured = capsys.readouterr()
    assert 'participant_email = "RecipientEmail"' in captured.out
    assert (
        "qualtrics_pulse.csv:1 kind — required field is not mapped to a column or a constant"
        in captured.err
    )


def test_an_hr_export_is_suggested_as_the_workforce_file_too() -> None:
    """The workforce files (issue 20) map like every kind: a Workday-style people export read
    as `employees` gets each field from its own header."""
    path = EXPORTS / "workday_people.xlsx"
    table, _ = read_source(path.name, path.read_bytes())
    assert suggest_mapping(table, "employees").columns == {
        "employee_id": "Employee ID",
        "email": "Email - Work",
        "department": "Cost Center",
        "job_level": "Management Level",
        "location": "Location",
        "hired_on": "Hire Date",
        "left_on": "Termination Date",
    }
