"""``check("softmax")`` / ``check()``: the public tests against the kernel's definitions now.

Runs in the student's kernel, which plays both parts the grader keeps apart: the tests
and references run here (the public tests are the student's anyway), and the student's
code runs in a worker forked from this kernel, reached through the same ``student``
fixture and protocol as in grading (``grader.run_suites``), so a test behaves the same in
a check and when graded. A function that never returns or kills its process costs its
own tests only (the worker is killed and forked again) and the kernel stays usable.
"""

from __future__ import annotations

import ast
import dataclasses
import sys
from pathlib import Path
from typing import Any

import nbformat

from autograder import i18n
from autograder.config import AssignmentConfig, AssignmentPaths
from autograder.notebook.kernel_worker import CAN_FORK, InProcessSession, KernelForker
from autograder.notebook.mistakes import lookup, wanted
from autograder.notebook.locate import Release, find_release, notebook_path
from autograder.notebook.result import CheckedTest, CheckResult
from autograder.results import TestResult
from autograder.sandbox import SandboxConfig, WorkerSession

_STATE: dict[str, str | None] = {"assignment": None}


class CheckError(ValueError):
    """check() was called with something it cannot check; the message says what to do."""


def use(assignment: str) -> None:
    """Name this notebook's assignment (Colab and other places with no released folder)."""
    _STATE["assignment"] = assignment


def in_grading_worker() -> bool:
    """True inside the grader's worker (``untrusted.worker`` loads the notebook as module
    ``submission``): checking or submitting from there would only waste the student's time."""
    mod = sys.modules.get("submission")
    return getattr(mod, "__file__", None) == "<submission>"


def check(name: str | None = None, *, assignment: str | None = None, lang: str | None = None,
          namespace: dict[str, Any] | None = None, protect: bool = CAN_FORK) -> CheckResult | None:
    """Run the public tests of exercise ``name`` (all exercises when None) against what this
    kernel defines right now, and return the result (shown as a table in the notebook).

    ``namespace``: where the definitions live (default: the caller's globals, i.e. the
    notebook's). ``protect=False`` runs the code in the kernel itself, as on platforms
    without ``os.fork``."""
    if in_grading_worker():
        return None  # a check() call that reached the grader (a cell without its tag): nothing to do
    ns = namespace if namespace is not None else sys._getframe(1).f_globals
    lang = i18n.choose(lang)
    with i18n.using(lang):  # "no tests here" and a broken assignment.toml are said in the check's language too
        release = find_release(assignment or _STATE["assignment"], ns)
        cfg = AssignmentConfig.load(release.folder / "assignment.toml")
    if name is not None and name not in cfg.exercises:
        raise CheckError(i18n.gettext("{assignment} has no exercise '{name}'; its exercises: {known}", lang)
                         .format(assignment=release.id, name=name, known=", ".join(cfg.exercises)))
    return _run(release, cfg, ns, name, lang, protect)


def _run(release: Release, cfg: AssignmentConfig, ns: dict[str, Any], name: str | None, lang: str,
         protect: bool) -> CheckResult:
    from autograder.grader import run_suites

    folder = release.folder
    probes_file = folder / "probes.py"
    paths = AssignmentPaths(release.id, folder / "assignment.toml", None, folder / "tests", None,
                            probes_file if probes_file.is_file() else None, None, secret_roots=())
    probes = paths.probe_source()  # with the shared helpers
    if protect:
        session = WorkerSession(KernelForker(ns), SandboxConfig(memory_mb=cfg.memory_mb, threads=1), cells=[],
                                probes=probes, import_budget=cfg.import_budget_s)
    else:
        session = InProcessSession(ns, probes)
    ask = wanted()  # the values of failed tests are kept only for a service to match
    try:
        # The CPU only: a fork of a kernel that has used CUDA cannot use it (GPU cases run when graded).
        with i18n.using(lang):
            tests = run_suites(cfg, paths, session, ["cpu"], scope="public", exercises=(name,) if name else (),
                               record=ask)
    finally:
        session.close()
    unrun = not_run_yet([n for n in ((name,) if name else cfg.exercises) if n not in ns], ns)
    notes: tuple[str, ...] = ()
    if ask:
        # A known mistake named as the grader names it (student_text), for tests that ran the student's code.
        looked = lookup(release.id, [t for t in tests if not t.passed and not t.not_started
                                     and not set(t.exercises) & unrun], lang)
        tests = [dataclasses.replace(t, diagnosis=looked.found[t.name]) if t.name in looked.found else t
                 for t in tests]
        notes = (looked.note,) if looked.note else ()
    _ = i18n.translations(lang).gettext

    def message(t: TestResult) -> str:
        if t.passed:
            return ""
        waiting = [ex for ex in t.exercises if ex in unrun]
        if waiting:  # the harness would say "not defined in your submission": it is, just not run
            return _("{name} is in your notebook, but this kernel has not run it yet: run the cell that defines "
                     "{name} first (or Run All), then check again.").format(name=", ".join(waiting))
        return t.student_text()

    checked = tuple(CheckedTest(name=t.name, exercises=t.exercises, points=t.score, max_points=t.max_score,
                                passed=t.passed, message=message(t), images=t.student_images(),
                                not_started=t.not_started and not set(t.exercises) & unrun,
                                diagnosis=t.diagnosis.said if t.diagnosis else "")
                    for t in tests)
    return CheckResult(assignment=release.id, exercise=name, tests=checked, protected=protect,
                       origin=release.origin, lang=lang, notes=notes)


def not_run_yet(missing: list[str], ns: dict[str, Any]) -> set[str]:
    """Of the names this kernel lacks, those the saved notebook defines at its top level (a cell
    the student wrote but has not run). Empty when the front end does not name the notebook."""
    if not missing:
        return set()
    path = notebook_path(ns)
    if path is None:
        return set()
    try:
        nb = nbformat.read(Path.cwd() / path, as_version=4)
    except Exception:  # noqa: BLE001 - unreadable or not saved yet: nothing to tell apart
        return set()
    defined: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        defined |= {n.name for n in tree.body
                    if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    return set(missing) & defined
