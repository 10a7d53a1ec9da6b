"""`python -m app serve [streamlit options]`: `streamlit run streamlit_app.py`, after importing what
the router and every screen import (pandas, Altair, SQLAlchemy, the app's own modules).

A plain `streamlit run` imports them on the first visit, so the first person after every start —
a deploy, a restart, one more process behind the load balancer — waited about 1.3 s more on this
machine (the browser benchmark's first-visit rows). Importing them before the server listens
moves that wait to the start, where nobody is waiting: gunicorn's `--preload`. `make run`,
docs/deployment.md and the browser tests serve the app this way.
"""

import ast
import importlib
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTRYPOINT = ROOT / "streamlit_app.py"


def _is_module(name: str) -> bool:
    """Whether `name` is an importable module (not a function or class of one)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ModuleNotFoundError, ValueError):  # a name inside a module that is no package
        return False


def imported_by_pages() -> list[str]:
    """The modules the router and the screens import, in the order they name them."""
    from components.access import SCREENS

    names: list[str] = []
    for script in [ENTRYPOINT, *(ROOT / screen.file for screen in SCREENS)]:
        for node in ast.walk(ast.parse(script.read_text())):
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # `from components import executive` imports a module too, not only a name.
                found = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            else:
                continue
            names += [name for name in found if name not in names and _is_module(name)]
    return names


def preload() -> list[str]:
    """Import every module `imported_by_pages` names; return their names."""
    names = imported_by_pages()
    for name in names:
        importlib.import_module(name)
    return names


def serve(options: list[str]) -> int:
    """Preload, then hand over to Streamlit's own `streamlit run` with `options`."""
    preload()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ENTRYPOINT), *options]
    return cli.main()
