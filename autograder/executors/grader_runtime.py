"""A warm Grader inside a trusted grading process (a local one, or a Ray worker).

Trusted side. Both executors grade the same way: build the Grader once (its zygote up,
the suites imported, the reference solution graded: ``make_grader``), then turn each
submission into a reply the coordinator understands (``grade_reply``): ``{"result": ...}``,
or ``{"fault": ..., "fatal": ...}`` for the grader's problems, with the same handling of a
full disk and of an unexpected error on either path.
"""

from __future__ import annotations

import ctypes
import gc
import time
import traceback
from pathlib import Path

from autograder import i18n
from autograder.i18n import t as _
from autograder.config import ConfigError
from autograder.errors import no_space
from autograder.executors.jobs import GradeSpec


def release_memory() -> None:
    """After a submission: free its garbage now and hand freed heap back to the OS.

    Failed tests leave tracebacks holding big tensors in reference cycles, and glibc keeps
    freed heap pages: without this a long-lived grading process grows by hundreds of MB.
    (A fixed mmap threshold also keeps memory flat, but page-faulting every large tensor
    made grading 20% slower.) With the warm state frozen (``gc.freeze``) this takes ~50 ms.
    """
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: the collection alone


def start_fault(e: BaseException) -> dict:
    """The reply when the grader cannot even start (every submission would fail alike): fatal."""
    return {"fault": no_space(e) or _("cannot start grading ({error})").format(error=f"{type(e).__name__}: {e}"),
            "fatal": True}


def grade_reply(grader, path: Path, spec: GradeSpec, course: Path) -> dict:
    """Grade one submission; the reply for the coordinator. A full disk is fatal (it fails
    every submission alike); any other OSError is raised (the process is suspect: the
    executor replaces it); another unexpected error costs this submission only."""
    from autograder.grader import GradeOptions

    # The batch's language, not this process's environment: the fault texts are stored.
    with i18n.using(spec.lang):
        return _grade_reply(grader, path, spec, course, GradeOptions(device=spec.device, course=course, lang=spec.lang,
                                                                    record=spec.record, diagnose=spec.diagnose))


def _grade_reply(grader, path: Path, spec: GradeSpec, course: Path, options) -> dict:
    from autograder.grader import GraderFault, InfrastructureFault

    try:
        result = grader.grade(path, spec.assignment, options)
        reply = {"result": result.to_dict()}
        del result
        release_memory()
        return reply
    except InfrastructureFault as e:  # this submission only: marked, graded by the next run
        return {"fault": _("not graded: {why}").format(why=e)}
    except (GraderFault, ConfigError) as e:
        return {"fault": str(e), "fatal": True}
    except OSError as e:
        if not no_space(e):
            raise
        # A full temp folder fails every submission alike: stop, say where.
        return {"fault": no_space(e), "fatal": True}
    except Exception as e:  # noqa: BLE001 - one submission's grader error, not the batch's
        traceback.print_exc()
        return {"fault": _("internal grader error on this submission ({error}); see the workers' log").format(
            error=f"{type(e).__name__}: {e}")}


def make_grader(spec: GradeSpec, course: Path | None = None):
    """A Grader whose zygote is up and, unless ``spec.warmup`` is off, whose suites are
    imported and have run once on the reference solution (``grader.warmup``: its result)."""
    import torch

    from autograder.backends import make_backend
    from autograder.grader import Grader

    # One thread: the worker computes while we wait and vice versa, and idle OpenMP threads
    # spin on the cores the worker needs (grading took 1.6x as long with torch's default).
    # Parallelism comes from --jobs.
    torch.set_num_threads(1)
    grader = Grader(backend=make_backend(spec.backend, **spec.backend_options))
    if grader.backend.zygote is not None:
        grader.backend.zygote.wait_ready()
    if spec.warmup:
        grader.warmup = warm_up(grader, spec, course or Path(spec.course))
    # Everything alive now (torch, pytest, the suites) stays for the process's life: freezing
    # it makes the full collection after each submission scan only that submission's objects.
    gc.collect()
    gc.freeze()
    return grader


def warm_up(grader, spec: GradeSpec, course: Path) -> dict:
    """Grade the reference solution once before any student: it imports the suites and takes
    torch's first-call costs out of the first submission's time, and it checks the course
    (a solution that loses points means a broken suite, which the coordinator reports)."""
    from autograder.config import assignment_paths
    from autograder.grader import GradeOptions

    paths = assignment_paths(spec.assignment, course)
    if paths.notebook is None or not paths.notebook.exists():
        return {}
    t0 = time.perf_counter()
    result = grader.grade(paths.notebook, spec.assignment,
                          GradeOptions(device=spec.device, course=course, lang=spec.lang))
    return {"score": result.score, "max_score": result.max_score, "seconds": round(time.perf_counter() - t0, 3),
            "failed": [t.name for t in result.tests if not t.passed][:10], "status": result.status}
