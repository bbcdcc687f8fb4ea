"""``autograder release``: the student version of an assignment, made by nbgrader.

``solutions/<id>/`` -> ``assignments/<id>/``: the notebook with solutions replaced by
stubs (nbgrader's ClearSolutions: ``raise NotImplementedError()``), outputs and hidden
test regions cleared; the public tests; the course probes (they hold no answers); and an
assignment.toml that lists the public tests only. The output is deterministic, so a
test can regenerate it and fail when the committed release is out of date.
"""

from __future__ import annotations

import ast
import filecmp
import io
import json
import shutil
import sys
import tempfile
import textwrap
import tokenize
from pathlib import Path

import nbformat
from rich.console import Console
from rich.text import Text

from autograder.config import AssignmentConfig, ConfigError
from autograder.scaffold import nbgrader_metadata
from autograder.i18n import t as _  # console output and errors; the release itself stays English


def _preprocessors():
    try:
        from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearOutput, ClearSolutions
    except ImportError:
        raise ConfigError(_("releasing needs nbgrader, an authoring extra: "
                            "pip install 'torch-autograder[authoring]' (make setup does)")) from None
    return [ClearSolutions(enforce_metadata=True), ClearHiddenTests(), ClearMarkScheme(), ClearOutput()]


CHECK_TAG = "check"  # submission.SKIP_TAGS: the grader skips these cells
DEMO_TAG = "demo"  # also skipped by the grader; in the release, guarded against stubs (with_demo_guards)


_BEGIN_SOLUTION = "### BEGIN SOLUTION"


def check_solution_cells(nb, source: Path) -> None:
    """Every cell with a ``### BEGIN SOLUTION`` region is an nbgrader solution cell (nbgrader
    itself would only say "Solution region detected in a non-solution cell", naming no cell)."""
    for number, cell in enumerate(nb.cells, 1):
        lines = cell.source.splitlines()
        hit = next((i for i, line in enumerate(lines, 1) if line.strip().startswith(_BEGIN_SOLUTION)), None)
        if hit is None or cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        raise ConfigError(_(
            "{file}, cell {number} (id {id}), line {line}: a {marker} region in a cell that is not an nbgrader "
            "solution cell. Add to that cell's metadata: {metadata} (grade_id unique in the notebook), or remove "
            "the region.").format(file=source, number=number, id=cell.get("id", "?"), line=hit,
                                  marker=_BEGIN_SOLUTION, metadata=_metadata_hint(cell)))


def _metadata_hint(cell) -> str:
    return json.dumps(nbgrader_metadata(f"cell_{cell.get('id', 'x')}", solution=True))


def student_notebook(source: Path, assignment_id: str = "", exercises: tuple[str, ...] = ()) -> str:
    nb = nbformat.read(source, as_version=4)
    check_solution_cells(nb, source)
    resources: dict = {}
    for pp in _preprocessors():
        try:
            nb, resources = pp.preprocess(nb, resources)
        except (RuntimeError, ValueError, KeyError) as e:  # nbgrader's words for a malformed notebook
            raise ConfigError(_("{file}: nbgrader's {step} refused the notebook: {error}. Compare the cell's "
                                "nbgrader metadata with a cell `autograder new` writes (AUTHORING_API.md, "
                                "step 2).").format(file=source, step=type(pp).__name__, error=e)) from None
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = None
    if exercises:
        nb.cells = with_check_cells(nb.cells, assignment_id, exercises)
        nb.cells = [with_demo_guard(c, exercises) for c in nb.cells]
    # Keep only what a student's Jupyter needs; no timestamps, so the output is stable.
    # The assignment's id stays with the notebook, so the service can tell a notebook of
    # another assignment uploaded by mistake (upload_check.py).
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
    if assignment_id:
        nb.metadata["autograder"] = {"assignment": assignment_id}
    return nbformat.writes(nb) + "\n"


def _check_cell(source: str, cell_id: str):
    return nbformat.v4.new_code_cell(source, id=cell_id, metadata={"tags": [CHECK_TAG]})


def _defined(cell) -> list[str]:
    try:
        tree = ast.parse(cell.source)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]


def with_check_cells(cells: list, assignment_id: str, exercises: tuple[str, ...]) -> list:
    """A check cell after each exercise's solution cell (one that defines it), and one after
    the first code cell that imports the helper and names the assignment (for Colab,
    where no released folder lies next to the notebook). Tagged `check`: never graded."""
    out = []
    intro_done = False
    for cell in cells:
        out.append(cell)
        if cell.cell_type != "code":
            continue
        if not intro_done:
            intro_done = True
            out.append(_check_cell(
                "# Checks: the cell after each exercise runs its public tests against what this notebook\n"
                "# defines now (no need to save); check() runs them all. The grader skips these cells.\n"
                "from autograder.notebook import check, use\n"
                f"use(\"{assignment_id}\")", "check-setup"))
        if not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        for name in _defined(cell):
            if name in exercises:
                out.append(_check_cell(f"from autograder.notebook import check\ncheck(\"{name}\")",
                                       f"check-{name}"[:64]))
    return out


def with_demo_guard(cell, exercises: tuple[str, ...]):
    """A demo cell that uses an exercise, inside ``with demo(...)``: on a fresh release (stubs
    that raise NotImplementedError) it prints "not started yet" and Run All goes on."""
    tags = cell.metadata.get("tags", [])
    if cell.cell_type != "code" or DEMO_TAG not in tags:
        return cell
    try:
        tree = ast.parse(cell.source)
    except SyntaxError:
        return cell
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names = [name for name in exercises if name in used]
    if not names:
        return cell
    args = ", ".join(f'"{n}"' for n in names)
    guarded = ("from autograder.notebook import demo\n\n"
               f"with demo({args}):  # while it is a stub: prints \"not started yet\" instead of stopping\n"
               + textwrap.indent(cell.source, "    "))
    if _strings_span_lines(cell.source):
        return cell  # indenting would change a multi-line string: left as the author wrote it
    out = nbformat.from_dict(dict(cell))
    out.source = guarded
    return out


def _strings_span_lines(source: str) -> bool:
    """A string literal that runs over a line break (its text would change if indented)."""
    kinds = {tokenize.STRING}
    if sys.version_info >= (3, 12):  # f-strings are tokenized in parts since 3.12
        kinds.add(tokenize.FSTRING_MIDDLE)
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return any(tok.type in kinds and tok.start[0] != tok.end[0] for tok in tokens)


def public_test_names(folder: Path) -> set[str]:
    names: set[str] = set()
    for f in sorted(folder.glob("test_*.py")):
        for node in ast.parse(f.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                names.add(node.name)
    return names


def build_release(course: Path, aid: str, dest: Path) -> None:
    """Write the student release of ``aid`` into ``dest`` (created, must not exist)."""
    src = course / "solutions" / aid
    cfg = AssignmentConfig.load(src / "assignment.toml")
    dest.mkdir(parents=True)
    (dest / f"{aid}.ipynb").write_text(student_notebook(src / f"{aid}.ipynb", aid, cfg.exercises), encoding="utf-8")
    (dest / "tests").mkdir()
    for f in sorted((src / "tests" / "public").glob("*.py")):
        shutil.copyfile(f, dest / "tests" / f.name)
    if (src / "probes.py").exists():
        shutil.copyfile(src / "probes.py", dest / "probes.py")
    public = public_test_names(src / "tests" / "public")
    unknown = sorted(public - set(cfg.tests))
    if unknown:
        raise ConfigError(_("{assignment}: public tests without points in assignment.toml: {tests}").format(
            assignment=aid, tests=", ".join(unknown)))
    (dest / "assignment.toml").write_text(cfg.public_subset(public), encoding="utf-8")
    (dest / "README.md").write_text(readme(cfg.title, aid, cfg.exercises), encoding="utf-8")


def readme(title: str, aid: str, exercises: tuple[str, ...] = ()) -> str:
    example = exercises[0] if exercises else "NAME"  # this assignment's own first exercise
    return (
        f"# {title}\n\n"
        f"Open `{aid}.ipynb` in Jupyter (JupyterLab, Notebook, VS Code or Colab) from this folder and fill\n"
        "in every function marked `YOUR CODE HERE`.\n\n"
        "## Checking your work in the notebook\n\n"
        "After each exercise there is a check cell (tagged `check`):\n\n"
        "    from autograder.notebook import check\n"
        f"    check(\"{example}\")\n\n"
        "Run it (Shift+Enter) after the cell with your function: it runs that exercise's public tests\n"
        "against what your kernel defines right now (no need to save) and shows a table, with what\n"
        "differs and a hint for each failure. `check()` runs the public tests of every exercise. A\n"
        "function that never returns costs its own tests only; the kernel stays usable. The grader\n"
        "skips check cells. Run the setup check cell near the top first (it names the assignment).\n\n"
        "`check` needs this folder (`tests/`, `assignment.toml`) next to the notebook. In Colab, where only\n"
        "the notebook is uploaded, it downloads them from the course's service: set `AUTOGRADER_SERVER`\n"
        "and `AUTOGRADER_TOKEN` first (`import os; os.environ[\"AUTOGRADER_SERVER\"] = \"https://...\"`).\n"
        "Install the helper with `pip install torch-autograder` (it keeps the torch you have).\n\n"
        "From a terminal, the same tests run on the saved file:\n\n"
        f"    autograder check {aid}.ipynb\n\n"
        f"Submit `{aid}.ipynb`. Passing the public tests is a good sign, not a grade: hidden tests check\n"
        "more cases when it is graded.\n")


def _diff(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    out = [_("only in committed release: {name}").format(name=n) for n in cmp.left_only]
    out += [_("missing from committed release: {name}").format(name=n) for n in cmp.right_only]
    out += [_("out of date: {name}").format(name=n) for n in cmp.diff_files]
    for name in cmp.subdirs:
        out += [f"{name}/{line}" for line in _diff(a / name, b / name)]
    return out


def stale_release(course: Path, aid: str) -> list[str]:
    """What differs between the committed ``assignments/<aid>/`` and a fresh release (empty: up to date)."""
    target = course / "assignments" / aid
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / aid
        build_release(course, aid, fresh)
        return _diff(target, fresh) if target.is_dir() else [_("not released yet")]


def release_all(course: Path | None, ids: list[str], console: Console, check_only: bool = False) -> int:
    if course is None:
        raise ConfigError(_("no course found: run from the folder holding solutions/, or pass --course"))
    ids = ids or sorted(p.name for p in (course / "solutions").iterdir() if (p / "assignment.toml").exists())
    stale = 0
    for aid in ids:
        if not (course / "solutions" / aid).is_dir():
            raise ConfigError(_("no solutions/{assignment} in {course}").format(assignment=aid, course=course))
        target = course / "assignments" / aid
        if check_only:
            problems = stale_release(course, aid)
            if problems:
                stale += 1
                console.print(Text.assemble(
                    (_("{assignment}: the committed release is out of date").format(assignment=aid), "red"),
                    " ", _("(run `make release` and commit):")))
                for p in problems:
                    console.print(f"  - {p}", markup=False)
            else:
                console.print(Text(_("{assignment}: release is up to date").format(assignment=aid), "green"))
            continue
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / aid
            build_release(course, aid, fresh)
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(fresh, target)
        console.print(_("released {assignment} -> {folder}").format(assignment=aid, folder=target.relative_to(course)))
        _say_if_fingerprints_stale(course, aid, console)
    return 1 if stale else 0


def _say_if_fingerprints_stale(course: Path, aid: str, console: Console) -> None:
    """Known mistakes are named only while their fingerprints match the tests: after a release
    that changed a test, say how to record them again."""
    from autograder.config import assignment_paths
    from autograder.diagnosis import FINGERPRINTS, for_assignment

    paths = assignment_paths(aid, course)
    has_mutants = paths.mutants is not None and paths.mutants.is_dir() and any(paths.mutants.glob("*.py"))
    if paths.hidden_tests is None or not has_mutants:
        return
    if for_assignment(paths) is None:
        console.print(Text(_("{assignment}: {file} was recorded against other tests (or is missing), so no known "
                             "mistake is named: run `autograder validate {assignment}` and commit it").format(
            assignment=aid, file=paths.hidden_tests / FINGERPRINTS), "yellow"), highlight=False)
