"""``make demo``: grade the bundled sample class and print its gradebook.

The sample class (``tests/sample_class/<id>/``) holds a perfect, a partial, a buggy, a
crashing and a hostile submission. One warm zygote serves them all.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder.config import AssignmentConfig, ConfigError, assignment_paths
from autograder.feedback import write_markdown
from autograder.grader import GradeOptions, Grader
from autograder.i18n import current
from autograder.i18n import t as _


def run_demo(course: Path | None, aid: str, out: Path, console: Console) -> int:
    if course is None:
        raise ConfigError(_("no course found: run `make demo` from the repository root"))
    folder = course / "tests" / "sample_class" / aid
    files = sorted(p for p in folder.iterdir() if p.suffix in (".ipynb", ".py", ".zip")) if folder.is_dir() else []
    if not files:
        raise ConfigError(_("no sample submissions in {folder}").format(folder=folder))
    cfg = AssignmentConfig.load(assignment_paths(aid, course).config)
    rows = []
    started = time.perf_counter()
    with Grader() as grader:
        with console.status(_("grading the sample class...")) as status:
            for f in files:
                status.update(_("grading {file}...").format(file=f.name))
                res = grader.grade(f, aid, GradeOptions(device="auto", course=course, lang=current()))
                student = f.stem
                res.write_json(out / student / "results.json")
                write_markdown(res, out / student / "feedback.md")
                rows.append((student, res))
    table = Table(title=_("Gradebook: {assignment}").format(assignment=aid))
    table.add_column(_("student"), no_wrap=True)
    for i in range(1, len(cfg.exercises) + 1):
        table.add_column(f"E{i}", justify="right", min_width=3)
    table.add_column(_("total"), justify="right", style="bold", no_wrap=True)
    notes = []
    for student, res in rows:
        per = res.per_exercise()
        cells = [f"{per.get(ex, (0, 0))[0]:g}" for ex in cfg.exercises]
        table.add_row(student, *cells, f"{res.score:g}/{cfg.total_points:g}")
        if res.status != "graded":
            notes.append(Text.assemble((_("{student}: not graded").format(student=student), "red"), ": ",
                                       res.error or ""))
        notes += [Text(f"{student}: {n.splitlines()[0]}") for n in res.notes if not _demo_skipped(n)]
    console.print(table)
    console.print("  ".join(f"E{i} {ex}" for i, ex in enumerate(cfg.exercises, start=1)), style="dim")
    for note in notes:
        console.print(note, highlight=False)
    console.print(_("{n} submissions graded in {seconds} s.").format(n=len(rows),
                                                                     seconds=f"{time.perf_counter() - started:.1f}"))
    console.print(_("Per-student results.json and feedback.md: {folder}").format(folder=f"{out}/<student>/"))
    return 0


def _demo_skipped(note: str) -> bool:
    """The note of a skipped `demo` cell (expected in the sample class: not worth a line), in
    the language the class was graded in (submission.py writes it)."""
    pattern = re.escape(_("{cell} skipped: tagged {tag}"))
    pattern = pattern.replace(re.escape("{cell}"), ".+").replace(re.escape("{tag}"), "demo")
    return re.fullmatch(pattern, note.splitlines()[0] if note else "") is not None
