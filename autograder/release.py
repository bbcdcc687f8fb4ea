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
import shutil
import tempfile
from pathlib import Path

import nbformat
from rich.console import Console

from autograder.config import AssignmentConfig, ConfigError


def _preprocessors():
    try:
        from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearOutput, ClearSolutions
    except ImportError:
        raise ConfigError("releasing needs nbgrader, an authoring extra: "
                          "pip install 'torch-autograder[authoring]' (make setup does)") from None
    return [ClearSolutions(enforce_metadata=True), ClearHiddenTests(), ClearMarkScheme(), ClearOutput()]


def student_notebook(source: Path) -> str:
    nb = nbformat.read(source, as_version=4)
    resources: dict = {}
    for pp in _preprocessors():
        nb, resources = pp.preprocess(nb, resources)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = None
    # Keep only what a student's Jupyter needs; no timestamps, so the output is stable.
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
    return nbformat.writes(nb) + "\n"


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
    (dest / f"{aid}.ipynb").write_text(student_notebook(src / f"{aid}.ipynb"), encoding="utf-8")
    (dest / "tests").mkdir()
    for f in sorted((src / "tests" / "public").glob("*.py")):
        shutil.copyfile(f, dest / "tests" / f.name)
    if (src / "probes.py").exists():
        shutil.copyfile(src / "probes.py", dest / "probes.py")
    public = public_test_names(src / "tests" / "public")
    unknown = sorted(public - set(cfg.tests))
    if unknown:
        raise ConfigError(f"{aid}: public tests without points in assignment.toml: {', '.join(unknown)}")
    (dest / "assignment.toml").write_text(cfg.public_subset(public), encoding="utf-8")
    (dest / "README.md").write_text(
        f"# {cfg.title}\n\nOpen `{aid}.ipynb`, fill in every function marked `YOUR CODE HERE`, then run the\n"
        f"public tests:\n\n    autograder check {aid}.ipynb\n\nSubmit `{aid}.ipynb`. Hidden tests check more "
        "cases (other shapes, dtypes, gradients, speed)\nwhen it is graded.\n", encoding="utf-8")


def _diff(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    out = [f"only in committed release: {n}" for n in cmp.left_only]
    out += [f"missing from committed release: {n}" for n in cmp.right_only]
    out += [f"out of date: {n}" for n in cmp.diff_files]
    for name in cmp.subdirs:
        out += [f"{name}/{line}" for line in _diff(a / name, b / name)]
    return out


def release_all(course: Path | None, ids: list[str], console: Console, check_only: bool = False) -> int:
    if course is None:
        raise ConfigError("no course found: run from the folder holding solutions/, or pass --course")
    ids = ids or sorted(p.name for p in (course / "solutions").iterdir() if (p / "assignment.toml").exists())
    stale = 0
    for aid in ids:
        if not (course / "solutions" / aid).is_dir():
            raise ConfigError(f"no solutions/{aid} in {course}")
        target = course / "assignments" / aid
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / aid
            build_release(course, aid, fresh)
            if check_only:
                problems = _diff(target, fresh) if target.is_dir() else ["not released yet"]
                if problems:
                    stale += 1
                    console.print(f"[red]{aid}: the committed release is out of date[/] "
                                  "(run `make release` and commit):")
                    for p in problems:
                        console.print(f"  - {p}")
                else:
                    console.print(f"[green]{aid}: release is up to date[/]")
                continue
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(fresh, target)
            console.print(f"released {aid} -> {target.relative_to(course)}")
    return 1 if stale else 0
