"""Counting the work a student's function does, for course probes (untrusted side).

Runs in the worker, next to the student's module; a course's ``probes.py`` exposes it
(``from autograder.untrusted.counting import work_counts``) so one implementation serves
every assignment. ``work_counts(module, NAME, *args, **kwargs)`` calls ``module.NAME``
once and returns ``{"lines": ..., "torch_ops": ...}``:

- ``lines``: Python 'line' events executed in the student's own frames (frames whose
  globals are the module's namespace: their functions, methods, comprehensions);
- ``torch_ops``: operations dispatched to torch's kernels (a ``TorchDispatchMode``), from
  the student's code and from any library it calls.

Vectorised code does the same number of both whatever the size of the batch; a Python loop
over rows grows them with it, even when no single call is slow. The trusted side compares
the counts at two sizes (``autograder.scaling``). The student's code shares this process
and could fake the counts, with more effort than vectorising: like every probe, this one
serves honest code.
"""

from __future__ import annotations

import sys

DECIDES_GRADES = True  # cache_key.py: its counts decide the vectorisation tests' grades


def _resolve(module, name: str):
    obj = module
    for part in name.split("."):  # "SoftmaxCrossEntropyFn.apply"
        obj = getattr(obj, part)
    return obj


def work_counts(module, name: str, *args, **kwargs) -> dict:
    """Call ``module.NAME(*args, **kwargs)``; count its Python lines and torch operations."""
    from torch.utils._python_dispatch import TorchDispatchMode

    fn = _resolve(module, name)
    student_globals = module.__dict__
    lines = 0

    class OpCounter(TorchDispatchMode):
        ops = 0

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            OpCounter.ops += 1
            return func(*args, **(kwargs or {}))

    def local_trace(frame, event, arg):
        nonlocal lines
        if event == "line":
            lines += 1
        return local_trace

    def global_trace(frame, event, arg):
        # called for every new frame: trace lines only in the student's own frames
        return local_trace if frame.f_globals is student_globals else None

    previous = sys.gettrace()
    with OpCounter():
        sys.settrace(global_trace)
        try:
            fn(*args, **kwargs)
        finally:
            sys.settrace(previous)
    return {"lines": lines, "torch_ops": OpCounter.ops}
