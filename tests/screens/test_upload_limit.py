"""The Data screen refuses an import bigger than the server's upload limit before reading it."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit import config

import data_access.importer

DATA_PAGE = "screens/data.py"
FIXTURE_PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "program"
MIB = 1024 * 1024


@pytest.fixture
def one_mb_limit() -> Iterator[None]:
    """`server.maxUploadSize` at 1 MB for the test (200 MB in .streamlit/config.toml)."""
    before = config.get_option("server.maxUploadSize")
    config.set_option("server.maxUploadSize", 1)
    yield
    config.set_option("server.maxUploadSize", before)


def test_files_over_the_limit_together_are_refused_unread(
    app_on, sqlite_url: str, one_mb_limit, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_on(sqlite_url, page=DATA_PAGE).run()
    reads: list[object] = []
    real_read = data_access.importer.read_uploads
    monkeypatch.setattr(
        data_access.importer, "read_uploads", lambda files: reads.append(files) or real_read(files)
    )
    # Each file is under the 1 MB limit (the uploader's own check); together they are over it.
    big = b"cohort_id,name,start_date\n" + b"x" * (600 * 1024)
    at.file_uploader[0].set_value(
        [("cohorts.csv", big, "text/csv"), ("goals.csv", big, "text/csv")]
    )
    at.run()
    assert not at.exception
    refusal = [error.value for error in at.error]
    assert len(refusal) == 1
    assert "These files hold 1.2 MB together; one import takes at most 1 MB" in refusal[0]
    assert not reads  # refused before anything was read
    assert not [button for button in at.button if button.label.startswith("Import ")]

    cohorts = (FIXTURE_PROGRAM / "cohorts.csv").read_bytes()
    at.file_uploader[0].set_value([("cohorts.csv", cohorts, "text/csv")])
    at.run()
    assert not at.exception and not at.error
    assert len(reads) == 1  # within the limit: read and checked as usual
    assert [button for button in at.button if button.label.startswith("Import ")]
