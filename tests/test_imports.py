"""How the engine's modules depend on each other: no import cycle, and no torch where none belongs.

The import graph is read from the source with ``ast`` (nothing is imported to build it).
Every import statement counts, wherever it is: ``import x``, ``from x import y``, relative
imports, imports inside functions and under ``if TYPE_CHECKING:``. A function-level import
runs when the function does, so a cycle through one is a cycle at run time (and a
type-only one still means two modules that each need the other: one seam split in two).
An edge goes to the module named: ``from autograder.backends import local`` to
``autograder.backends.local`` when that is a module, else to the package it names from.
A package's ``__init__`` running before its submodules is not counted as an edge: Python
finishes the package before the submodule in every order, so it cannot close a cycle by
itself (an ``__init__`` that imports a submodule is an edge, and counts).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

ENGINE = ROOT / "autograder"


def module_files(engine: Path) -> dict[str, Path]:
    """``autograder.x.y`` -> its file, for every module of the package at ``engine``."""
    found: dict[str, Path] = {}
    for f in sorted(engine.rglob("*.py")):
        if "__pycache__" in f.parts:
            continue
        parts = [engine.name, *f.relative_to(engine).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = f
    return found


def import_graph(engine: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (any import statement, anywhere in it)."""
    modules = module_files(engine)

    def known(name: str) -> str | None:
        while name and name not in modules:  # `import a.b.c` where c is a name, not a module
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, f in modules.items():
        package = name if f.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(f.read_bytes(), filename=str(f))):
            if isinstance(node, ast.Import):
                edges.update(filter(None, (known(a.name) for a in node.names)))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from this module's package, up level - 1
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                for a in node.names:
                    target = f"{base}.{a.name}" if f"{base}.{a.name}" in modules else known(base)
                    if target:
                        edges.add(target)
        edges.discard(name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest cycle per strongly connected group of modules, as a path that ends where
    it starts (["a", "b", "a"]), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:  # Tarjan's algorithm; the graph has ~100 nodes
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    found = []
    for group in groups:
        start = min(group)
        paths = {start: [start]}
        todo = [start]
        while todo:  # breadth first inside the group: the shortest way back to start
            v = todo.pop(0)
            nxt = sorted(w for w in graph[v] if w in group)
            if start in nxt:
                found.append(paths[v] + [start])
                break
            for w in nxt:
                if w not in paths:
                    paths[w] = paths[v] + [w]
                    todo.append(w)
    return sorted(found)


def test_no_import_cycle_among_the_engines_modules():
    found = cycles(import_graph(ENGINE))
    assert not found, "import cycles (break each: move the shared part to a module both import):\n" + "\n".join(
        " -> ".join(c) for c in found)


def test_the_cycle_finder_sees_function_level_relative_and_type_only_imports(tmp_path):
    # The check above passes on a clean engine only if the finder would have seen a cycle.
    pkg = tmp_path / "autograder"
    (pkg / "service").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "service" / "__init__.py").write_text("")
    (pkg / "service" / "app.py").write_text("def page():\n    from . import pages\n")
    (pkg / "service" / "pages.py").write_text("from autograder.service.app import page\n")
    (pkg / "harness.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                    "    from autograder.figures import draw\n")
    (pkg / "figures.py").write_text("import autograder.harness.attach\n")  # a name below a module
    (pkg / "alone.py").write_text("from .service import app\nimport autograder\n")
    found = cycles(import_graph(pkg))
    assert [" -> ".join(c) for c in found] == [
        "autograder.figures -> autograder.harness -> autograder.figures",
        "autograder.service.app -> autograder.service.pages -> autograder.service.app",
    ]
    assert import_graph(pkg)["autograder.alone"] == {"autograder.service.app", "autograder"}


# The coordinator (cli, batch, executors' coordinator side) and the service never import torch:
# a command that only reads a gradebook or serves a page must not pay torch's seconds or memory,
# and nothing there needs it. numpy is not imported today either, and need not be.
COORDINATOR = ("autograder.cli", "autograder.batch", "autograder.executors", "autograder.service.app",
               "autograder.service.pages", "autograder.service.serve", "autograder.service.commands",
               "autograder.submit_client")


def _fresh_modules(*imports: str) -> set[str]:
    """The top-level names in sys.modules after a fresh interpreter imports ``imports``."""
    code = ("import importlib, json, sys\n"
            f"for m in {list(imports)!r}:\n    importlib.import_module(m)\n"
            "print(json.dumps(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_coordinator_and_the_service_never_import_torch():
    loaded = _fresh_modules(*COORDINATOR)
    assert set(COORDINATOR) <= loaded  # they did load
    heavy = sorted(m for m in loaded if m.split(".")[0] in ("torch", "numpy"))
    assert not heavy, f"importing the coordinator and the service loaded {heavy[:5]}: move those imports " \
                      "into the grading side (executors.grader_runtime, grader) or into the function that needs them"


def test_the_backend_contract_keeps_its_old_import_paths():
    # One contract (backends.contract), still importable where code and released tools found it.
    from autograder.backends import contract

    old = {"autograder.backends": ("Backend", "BackendError", "SandboxLost", "ZygoteHandle"),
           "autograder.sandbox": ("SandboxConfig", "ZYGOTE_START_S")}
    for module, names in old.items():
        for name in names:
            ns: dict = {}
            exec(f"from {module} import {name} as old", ns)
            assert ns["old"] is vars(contract)[name], f"{module}.{name} is not backends.contract.{name}"
    graph = import_graph(ENGINE)
    assert graph["autograder.backends.contract"] == set()  # it imports neither side
    for side in ("autograder.sandbox", "autograder.backends.local", "autograder.backends.docker",
                 "autograder.backends.docker_image", "autograder.grader"):
        assert "autograder.backends.contract" in graph[side], side
        assert "autograder.backends" not in graph[side], side
    assert not {"autograder.sandbox", "autograder.backends"} & (graph["autograder.backends.local"]
                                                               | graph["autograder.backends.docker"])
