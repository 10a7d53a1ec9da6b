"""`python -m app match`: a proposal for a cohort on a terminal, as CSV, and clear refusals."""

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from app.cli import EXIT_OK, EXIT_REFUSED, _write_pairs_csv, main
from sample_data.seed import seed_store

ANCHOR = date(2025, 6, 1)


@pytest.fixture
def demo_store(cli_store: str, engine: Engine) -> str:
    seed_store(engine, scale="demo", anchor=ANCHOR)
    return cli_store


def test_match_prints_a_summary_and_writes_the_pairs_as_csv(
    demo_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "proposals.csv"
    code = main(["match", "--cohort", "C03", "--as-of", ANCHOR.isoformat(), "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == EXIT_OK
    assert "Proposed pairs for cohort C03 (unmatched pool as of 2025-06-01)" in printed
    assert "Mentees matched" in printed and "Predicted health band" in printed
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and list(rows[0]) == [
        "mentor_id", "mentor_name", "mentee_id", "mentee_name", "score", "predicted_band",
        "reasons",
    ]  # fmt: skip
    assert f"{len(rows)} pairs written to {out}" in printed
    assert len({row["mentee_id"] for row in rows}) == len(rows)
    assert all(0 <= float(row["score"]) <= 100 and row["reasons"] for row in rows)


def test_an_unknown_cohort_is_refused_in_one_sentence(
    cli_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["match", "--cohort", "NOPE"]) == EXIT_REFUSED
    captured = capsys.readouterr()
    assert captured.err.strip() == "Match refused: There is no cohort 'NOPE'."
    assert "Traceback" not in captured.err


def test_csv_cells_that_look_like_formulas_are_guarded(tmp_path: Path) -> None:
    pairs = pd.DataFrame(
        [{"mentor_id": "=M1", "mentor_name": "@Ann", "mentee_id": "E1", "mentee_name": "Bo",
          "score": 71.25, "predicted_band": "Healthy", "reasons": "-x"}]
    )  # fmt: skip
    _write_pairs_csv(tmp_path / "p.csv", pairs)
    row = next(csv.DictReader((tmp_path / "p.csv").open(encoding="utf-8")))
    assert (row["mentor_id"], row["mentor_name"], row["reasons"]) == ("'=M1", "'@Ann", "'-x")
    assert row["score"] == "71.2"  # one decimal, as on screen
