"""One import for test authors: ``from autograder.authoring import assert_close, ...``.

Trusted side. Re-exports, under one name, what a course's tests use (AUTHORING_API.md
describes each): the comparisons (``compare``), vectorisation by counting (``scaling``),
classes and modules as exercises (``module_checks``), the course's shared helpers
(``course_helpers``), the hypothesis strategies (``strategies``, as a module), the pictures (``figures``: they
draw; ``attach_image``, the harness's, attaches), the harness's errors, ``memo`` and the
``student`` fixture's types, and ``tr`` for hints in several languages. Nothing is defined
here; the old paths (``autograder.compare.assert_close``...) stay, for suites already
released. The worker-side counter (``untrusted.counting``) is not here: ``probes.py``
imports it, and probes run in the worker, which must never import this (trusted) module.

It declares itself grade-deciding: a test file's hash does not cover the modules it
imports, and this one brings in every module a test leans on (``scaling`` included), so
the grade cache key (``cache_key.py``) follows all of them.
"""

from __future__ import annotations

from autograder import figures, strategies
from autograder.compare import assert_close, check_vjp, expect_raises, tolerances
from autograder.config import course_helpers
from autograder.device_checks import assert_device_kept
from autograder.figures import difference_map, loss_curves
from autograder.harness import (BadReturnValue, CallResult, MissingName, NotDifferentiable, NotJudged,
                                ProtocolViolation, Student, StudentAbort, StudentError, StudentException,
                                StudentTimeout, WorkerCrashed, attach_image, memo, precondition)
from autograder.i18n import tr
from autograder.module_checks import ModuleRun, check_module, run_module
from autograder.scaling import assert_loop_free

DECIDES_GRADES = True  # cache_key.py: what the course's tests import decides their grades

__all__ = [
    # comparisons
    "assert_close", "check_vjp", "expect_raises", "tolerances",
    # what a property test needs before it can judge its property: a failure inside is "not judged"
    "precondition", "NotJudged",
    # classes and nn.Modules: built in the worker from a description (probe: untrusted.modules.run_module)
    "check_module", "run_module", "ModuleRun",
    # the course's helpers module, shared by tests and probes (tests/public/helpers.py)
    "course_helpers",
    # vectorisation by counting
    "assert_loop_free",
    # "device kept" on a CPU-only machine (probe: untrusted.devices.on_meta)
    "assert_device_kept",
    # inputs for hypothesis (a module: strategies.tensor, strategies.shapes, ...)
    "strategies",
    # pictures: figures draw, attach_image attaches to the running test
    "figures", "loss_curves", "difference_map", "attach_image",
    # the harness: the student fixture's types, its errors, memo
    "Student", "CallResult", "memo",
    "StudentError", "StudentException", "MissingName", "BadReturnValue", "NotDifferentiable",
    "StudentAbort", "StudentTimeout", "WorkerCrashed", "ProtocolViolation",
    # hints in several languages
    "tr",
]
