"""The service's layers, read from the source and checked in fresh interpreters (no server):
the core (core.py) knows no HTTP; the JSON API and the web pages are adapters over it that
run no SQL of their own and do not import each other; the student's client imports nothing
of the server."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

SERVICE = ROOT / "autograder" / "service"
ADAPTERS = ("api.py", "pages.py", "forms.py", "app.py")


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(tree: ast.Module) -> set[str]:
    """Every module an ``import`` or ``from ... import`` names, with ``from pkg import mod``
    counted as ``pkg.mod`` too."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def _fresh_modules(*modules: str) -> list[str]:
    """``sys.modules`` of a new interpreter after importing ``modules``."""
    code = ("import json, sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(json.dumps(sorted(sys.modules)))")
    got = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert got.returncode == 0, got.stderr
    return json.loads(got.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", ADAPTERS)
def test_adapters_run_no_sql(name):
    """Every query is a core operation: an adapter never touches the database or its connection."""
    tree = _tree(SERVICE / name)
    found = [(node.lineno, node.attr) for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr in ("execute", "executemany", "executescript",
                                                                   "conn", "db")]
    found += [(node.lineno, node.id) for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == "conn"]
    assert not found, f"{name} reaches the database at (line, name) {found}: add a core.Service operation"
    assert not {"sqlite3", "autograder.service.db.transaction"} & _imported(tree), name


def test_adapters_do_not_import_each_other():
    """app.py (the factory) imports both adapters; they import the core, never each other or app."""
    pkg = "autograder.service"
    for name, banned in (("api.py", {"pages", "app"}), ("pages.py", {"api", "app"}),
                         ("forms.py", {"api", "pages", "app"}), ("core.py", {"api", "pages", "app", "forms"})):
        hit = {f"{pkg}.{b}" for b in banned} & _imported(_tree(SERVICE / name))
        assert not hit, f"{name} imports {sorted(hit)}: the adapters meet only in app.create_app"
    app = _imported(_tree(SERVICE / "app.py"))
    assert {f"{pkg}.api", f"{pkg}.pages"} <= app


def test_core_knows_no_http():
    """The core imports no web framework: its callers are adapters, tests and commands alike."""
    loaded = _fresh_modules("autograder.service.core")
    web = [m for m in loaded if m.split(".")[0] in ("starlette", "uvicorn", "jinja2", "httpx")]
    assert not web, f"importing autograder.service.core loads {web}"


def test_client_imports_nothing_of_the_server():
    """`autograder submit`'s client and the notebook's submit()/locate/mistakes run on the student's machine:
    none of the server's code (nor its web framework) comes with them."""
    loaded = _fresh_modules("autograder.submit_client", "autograder.notebook.submit", "autograder.notebook.locate",
                            "autograder.notebook.mistakes")
    server = [m for m in loaded if m == "autograder.service" or m.startswith(("autograder.service.", "starlette",
                                                                              "uvicorn"))]
    assert not server, f"the client loads {server}"
    assert "autograder.submit_client" in loaded and "autograder.notebook.submit" in loaded
