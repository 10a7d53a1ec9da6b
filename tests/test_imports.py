"""The direction of imports and the one home of Streamlit's caches, checked on the source (an AST
walk, like test_docs.py): docs/architecture.md, "Layout and the direction of imports"."""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Packages that run without Streamlit (the CLI, the benchmarks, the tests use them bare).
PLAIN = ["app", "data_access", "sample_data"]
STREAMLIT_SIDE = ("streamlit", "components", "screens")
CACHES = {"cache_data", "cache_resource"}
#: The one home of Streamlit caching.
LOADERS = ROOT / "components" / "loaders"


def _python_files(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from (path for path in (ROOT / folder).rglob("*.py") if "vendor" not in path.parts)


def _every_python_file() -> Iterator[Path]:
    yield ROOT / "streamlit_app.py"
    yield from _python_files("app", "components", "data_access", "sample_data", "screens")
    yield from _python_files("scripts", "tests")


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in it (inside functions too), relative imports
    resolved; for `from package import name` both `package` and `package.name`."""
    package = _module_of(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _top(module: str) -> str:
    return module.split(".")[0]


def test_app_data_access_and_sample_data_never_import_streamlit_components_or_screens() -> None:
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _python_files(*PLAIN)
        for module in imported_modules(path)
        if _top(module) in STREAMLIT_SIDE
    )
    assert wrong == []


def test_data_access_never_imports_app() -> None:
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _python_files("data_access")
        for module in imported_modules(path)
        if _top(module) == "app"
    )
    assert wrong == []


def test_nothing_imports_screens_and_scripts_never_import_tests() -> None:
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _every_python_file()
        for module in imported_modules(path)
        if _top(module) == "screens"
        or (_top(module) == "tests" and path.relative_to(ROOT).parts[0] == "scripts")
    )
    assert wrong == []


def _uses_a_cache(path: Path) -> list[str]:
    uses = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Attribute) and node.attr in CACHES:
            uses.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and _top(node.module or "") == "streamlit":
            uses += [
                f"{path.relative_to(ROOT)}:{node.lineno} imports {alias.name}"
                for alias in node.names
                if alias.name in CACHES
            ]
    return uses


def test_streamlit_caches_are_made_and_cleared_only_in_components_loaders() -> None:
    """Everything else (screens, components, the tests, the scripts) reads through
    `components.loaders` and clears through its `clear_caches`."""
    outside = [
        use
        for path in _every_python_file()
        if LOADERS not in path.parents
        for use in _uses_a_cache(path)
    ]
    assert outside == []
    assert any(_uses_a_cache(path) for path in LOADERS.glob("*.py"))  # the walk sees them


def test_the_walk_sees_imports() -> None:
    """The rules above are not vacuous: the walk finds imports where they are."""
    assert "streamlit" in imported_modules(ROOT / "components" / "loaders" / "cache.py")
    assert "data_access.db" in imported_modules(ROOT / "app" / "startup.py")
    assert "components.access" in imported_modules(ROOT / "streamlit_app.py")
