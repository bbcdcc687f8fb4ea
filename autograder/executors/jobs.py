"""What a batch hands an executor and gets back, and the executor seam itself.

Trusted side, coordinator process: nothing here imports torch or student code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol

from autograder.config import AssignmentConfig
from autograder.i18n import t as _


@dataclass(frozen=True)
class GradeSpec:
    """What every submission of a batch is graded with."""

    assignment: str
    course: str
    device: str = "auto"
    backend: str = "local"
    backend_options: dict = field(default_factory=dict)
    # The batch's language: a grading process or Ray task writes its texts (faults included,
    # which are stored and shown later) in it, whatever its own environment says.
    lang: str = "en"
    # Grade the reference solution when a grading process starts (``grader_runtime.warm_up``):
    # a broken suite is reported before any student's grade, and the first submission does not
    # pay the suites' imports. False (``--no-warmup``; validate's helpers, which grade the
    # solution themselves) starts seconds sooner and checks nothing.
    warmup: bool = True
    # Keep each failed test's observations on the result (validate's helpers: the fingerprints).
    record: bool = False
    # Name known mistakes (diagnosis.py); off only where its cost is measured (bench --diagnosis).
    diagnose: bool = True

    def to_json(self) -> dict:
        return {"assignment": self.assignment, "course": self.course, "device": self.device,
                "backend": self.backend, "backend_options": self.backend_options, "lang": self.lang,
                "warmup": self.warmup, "record": self.record,
                "diagnose": self.diagnose}


@dataclass(frozen=True)
class Job:
    student: str
    path: Path


@dataclass
class Outcome:
    """One job's end: ``result`` (a GradeResult dict) or ``fault`` (the grader's problem)."""

    job: Job
    result: dict | None = None
    fault: str | None = None
    fatal: bool = False  # a broken suite or config: no other submission can be graded either
    # Stopped at its bound (``submission_timeout``): not retried, since a retry would stall
    # its slot for as long again; the submission is not graded ("not your fault").
    stuck: bool = False
    seconds: float = 0.0
    worker: str = ""


OnOutcome = Callable[[Outcome], None]


def submission_timeout(import_budget_s: float, test_timeouts: Iterable[float]) -> float:
    """How long one submission may take before its grading counts as stuck: twice what its
    suite allows (the cells, every test's budget), plus a container start and a margin."""
    return 2 * (import_budget_s + sum(test_timeouts)) + 240.0


def suite_timeout(cfg: AssignmentConfig, override_s: float | None = None) -> float:
    """The bound of one submission of this assignment, as every grading uses it (a batch, the
    service): the operator's ``override_s`` (``--submission-timeout``), else from the suite's
    budgets in its ``assignment.toml``."""
    return override_s or submission_timeout(cfg.import_budget_s, (t.timeout_s for t in cfg.tests.values()))


def reference_warning(assignment: str, warmup: dict) -> str | None:
    """What to tell the operator when the reference solution lost points in a grading
    process's warm-up (``grader_runtime.warm_up``): a broken suite. None when it scored full,
    or when there was no warm-up (``GradeSpec.warmup`` off: nothing was checked)."""
    if not warmup or (warmup["status"] == "graded" and warmup["score"] >= warmup["max_score"]):
        return None
    return _("{id}: the reference solution scored {score}/{max_score} on this suite (failed: {failed}): check the "
             "tests before trusting these grades (`autograder validate`)").format(
        id=assignment, score=f"{warmup['score']:g}", max_score=f"{warmup['max_score']:g}",
        failed=", ".join(warmup["failed"]) or warmup["status"])


class Executor(Protocol):
    """Where a batch's submissions are graded. ``run`` calls ``on_outcome`` in the caller's
    thread, once per job (the gradebook has one writer); a fatal outcome stops the rest."""

    name: str
    #: Said once after the batch (a reference solution that lost points, say).
    warnings: list[str]
    #: How long one submission may take before it is stopped and its outcome is a fault
    #: ("not graded: ..."), so one stuck submission never stops a batch (None: unbounded).
    submission_timeout_s: float | None

    def start(self) -> None:
        """Start the grading processes (or connect to the cluster) before the first job."""
        ...

    def run(self, jobs: Iterable[Job], on_outcome: OnOutcome) -> None: ...

    def close(self) -> None: ...
