"""``autograder new ID --exercise NAME ...``: a new assignment's skeleton, ready to fill in.

Writes ``solutions/<id>/`` so that ``autograder release <id>`` and ``autograder validate
<id>`` pass as generated: each exercise is a small working example (``NAME(x)`` doubles a
tensor) with its solution cell in nbgrader's format, its points in ``assignment.toml``, one
public and one hidden test, a probe, one mutant and three correct alternatives with their
headers. The author then replaces each example, keeping the shape of every file. Nothing
here grades; the files are plain text a TA reads and edits (AUTHORING_API.md walks through
them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.config import ConfigError
from autograder.i18n import t as _

_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]*")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PUBLIC_POINTS = 4  # per exercise; the hidden test gets HIDDEN_POINTS (a start: edit assignment.toml)
HIDDEN_POINTS = 6


@dataclass(frozen=True)
class Scaffold:
    """What ``new`` wrote: the assignment's folder and every file in it."""

    folder: Path
    files: tuple[Path, ...]


def nbgrader_metadata(grade_id: str, *, solution: bool) -> dict:
    """The cell metadata nbgrader's release needs: a solution cell (the student edits it, its
    ``### BEGIN SOLUTION`` region becomes a stub) or a locked one (text, imports)."""
    return {"nbgrader": {"grade": False, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
                         "solution": solution, "task": False}}


def _notebook(aid: str, title: str, exercises: tuple[str, ...]) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    cells = [
        nbformat.v4.new_markdown_cell(
            f"# {title}\n\nTODO: what this assignment teaches. Fill in every function marked `YOUR CODE HERE`.",
            id="intro", metadata=nbgrader_metadata("intro", solution=False)),
        nbformat.v4.new_code_cell("import torch", id="imports", metadata=nbgrader_metadata("imports", solution=False)),
    ]
    for name in exercises:
        cells.append(nbformat.v4.new_markdown_cell(
            f"## `{name}`\n\nTODO: the exercise's contract (arguments, shapes, dtypes, devices, what it returns).\n"
            f"The example: `{name}(x)` returns `2 * x`, same shape, dtype and device.",
            id=f"{name}-md"[:64], metadata=nbgrader_metadata(f"{name}_md", solution=False)))
        cells.append(nbformat.v4.new_code_cell(
            f"def {name}(x):\n"
            f"    \"\"\"TODO: replace this example (it doubles x).\"\"\"\n"
            "    ### BEGIN SOLUTION\n"
            "    return 2 * x\n"
            "    ### END SOLUTION",
            id=name[:64], metadata=nbgrader_metadata(name, solution=True)))
    nb.cells = cells
    return nbformat.writes(nb) + "\n"


def _toml(aid: str, title: str, exercises: tuple[str, ...], languages: tuple[str, ...]) -> str:
    total = (PUBLIC_POINTS + HIDDEN_POINTS) * len(exercises)
    lines = [f"# {aid}: points, limits and due date. Visibility comes from the folder:",
             "# tests/public and tests/hidden. Every test has a [tests.NAME] table; points sum to total_points.",
             "", "[assignment]", f'id = "{aid}"', f'title = "{title}"', f"total_points = {total}",
             "exercises = [" + ", ".join(f'"{e}"' for e in exercises) + "]   # curriculum order",
             "import_budget_s = 30", "default_timeout_s = 10", "memory_mb = 4096",
             'due = "2027-01-31T23:59:00+00:00"   # TODO', "late_penalty_per_day = 0.10",
             "languages = [" + ", ".join(f'"{x}"' for x in languages) + "]"]
    for name in exercises:
        lines += ["", f"[tests.test_{name}_basic]", f"points = {PUBLIC_POINTS}",
                  "", f"[tests.test_{name}_gradient]", f"points = {HIDDEN_POINTS}"]
    return "\n".join(lines) + "\n"


def _ko(text: str, languages: tuple[str, ...]) -> str:
    return f",\n                       ko={text}" if "ko" in languages else ""


def _public_tests(aid: str, exercises: tuple[str, ...], languages: tuple[str, ...]) -> str:
    out = [f'"""Public tests for {aid}: what a student checking locally runs (`check("NAME")`).\n\n'
           "Each failure message names the exercise and says `Hint:`, in every language of\n"
           '[assignment].languages (tr(english, ko=...)): `autograder validate` requires it."""',
           "import pytest", "import torch", "", "from autograder.authoring import assert_close, tr", ""]
    for name in exercises:
        ko = _ko(f'"{name}(x)가 2 * x와 다릅니다. 힌트: 모든 원소에 2를 곱하세요."', languages)
        out += ["", f'@pytest.mark.exercise("{name}")', f"def test_{name}_basic(student):",
                f'    """{name} returns twice its input (float32, same shape)."""',
                "    x = torch.linspace(-1, 1, 6, dtype=torch.float64).reshape(2, 3)",
                f"    got = student.{name}(x.float())",
                f'    assert_close(got, 2 * x, what="{name}(x)", dtype=torch.float32,',
                f'                 hint=tr("{name}(x) should equal 2 * x. Hint: multiply every element by 2."'
                f"{ko}))", ""]
    return "\n".join(out)


def _hidden_tests(aid: str, exercises: tuple[str, ...], languages: tuple[str, ...]) -> str:
    out = [f'"""Hidden tests for {aid}: breadth (dtypes, gradients, shapes, extremes).\n\n'
           "A student sees a failing hidden test's name, points and docstring's first line only.\"\"\"",
           "import pytest", "import torch", "", "from autograder.authoring import check_vjp", ""]
    for name in exercises:
        out += ["", f'@pytest.mark.exercise("{name}")', f"def test_{name}_gradient(student):",
                f'    """{name} is differentiable and keeps its input untouched."""',
                "    g = torch.Generator().manual_seed(0)",
                "    for dtype in (torch.float32, torch.float64):",
                "        x = torch.randn(3, 4, generator=g, dtype=torch.float64).to(dtype)",
                f'        check_vjp(student, "{name}", (x,), lambda t: 2 * t)',
                "    # A probe (probes.py) runs inside the worker: here, on a leaf that requires grad.",
                f'    rep = student.probe("call_on_leaf", "{name}", torch.ones(2, 2))',
                f'    assert rep["error"] is None and rep["leaf_requires_grad"], "{name} must work on a leaf that '
                'requires grad and leave it alone"', ""]
    return "\n".join(out)


_PROBES = '''"""Instrumentation for {aid}, run inside the worker next to the student's module.

A probe takes the student's module first, builds what cannot cross the wire (tensors that
require grad, modules, hooks), calls the student's code and returns plain values (tensors,
numbers, strings, lists, dicts). It holds no answers. Import nothing from the trusted side.
"""
import torch

# Counts Python lines and torch operations: for assert_loop_free in the tests.
from autograder.untrusted.counting import work_counts  # noqa: F401  (a probe)


def call_on_leaf(module, name, t):
    """Call module.NAME on a leaf tensor that requires grad; report what it left behind."""
    leaf = t.detach().clone().requires_grad_(True)
    try:
        getattr(module, name)(leaf)
        error = None
    except Exception as e:  # noqa: BLE001 - reported as text to the trusted side
        error = f"{{type(e).__name__}}: {{e}}"
    return {{"error": error, "leaf_requires_grad": leaf.requires_grad}}
'''

_MUTANT = '''# exercise: {name}
# bug: TODO one line on the bug (the example: adds instead of doubling)
# breaks: values
# misconception: You probably added 2 instead of multiplying by 2: doubling scales every value, so only an input of 2 comes out right.
# misconception-ko: 2를 곱하는 대신 2를 더한 것 같습니다. 두 배는 모든 값을 같은 비율로 키우므로 입력이 2일 때만 맞게 나옵니다.
# on-hidden: name
import torch


def {name}(x):
    return x + 2
'''

_ALTERNATIVES = (
    ("add", "x + x: the narrowest reading of the contract", "return x + x"),
    ("library", "torch.mul from the library", "return torch.mul(x, 2)"),
    ("float64", "computed in float64 and cast back (other numerics)", "return (x.double() * 2).to(x.dtype)"),
)


def new_assignment(course: Path, aid: str, exercises: list[str], title: str | None = None,
                   languages: tuple[str, ...] = ("en", "ko")) -> Scaffold:
    """Write ``solutions/<aid>/`` (which must not exist) with one example per exercise."""
    if not _ID.fullmatch(aid):
        raise ConfigError(_("{assignment} is not an assignment id: use letters, digits, '_' and '-', "
                            "e.g. 04_modules").format(assignment=repr(aid)))
    bad = [e for e in exercises if not _NAME.fullmatch(e)]
    if not exercises or bad:
        raise ConfigError(_("each --exercise names a Python function or class (a valid identifier); "
                            "got {names}").format(names=", ".join(map(repr, bad)) or _("none")))
    dups = sorted({e for e in exercises if exercises.count(e) > 1})
    if dups:
        raise ConfigError(_("each exercise once: {names} given twice").format(names=", ".join(dups)))
    folder = course / "solutions" / aid
    if folder.exists():
        raise ConfigError(_("{folder} already exists: choose another id, or remove it first").format(folder=folder))
    ex = tuple(exercises)
    files = {
        f"{aid}.ipynb": _notebook(aid, title or aid, ex),
        "assignment.toml": _toml(aid, title or aid, ex, languages),
        "tests/public/test_public.py": _public_tests(aid, ex, languages),
        "tests/hidden/test_hidden.py": _hidden_tests(aid, ex, languages),
        "probes.py": _PROBES.format(aid=aid),
    }
    for name in ex:
        files[f"mutants/{name}_example_bug.py"] = _MUTANT.format(name=name)
        for label, approach, body in _ALTERNATIVES:
            files[f"alternatives/{name}_{label}.py"] = (f"# exercise: {name}\n# approach: {approach}\nimport torch\n\n\n"
                                                        f"def {name}(x):\n    {body}\n")
    written = []
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return Scaffold(folder, tuple(written))


def next_steps(course: Path, scaffold: Scaffold, aid: str) -> list[str]:
    """What the author fills in next, in order (``new`` prints it)."""
    rel = scaffold.folder.relative_to(course)
    return [
        _("edit {path}: each exercise's text and solution cell (keep ### BEGIN SOLUTION / ### END SOLUTION "
          "and the cell's nbgrader metadata)").format(path=rel / f"{aid}.ipynb"),
        _("edit {path}: the public tests (messages that name the exercise and give a Hint: in each "
          "language)").format(path=rel / "tests" / "public"),
        _("edit {path}: the hidden tests (breadth: dtypes, gradients, shapes)").format(path=rel / "tests" / "hidden"),
        _("edit {path}: one file per known bug, and at least 3 correct alternatives per exercise").format(
            path=f"{rel / 'mutants'}, {rel / 'alternatives'}"),
        _("give every test its points in {path}").format(path=rel / "assignment.toml"),
        _("run `autograder release {assignment}` then `autograder validate {assignment}`").format(assignment=aid),
    ]
