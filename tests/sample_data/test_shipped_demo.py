"""The demo CSVs shipped in sample_data/demo are the generator's demo program, exported."""

from datetime import date
from pathlib import Path

from data_access.db import make_engine, table_counts, upgrade_store
from data_access.exporter import export_directory
from data_access.importer import read_directory, run_import
from sample_data.seed import seed_store

SHIPPED = Path(__file__).resolve().parents[2] / "sample_data" / "demo"
SHIPPED_ANCHOR = date(2026, 11, 23)  # the anchor they were generated with (docs/sample-data.md)


def test_shipped_demo_csvs_are_the_generators_output(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    upgrade_store(engine)
    seed_store(engine, scale="demo", seed=7, anchor=SHIPPED_ANCHOR)
    export_directory(tmp_path / "export", engine=engine)
    engine.dispose()
    shipped = sorted(path.name for path in SHIPPED.glob("*.csv"))
    assert len(shipped) == 8  # six program files and the two workforce files
    for name in shipped:
        assert (tmp_path / "export" / name).read_bytes() == (SHIPPED / name).read_bytes(), name


def test_shipped_demo_csvs_import_cleanly(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    report = run_import(read_directory(SHIPPED), engine=engine)
    assert report.ok and report.applied, report.as_text()
    assert table_counts(engine)["pairs"] == sum(1 for _ in (SHIPPED / "pairs.csv").open()) - 1
    engine.dispose()
