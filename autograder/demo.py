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
                res.write_json(out / student / "results.json", cfg.hidden_visibility)
                write_markdown(res, out / student / "feedback.md", cfg.title)
                rows.append((student, res))
    table = Table(title=f"Gradebook: {cfg.title} ({len(rows)} submissions, "
                        f"{time.perf_counter() - started:.1f} s)")
    table.add_column("student")
    for ex in cfg.exercises:
        table.add_column(ex, justify="right")
    table.add_column("total", justify="right", style="bold")
    table.add_column("note", overflow="fold", max_width=40)
    for student, res in rows:
        per = res.per_exercise()
        cells = [f"{per.get(ex, (0, 0))[0]:g}" for ex in cfg.exercises]
        note = res.error if res.status != "graded" else (f"{len(res.notes)} note(s)" if res.notes else "")
        table.add_row(student, *cells, f"{res.score:g}/{cfg.total_points:g}", note)
    console.print(table)
    console.print(f"Per-student results.json and feedback.md: {out}/<student>/")
    return 0
