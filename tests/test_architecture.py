"""The house rules a newcomer relies on, checked on every run.

- `sourcing/` never imports Streamlit (the domain runs in the CLI, the bench and tests alike).
- No page module over 300 lines, no module of `sourcing/` over 500 lines (data tables and
  migrations aside), no function of `sourcing/` over 80 lines: past those sizes a module does
  several jobs and a function hides its steps.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import PROJECT_DIR

SOURCING = PROJECT_DIR / "sourcing"
UI = PROJECT_DIR / "ui"

MAX_PAGE_LINES = 300
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80

# Not code that grows with features: the one module of UI texts, and database migrations
# (frozen history, never edited after they ship).
EXEMPT = {UI / "texts.py"}
EXEMPT_DIRS = {SOURCING / "db" / "migrations"}

# Being split (issue 10); each entry leaves this table with its split. Never add one.
KNOWN_OVERSIZE: set[str] = set()


def _python_files(root: Path) -> list[Path]:
    return [
        p
        for p in sorted(root.rglob("*.py"))
        if p not in EXEMPT and not any(d in p.parents for d in EXEMPT_DIRS) and "__pycache__" not in p.parts
    ]


def _rel(path: Path) -> str:
    return path.relative_to(PROJECT_DIR).as_posix()


def _oversize() -> list[str]:
    found = []
    for path in _python_files(SOURCING):
        source = path.read_text(encoding="utf-8")
        if len(source.splitlines()) > MAX_MODULE_LINES:
            found.append(_rel(path))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                    found.append(f"{_rel(path)}:{node.name}")
    for path in _python_files(UI):
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_PAGE_LINES:
            found.append(_rel(path))
    return found


def test_no_module_or_function_grows_past_its_size() -> None:
    new = sorted(set(_oversize()) - KNOWN_OVERSIZE)
    limits = f"pages ≤ {MAX_PAGE_LINES}, modules ≤ {MAX_MODULE_LINES}, functions ≤ {MAX_FUNCTION_LINES} lines"
    assert not new, f"split these ({limits}): {new}"


def test_known_oversize_table_only_lists_what_is_still_oversize() -> None:
    healed = sorted(KNOWN_OVERSIZE - set(_oversize()))
    assert not healed, f"remove from KNOWN_OVERSIZE, they are split now: {healed}"


@pytest.mark.parametrize("path", _python_files(SOURCING), ids=_rel)
def test_domain_package_never_imports_streamlit(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        assert not any(n == "streamlit" or n.startswith("streamlit.") for n in names), _rel(path)
