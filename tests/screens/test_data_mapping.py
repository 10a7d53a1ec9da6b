"""The Data screen's mapping step ("Another program's file"): upload a survey export, adjust the
suggested mapping, check, import; the saved mapping is offered again; the screen and the command
line import the same rows."""

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from app.cli import EXIT_OK, main
from components.literal import md
from data_access.db import table_counts
from data_access.importer.mapping import read_source, saved_mappings
from tests.data_access.test_import_mapping import import_demo_people
from tests.screens.conftest import page_text

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "sample_data" / "demo"
GOOGLE = ROOT / "sample_data" / "exports" / "google_forms_pulse.csv"
DATA_PAGE = "screens/data.py"


@pytest.fixture
def program(engine: Engine, tmp_path: Path) -> Engine:
    return import_demo_people(engine, tmp_path / "people")


def _surveys(engine: Engine) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.read_sql(text("SELECT * FROM survey_response ORDER BY response_id"), connection)


def _by_label(widgets, label: str):
    return next(widget for widget in widgets if widget.label == label)


def _upload(app_on, engine: Engine):
    at = app_on(engine.url.render_as_string(hide_password=False), page=DATA_PAGE).run()
    uploader = _by_label(at.file_uploader, "A file from another program")
    uploader.set_value([(GOOGLE.name, GOOGLE.read_bytes(), "text/csv")])
    at = at.run()
    assert not at.exception
    return at


def _problems(at) -> str:
    return "\n".join(str(block.value) for block in at.code)


def _adjust_and_check(at):
    """The suggestion has no survey kind and no date format (11/3/2026 reads both ways): the
    person sets them, one at a time, and the check follows each change."""
    assert "google_forms_pulse.csv:1 kind — required field is not mapped" in _problems(at)
    _by_label(at.text_input, "kind: constant").set_value("pulse")
    at = at.run()
    assert not at.exception
    problems = _problems(at)
    assert "google_forms_pulse.csv:2 Timestamp — '11/3/2026 9:00:00' is ambiguous" in problems
    _by_label(at.selectbox, "Date format").set_value("%m/%d/%Y")
    at = at.run()
    assert not at.exception
    assert "All 8 rows in 1 file(s) are valid" in page_text(at)
    return at


def test_the_mapping_step_suggests_checks_and_imports(app_on, program: Engine) -> None:
    at = _upload(app_on, program)
    assert _by_label(at.selectbox, "What the file holds").value == "surveys"
    assert _by_label(at.selectbox, "participant_email").value == "Email address"
    assert not [b for b in at.button if b.label.startswith("Import ")], "refused: no Import"
    at = _adjust_and_check(at)
    assert table_counts(program)["surveys"] == 0, "nothing is written before Import"
    at = next(b for b in at.button if b.label == "Import 8 rows").click().run()
    assert not at.exception
    done = "Imported 8 rows from google_forms_pulse.csv: 8 new, 0 updated."
    assert md(done) in page_text(at)
    assert table_counts(program)["surveys"] == 8


def test_a_saved_mapping_is_offered_for_the_same_headers(app_on, program: Engine) -> None:
    at = _adjust_and_check(_upload(app_on, program))
    _by_label(at.text_input, "Save this mapping as").set_value("Google Forms pulse, mapped 12 Nov")
    at = _by_label(at.button, "Save mapping").click().run()
    assert not at.exception
    table, _ = read_source(GOOGLE.name, GOOGLE.read_bytes())
    assert [s.name for s in saved_mappings(program, table.header)] == [
        "Google Forms pulse, mapped 12 Nov"
    ]
    again = _upload(app_on, program)  # a new session, the same file
    offered = "A mapping saved for files with these headers: Google Forms pulse, mapped 12 Nov"
    assert md(offered) in page_text(again)
    assert _by_label(again.selectbox, "Start from").value == "Google Forms pulse, mapped 12 Nov"
    assert "All 8 rows in 1 file(s) are valid" in page_text(again)


def test_the_screen_and_the_command_line_import_the_same_rows(
    app_on, program: Engine, cli_store: str, tmp_path: Path
) -> None:
    at = _adjust_and_check(_upload(app_on, program))
    at = next(b for b in at.button if b.label == "Import 8 rows").click().run()
    assert not at.exception
    from_screen = _surveys(program)
    assert len(from_screen) == 8
    # the same choices as a TOML file for the command line
    toml = tmp_path / "pulse.toml"
    toml.write_text(
        'kind = "surveys"\ndate_format = "%m/%d/%Y"\n[columns]\n'
        'participant_email = "Email address"\nsubmitted_on = "Timestamp"\n'
        'satisfaction = "How satisfied are you with the program so far?"\n'
        'relationship_quality = "I have a good working relationship with my partner."\n'
        'digital_confidence = "I feel confident using digital tools at work."\n'
        'nps = "How likely are you to recommend the program to a colleague?"\n'
        'comment = "Anything else you\'d like to share?"\n'
        '[constants]\nkind = "pulse"\n',
        encoding="utf-8",
    )
    with program.begin() as connection:
        connection.execute(text("DELETE FROM survey_response"))
    assert main(["import", str(GOOGLE), "--mapping", str(toml)]) == EXIT_OK
    pd.testing.assert_frame_equal(_surveys(program), from_screen)


def test_a_preset_needs_no_edits_and_a_bad_mapping_file_is_refused(app_on, program: Engine) -> None:
    at = _upload(app_on, program)
    _by_label(at.selectbox, "Start from").set_value("Preset: google_forms_pulse")
    at = at.run()
    assert not at.exception
    assert "All 8 rows in 1 file(s) are valid" in page_text(at)
    _by_label(at.selectbox, "Start from").set_value("A mapping file (TOML)…")
    at = at.run()
    toml = _by_label(at.file_uploader, "Mapping file")
    toml.set_value([("bad.toml", b'kind = "pets"\n', "application/toml")])
    at = at.run()
    assert not at.exception
    assert "The mapping's kind 'pets' is not an import file" in page_text(at).replace("\\", "")
    assert table_counts(program)["surveys"] == 0
