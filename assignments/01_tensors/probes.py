"""Instrumentation for 01_tensors, run inside the worker next to the student's module.

Every function takes the student's module first. None of them holds an answer: they only
call the student's own functions and report what happened.
"""
import sys

import torch


def python_line_events(module, name, *args):
    """Call `module.NAME(*args)` and count the Python 'line' events executed in the
    student's own code (frames whose globals are the module's namespace).

    A loop-free solution runs a handful of lines whatever the input size; a Python loop
    over rows or elements runs more lines the larger the input. Used by the hidden time
    budget tests to explain a timeout, never to award or remove points by itself.
    """
    fn = getattr(module, name)
    student_globals = module.__dict__
    count = 0

    def local_trace(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local_trace

    def global_trace(frame, event, arg):
        # called on every new frame; trace lines only in the student's frames
        return local_trace if frame.f_globals is student_globals else None

    previous = sys.gettrace()
    sys.settrace(global_trace)
    try:
        fn(*args)
    finally:
        sys.settrace(previous)
    return count


def call_with_grad_input(module, name, t):
    """Call `module.NAME` on a leaf tensor that requires grad and on a non-leaf tensor
    computed from it (the wire may not carry `requires_grad`), and report what the call
    left behind on the leaf. Exceptions are reported as text, not raised.
    """
    fn = getattr(module, name)
    leaf = t.detach().clone().requires_grad_(True)
    report = {}
    for kind, arg in (("leaf", leaf), ("nonleaf", leaf * 1)):
        try:
            report[kind] = fn(arg)
        except Exception as exc:  # the student's error, reported to the test
            report[kind + "_error"] = f"{type(exc).__name__}: {exc}"
    report["leaf_after"] = leaf.detach().clone()
    report["leaf_requires_grad"] = bool(leaf.requires_grad)
    report["leaf_grad_is_none"] = leaf.grad is None
    return report
