"""``autograder similarity``: run, write the report (and CSV), print the closest pairs."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from autograder.i18n import t as _
from autograder.similarity.pairs_csv import write_pairs_csv
from autograder.similarity.report import write_report
from autograder.similarity.run import SimilarityOptions, run_similarity

TOP = 10  # pairs printed


def run_command(course: Path, assignment: str, submissions: list[Path], archives: list[Path], report: Path,
                csv_path: Path | None, shown: int, console: Console, progress: Path | None = None) -> int:
    opts = SimilarityOptions(assignment, course, list(submissions), list(archives))

    def step(name: str, status) -> None:
        status.update(_("comparing submissions: {step}...").format(step=name))
        if progress is not None:
            progress.write_text(name, encoding="utf-8")

    with console.status(_("comparing submissions...")) as status:
        result = run_similarity(opts, lambda name: step(name, status))
        step("report", status)
    write_report(result, report, shown)
    if csv_path is not None:
        csv_path.parent.mkdir(parents=True, exist_ok=True)
        with open(csv_path, "w", newline="", encoding="utf-8") as f:
            write_pairs_csv(result, f)
    table = Table(title=_("Closest pairs (evidence to read, not a verdict)"))
    for col in (_("rank"), _("students"), _("whole")):
        table.add_column(col)
    names = [s.student for s in result.students]
    for k, p in enumerate(result.pairs[:TOP], 1):
        table.add_row(str(k), f"{names[p.a]} <-> {names[p.b]}", f"{100 * p.score:.0f}%")
    console.print(table, markup=False)
    console.print(_("{n} submissions compared in {seconds:.1f} s; {pairs} pairs share code, {clusters} clusters. "
                    "Report: {report}").format(n=len(names), seconds=result.seconds, pairs=len(result.pairs),
                                               clusters=len(result.clusters), report=report), markup=False, highlight=False)
    for student, why in sorted(result.unreadable.items()):
        console.print(_("not compared: {student}: {why}").format(student=student, why=why), markup=False)
    return 0
