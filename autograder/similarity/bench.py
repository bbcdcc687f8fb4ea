"""The course's own test sets for similarity, and ``make bench-similarity``.

* :func:`disguised_class`: every alternative in ``solutions/<id>/alternatives/`` (correct
  code written independently) as a student, the solution notebook as one more, and each
  alternative's disguised copies (``disguise.disguises``) as further students.
* :func:`generated_class`: N notebooks of one assignment, each the released notebook with
  every exercise answered by the solution or an alternative, disguised at random: the
  bench's class. ``python -m autograder.similarity.bench`` times it at several class sizes.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import re
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.config import AssignmentConfig, assignment_paths
from autograder.similarity.disguise import disguises, random_disguise
from autograder.similarity.run import SimilarityOptions, run_similarity

_EXERCISE = re.compile(r"#\s*exercise:\s*(\S+)")


def alternatives(course: Path, assignment: str) -> dict[str, list[tuple[str, str]]]:
    """Exercise -> [(name, source)] of its alternatives (their ``# exercise:`` header)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for f in sorted((course / "solutions" / assignment / "alternatives").glob("*.py")):
        text = f.read_text(encoding="utf-8")
        m = _EXERCISE.search(text)
        if m:
            out.setdefault(m.group(1), []).append((f.stem, text))
    return out


def disguised_class(course: Path, assignment: str, dest: Path) -> dict[str, str]:
    """Write the disguise test set to ``dest``; returns student -> the original it came from."""
    cfg = AssignmentConfig.load(assignment_paths(assignment, course).config)
    keep = frozenset(cfg.exercises)
    dest.mkdir(parents=True, exist_ok=True)
    origin = {"solution": "solution"}
    shutil.copy(assignment_paths(assignment, course).notebook, dest / "solution.ipynb")
    for sources in alternatives(course, assignment).values():
        for name, text in sources:
            (dest / f"{name}.py").write_text(text, encoding="utf-8")
            origin[name] = name
            for kind, disguise in disguises(keep).items():
                copy = disguise(text)
                if copy is None or copy == text:
                    continue  # this disguise does not apply: an identical copy tests nothing
                (dest / f"{name}--{kind}.py").write_text(copy, encoding="utf-8")
                origin[f"{name}--{kind}"] = name
    return origin


def generated_class(course: Path, assignment: str, dest: Path, n: int, seed: int = 0) -> None:
    """``n`` notebooks ``student000.ipynb``... in ``dest`` (see the module docstring)."""
    cfg = AssignmentConfig.load(assignment_paths(assignment, course).config)
    keep = frozenset(cfg.exercises)
    released = nbformat.read(assignment_paths(assignment, course, release=True).notebook, as_version=4)
    solution = nbformat.read(assignment_paths(assignment, course).notebook, as_version=4)
    answers = alternatives(course, assignment)
    for cell in solution.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            for name in _defined(cell.source) & keep:
                answers.setdefault(name, []).append(("solution", cell.source))
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        nb = nbformat.from_dict(released)
        for cell in nb.cells:
            names = _defined(cell.source) & keep if cell.cell_type == "code" else set()
            if cell.metadata.get("nbgrader", {}).get("solution") and names:
                _name, text = rng.choice(answers[sorted(names)[0]])
                cell.source = random_disguise(text, keep, rng) if rng.random() < 0.7 else text
        nbformat.write(nb, dest / f"student{k:03d}.ipynb")


def _defined(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="time `autograder similarity` on generated classes")
    p.add_argument("--assignment", default="01_tensors")
    p.add_argument("--sizes", default="50,100,200,300")
    p.add_argument("--course", type=Path, default=Path.cwd())
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        everyone = Path(tmp) / "all"
        generated_class(args.course, args.assignment, everyone, max(sizes))
        print(f"similarity bench, {args.assignment}; load average before: "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs")
        print(f"{'notebooks':>9} {'seconds':>8} {'pairs':>7} {'clusters':>8}")
        for n in sizes:
            folder = Path(tmp) / f"n{n}"
            folder.mkdir()
            for f in sorted(everyone.iterdir())[:n]:
                os.link(f, folder / f.name)
            start = time.perf_counter()
            result = run_similarity(SimilarityOptions(args.assignment, args.course, [folder]))
            print(f"{n:>9} {time.perf_counter() - start:>8.2f} {len(result.pairs):>7} {len(result.clusters):>8}")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
