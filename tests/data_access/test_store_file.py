"""The SQLite store's file: a path that cannot hold a store is refused in one sentence, and a file
replaced under a running process (a backup restored over it) is reopened, so that writes land in
the file that is there now and not in the old one."""

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import EXIT_STORE_UNREACHABLE, main
from data_access.db import StoreLocationError, forget_engines, make_engine, store_generation
from data_access.models import Cohort
from data_access.writes import upsert_rows
from tests.data_access.test_schema import PILOT

SECOND = {**PILOT, "cohort_id": "C2", "name": "Second cohort"}


def _cohort_ids(path: Path) -> list[str]:
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        ids = list(connection.execute(select(Cohort.cohort_id)).scalars())
    engine.dispose()
    return ids


def test_a_write_after_the_file_is_replaced_lands_in_the_new_file(
    tmp_path: Path, _sqlite_template: Path
) -> None:
    live, backup = tmp_path / "pairpulse.db", tmp_path / "backup.db"
    shutil.copyfile(_sqlite_template, live)
    shutil.copyfile(_sqlite_template, backup)
    engine = make_engine(f"sqlite:///{live}")
    with engine.begin() as connection:  # the running app has the store open
        upsert_rows(connection, Cohort, [PILOT])
    assert store_generation(engine) == 0

    os.replace(backup, live)  # a backup is restored over the store while the app runs

    with engine.begin() as connection:
        upsert_rows(connection, Cohort, [SECOND])
    with engine.connect() as connection:  # the app reads what the restored file holds
        seen = list(connection.execute(select(Cohort.cohort_id)).scalars())
    engine.dispose()
    assert seen == ["C2"]
    assert _cohort_ids(live) == ["C2"]
    assert store_generation(engine) == 1


def _not_a_store(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a database\n", encoding="utf-8")
    folder = tmp_path / "folder.db"
    folder.mkdir()
    return {
        "a folder under a file": (a_file / "sub" / "x.db", "cannot be created"),
        "a folder": (folder, "is a folder, not a SQLite file"),
        "a text file": (a_file, "is not a SQLite database file"),
    }


@pytest.mark.parametrize("case", ["a folder under a file", "a folder", "a text file"])
def test_a_path_that_cannot_be_a_store_is_refused_in_one_sentence(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    path, says = _not_a_store(tmp_path)[case]
    with pytest.raises(StoreLocationError, match=says):
        make_engine(f"sqlite:///{path}")

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    try:
        assert main(["report"]) == EXIT_STORE_UNREACHABLE
    finally:
        forget_engines()
    err = capsys.readouterr().err
    assert says in err and str(path) in err
    assert "Traceback" not in err
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "not a database\n"
