"""``make demo``: grade the bundled sample class and print its gradebook.

The sample class (``tests/sample_class/<id>/``) holds a perfect, a partial, a buggy, a
crashing and a hostile submission. One warm zygote serves them all.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from autograder.config import AssignmentConfig, ConfigError, assignment_paths
from autograder.feedback import write_markdown
from autograder.grader import GradeOptions, Grader


def run_demo(course: Path | None, aid: str, out: Path, console: Console) -> int:
    if course is None:
        raise ConfigError("no course found: run `make demo` from the repository root")
    folder = course / "tests" / "sample_class" / aid
    files = sorted(p for p in folder.iterdir() if p.suffix in (".ipynb", ".py", ".zip")) if folder.is_dir() else []
    if not files:
        raise ConfigError(f"no sample submissions in {folder}")
    cfg = AssignmentConfig.load(assignment_paths(aid, course).config)
    rows = []
    started = time.perf_counter()
    with Grader() as grader:
        with console.status("grading the sample class...") as status:
            for f in files:
                status.update(f"grading {f.name}...")
                res = grader.grade(f, aid, GradeOptions(device="auto", course=course))
                student = f.stem
                res.write_json(out / student / "results.json")
                write_markdown(res, out / student / "feedback.md")
                rows.append((student, res))
    table = Table(title=f"Gradebook: {aid}")
    table.add_column("student", no_wrap=True)
    for i, _ in enumerate(cfg.exercises, start=1):
        table.add_column(f"E{i}", justify="right", min_width=3)
    table.add_column("total", justify="right", style="bold", no_wrap=True)
    notes = []
    for student, res in rows:
        per = res.per_exercise()
        cells = [f"{per.get(ex, (0, 0))[0]:g}" for ex in cfg.exercises]
        table.add_row(student, *cells, f"{res.score:g}/{cfg.total_points:g}")
        if res.status != "graded":
            notes.append(f"[red]{student}: not graded[/]: {res.error}")
        notes += [f"{student}: {n.splitlines()[0]}" for n in res.notes if "tagged demo" not in n]
    console.print(table)
    console.print("  ".join(f"E{i} {ex}" for i, ex in enumerate(cfg.exercises, start=1)), style="dim")
    for note in notes:
        console.print(note, highlight=False)
    console.print(f"{len(rows)} submissions graded in {time.perf_counter() - started:.1f} s.")
    console.print(f"Per-student results.json and feedback.md: {out}/<student>/")
    return 0
