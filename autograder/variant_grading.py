"""Grade many variants of one assignment in ``jobs`` at once: `autograder validate`'s gradings.

Trusted side. ``validate`` grades the solution, the released stub and every mutant and
correct alternative (a hundred-odd gradings per assignment); one pytest run per process
(pytest is not reentrant), so a second core is used through warm grading processes
(``executors.GraderProcess``, the batch's own) taking variants from the same queue as the
caller's in-process ``Grader``. A grading process grades files: a variant becomes the
solution's notebook with the variant's cell appended, which loads to the same cells.

A helper process that cannot grade a variant (it faulted, died or stuck) gives it back and
stops; the in-process grader grades what is left, so what a fault means is decided in one
place (``Grader.grade`` raises as it always did).
"""

from __future__ import annotations

import itertools
import queue
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.config import AssignmentConfig, assignment_paths
from autograder.executors.grader_process import GraderProcess, GradingStuck
from autograder.executors.jobs import GradeSpec, submission_timeout
from autograder.grader import GradeOptions, Grader
from autograder.results import GradeResult, result_from_dict
from autograder.submission import Submission

# Two: the machines this runs on (CI, an author's laptop) have at least two cores; each
# job is one grading process (torch with one thread, its zygote and worker).
JOBS = 2


@dataclass(frozen=True)
class Task:
    """One grading: ``key`` names its result; ``cell`` is the source appended to the solution
    (``submission`` holds the same, ready to grade in process); without a submission, the
    file at ``path`` is graded as it is (the solution, the released stub)."""

    key: str
    path: Path
    options: GradeOptions
    submission: Submission | None = None
    cell: str | None = None

    @property
    def shareable(self) -> bool:
        """A grading process grades whole suites, in any language: not the public-only hint runs."""
        return self.options.scope == "all"


def grade_tasks(grader: Grader, course: Path, aid: str, tasks: list[Task], jobs: int = JOBS,
                backend_options: dict | None = None) -> dict[str, GradeResult]:
    """Every task's result by key. ``grader`` grades in this process; ``jobs - 1`` grading
    processes on the same backend (``grader.backend.name``, started with ``backend_options``)
    share the shareable tasks with it. Tasks only this process can grade go first, while the
    helpers warm up."""
    results: dict[str, GradeResult] = {}
    shared: queue.Queue[Task] = queue.Queue()
    for t in tasks:
        if t.shareable:
            shared.put(t)
    returned: list[Task] = []
    n = max(0, jobs - 1) if shared.qsize() > 1 else 0
    helpers = [threading.Thread(target=_helper, args=(_spec(grader, course, aid, tasks, backend_options),
                                                      shared, results, returned), daemon=True) for _ in range(n)]
    for h in helpers:
        h.start()
    try:
        for t in itertools.chain((t for t in tasks if not t.shareable), _take(shared)):  # lazily: shared with the helpers
            results[t.key] = grader.grade(t.path, aid, t.options, submission=t.submission)
    except BaseException:
        list(_take(shared))  # the helpers stop after their current grading
        raise
    finally:
        for h in helpers:
            h.join()
    for t in returned:  # what a helper could not grade: here, where a fault raises as usual
        results[t.key] = grader.grade(t.path, aid, t.options, submission=t.submission)
    return results


def _take(shared: queue.Queue):
    """The shared tasks, one at a time, until none is left (the helpers take from it too)."""
    while True:
        try:
            yield shared.get_nowait()
        except queue.Empty:
            return


def _spec(grader: Grader, course: Path, aid: str, tasks: list[Task], backend_options: dict | None) -> GradeSpec:
    # No warm-up: validate grades the solution itself (a task like any other); a helper that
    # graded it first as well would only start seconds later.
    return GradeSpec(assignment=aid, course=str(course), device=tasks[0].options.device,
                     backend=grader.backend.name, backend_options=dict(backend_options or {}), lang="en",
                     warmup=False, record=tasks[0].options.record)


def _bound(course: Path, aid: str) -> float:
    """A variant's time bound: a batch's (executors.submission_timeout from the suite's budgets)."""
    cfg = AssignmentConfig.load(assignment_paths(aid, course).config)
    return submission_timeout(cfg.import_budget_s, (t.timeout_s for t in cfg.tests.values()))


def _helper(spec: GradeSpec, shared: queue.Queue, results: dict[str, GradeResult], returned: list[Task]) -> None:
    course = Path(spec.course)
    bound = _bound(course, spec.assignment)
    solution = nbformat.read(assignment_paths(spec.assignment, course).notebook, as_version=4)
    try:
        proc = GraderProcess(spec)
    except OSError:  # no process to be had: the in-process grader grades everything
        return
    stuck = False
    try:
        with tempfile.TemporaryDirectory(prefix="validate-") as tmp:
            for n, t in enumerate(_take(shared)):
                path = t.path if t.cell is None else _variant_notebook(solution, t.cell, Path(tmp) / f"{n}.ipynb")
                try:
                    reply = proc.grade(path, bound, lang=t.options.lang)
                except GradingStuck:
                    stuck, reply = True, {}
                except Exception:  # noqa: BLE001 - died, broke or could not start: graded in process instead
                    reply = {}
                if "result" not in reply:  # a fault, or this process is gone: graded in process instead
                    returned.append(t)
                    return
                results[t.key] = result_from_dict(reply["result"])
    finally:
        if stuck:
            proc.kill()
        proc.close()


def _variant_notebook(solution: nbformat.NotebookNode, cell: str, path: Path) -> Path:
    nb = nbformat.from_dict(solution)  # a copy: the solution's cells stay as read
    nb.cells = [*nb.cells, nbformat.v4.new_code_cell(cell)]
    nbformat.write(nb, path)
    return path
