"""The grade cache key: a digest of everything that decides a grade (``suite_hash``).

Trusted side; reads files, runs nothing. A grade is cached under (submission hash, suite
hash), so the suite hash must change whenever anything that could change a grade does:

- the course: ``assignment.toml``, ``probes.py`` and every file of the public and hidden tests;
- torch's version and the grader's version;
- the engine's grade-deciding code. A module declares that it is such code where it lives,
  with a module-level ``DECIDES_GRADES = True`` (the harness, comparison, protocol, sandbox,
  submission loading, results, config, the student-text sanitiser, the untrusted side, the backends). Every
  ``autograder`` module a declared one imports (function-level imports included) counts
  too, so a module split off a declared one is covered before anyone marks it. A declared
  import whose file is missing raises ``EngineIncomplete``: it never hashes as empty.

Code that cannot change a grade (the CLI, batch, exports, reports, executors, the service,
the notebook helper) is not declared and not imported by declared code: editing it
regrades nothing.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import struct
from pathlib import Path

from autograder import __version__
from autograder.config import AssignmentPaths

ENGINE = Path(__file__).resolve().parent  # the autograder package
MARKER = "DECIDES_GRADES"


class EngineIncomplete(RuntimeError):
    """Grade-deciding code names a module whose file is missing: the install is broken."""


def _declares(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == MARKER for t in node.targets):
            return isinstance(node.value, ast.Constant) and node.value.value is True
    return False


def _module_file(engine: Path, dotted: str) -> Path | None:
    """The file of ``autograder.x.y`` inside ``engine`` (None: no such module)."""
    parts = dotted.split(".")[1:]
    base = engine.joinpath(*parts)
    for candidate in (base.with_suffix(".py") if parts else None, base / "__init__.py"):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def _imports(tree: ast.Module, package: str) -> list[tuple[str, str | None]]:
    """(module, imported name or None) for every ``autograder`` import in a module."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, None) for a in node.names if a.name.split(".")[0] == "autograder"]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against this module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([module] if module else []))
            if module.split(".")[0] == "autograder":
                found += [(module, a.name) for a in node.names]
    return found


def engine_files(engine: Path = ENGINE) -> list[Path]:
    """The engine's grade-deciding files: declared modules and what they import, sorted."""
    engine = Path(engine)
    parsed: dict[Path, ast.Module] = {}

    def parse(f: Path) -> ast.Module:
        if f not in parsed:
            parsed[f] = ast.parse(f.read_bytes(), filename=str(f))
        return parsed[f]

    todo = [f for f in sorted(engine.rglob("*.py")) if "__pycache__" not in f.parts and _declares(parse(f))]
    if not todo:
        raise EngineIncomplete(f"no module under {engine} declares {MARKER}: the grader's install is broken; "
                               "reinstall torch-autograder")
    seen: set[Path] = set()
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        package = ".".join(["autograder", *f.relative_to(engine).parts[:-1]])
        for module, name in _imports(parse(f), package):
            target = _module_file(engine, f"{module}.{name}") if name else None
            target = target or _module_file(engine, module)
            if target is None:
                raise EngineIncomplete(f"{f.relative_to(engine)} imports {module}{'.' + name if name else ''}, "
                                       f"which has no file under {engine}: the grader's install is incomplete "
                                       "(reinstall it), or a module was renamed without updating its imports")
            todo.append(target)
    return sorted(seen)


def _update(digest, label: str, data: bytes) -> None:
    # Length-prefixed, so different (name, content) splits never collide.
    for part in (label.encode("utf-8", "surrogateescape"), data):
        digest.update(struct.pack(">Q", len(part)))
        digest.update(part)


def suite_hash(paths: AssignmentPaths, engine: Path = ENGINE) -> str:
    """A digest of everything that decides grades for this assignment."""
    digest = hashlib.sha256(b"torch-autograder suite v2\0")
    _update(digest, "grader_version", __version__.encode())
    try:
        torch_version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = "none"
    _update(digest, "torch", torch_version.encode())
    for f in engine_files(engine):
        _update(digest, f"engine/{f.relative_to(engine).as_posix()}", f.read_bytes())
    _update(digest, "assignment.toml", paths.config.read_bytes())
    if paths.probes is not None:
        _update(digest, "probes.py", paths.probes.read_bytes())
    for root in paths.test_dirs:
        for f in sorted(root.rglob("*")):
            rel = f.relative_to(root.parent).as_posix()
            if not f.is_file() or "__pycache__" in f.parts or ".hypothesis" in f.parts or f.suffix == ".pyc":
                continue
            _update(digest, f"tests/{rel}", f.read_bytes())
    return digest.hexdigest()
