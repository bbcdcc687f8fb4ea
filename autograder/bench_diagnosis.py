"""``make bench-diagnosis``: what naming known mistakes adds to a warm grading, per assignment.

The same generated submissions (every other one a mutant: the case where diagnosis does
work, since only failed tests are diagnosed) are graded by one warm local grading process
with diagnosis off and on, in alternating rounds so that a machine's drift hits both alike.
A submission's time is its wall time in the executor; the first of each run (caches warming)
is left out. Prints each assignment's mean per submission both ways and the ratio.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from autograder.bench import generate, run_ours
from autograder.i18n import t as _


@dataclass
class Cost:
    assignment: str
    off: list[float]
    on: list[float]

    @property
    def ratio(self) -> float:
        return statistics.mean(self.on) / statistics.mean(self.off)


def measure(course: Path, aid: str, n: int, rounds: int, work: Path) -> Cost:
    files = generate(course, aid, n, work / aid, every=2)
    cost = Cost(aid, [], [])
    for _round in range(rounds):
        for diagnose, into in ((False, cost.off), (True, cost.on)):
            run = run_ours("diagnosis" if diagnose else "plain", course, aid, files, jobs=1, diagnose=diagnose)
            into.extend(run.per_sub[1:])  # the first submission warms caches
    return cost


def run(course: Path, assignments: list[str], n: int, rounds: int, console: Console) -> int:
    work = Path(tempfile.mkdtemp(prefix="ag-bench-diagnosis-"))
    costs = []
    try:
        for aid in assignments:
            with console.status(_("{assignment}: grading with and without diagnosis...").format(assignment=aid)):
                costs.append(measure(course, aid, n, rounds, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table = Table(title=_("Diagnosis cost: warm grading, {n} submissions x {rounds} rounds, half of them mutants").format(
        n=n, rounds=rounds))
    for col in (_("assignment"), _("without s"), _("with s"), _("ratio")):
        table.add_column(col, justify="right")
    for c in costs:
        table.add_row(c.assignment, f"{statistics.mean(c.off):.3f}", f"{statistics.mean(c.on):.3f}", f"{c.ratio:.3f}")
    console.print(table)
    return 0


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", default="01_tensors,02_autograd,03_training,04_modules")
    parser.add_argument("-n", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    raise SystemExit(run(Path.cwd(), args.assignments.split(","), args.n, args.rounds, Console()))
