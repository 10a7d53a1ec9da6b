"""A checked upload leaves only its report in the session: the files' rows (hundreds of MB for a
large program) are read again when Import is pressed, not kept in memory in between."""

from pathlib import Path

from sqlalchemy import Engine

from data_access.db import table_counts
from data_access.importer import ImportSource, RawTable

FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
DATA_PAGE = "screens/data.py"


def _held(value: object) -> bool:
    """True when `value` is, or holds, an import's rows."""
    if isinstance(value, ImportSource | RawTable):
        return True
    if isinstance(value, tuple | list):
        return any(_held(item) for item in value)
    if isinstance(value, dict):
        return any(_held(item) for item in value.values())
    return False


def test_a_checked_upload_keeps_no_rows_in_the_session(app_on, engine: Engine) -> None:
    uploads = [
        (path.name, path.read_bytes(), "text/csv") for path in sorted(FIXTURE_PROGRAM.glob("*.csv"))
    ]
    at = app_on(engine.url.render_as_string(hide_password=False), page=DATA_PAGE).run()
    at.file_uploader[0].set_value(uploads)
    at = at.run()
    assert not at.exception
    state = at.session_state
    held = [key for key, value in state.items() if _held(value)]
    assert held == [], f"the session keeps the import's rows in {held}"

    confirm = next(button for button in at.button if button.label.startswith("Import "))
    at = confirm.click().run()
    assert not at.exception
    assert any(table_counts(engine).values())
