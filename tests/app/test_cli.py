"""The command line refuses what it cannot do with one sentence and a non-zero status."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, env_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env={"DATABASE_URL": env_url, "PATH": "/usr/bin:/bin", "PAIRPULSE_DEMO_DATA": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unreachable_store_is_reported_without_a_traceback() -> None:
    result = _run("init", env_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.returncode == 1
    assert "The store could not be reached" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_migrates_a_new_store_and_leaves_it_empty_when_demo_data_is_off(tmp_path) -> None:
    result = _run("init", env_url=f"sqlite:///{tmp_path / 'new.db'}")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert (tmp_path / "new.db").exists()


def test_an_unknown_command_is_refused_with_usage(tmp_path) -> None:
    result = _run("frobnicate", env_url=f"sqlite:///{tmp_path / 'new.db'}")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_serve_imports_what_every_screen_imports_before_the_server_starts() -> None:
    """`python -m app serve` preloads: afterwards, running every import line of the router and
    the screens loads no module that was not loaded already (so a first visit waits for none)."""
    check = """
import ast, sys
from scripts.serve import ENTRYPOINT, ROOT, preload
from components.access import SCREENS
preload()
before = set(sys.modules)
for script in [ENTRYPOINT, *(ROOT / screen.file for screen in SCREENS)]:
    for node in ast.walk(ast.parse(script.read_text())):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            exec(compile(ast.Module([node], []), str(script), "exec"), {})
new = sorted(name for name in set(sys.modules) - before if not name.startswith("_"))
print(len(before), new)
"""
    done = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=300, check=True
    )
    loaded, new = done.stdout.strip().split(" ", 1)
    assert int(loaded) > 500 and new == "[]", done.stdout
