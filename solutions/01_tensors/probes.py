"""Instrumentation for 01_tensors, run inside the worker next to the student's module.

Every function takes the student's module first. None of them holds an answer: they only
call the student's own functions and report what happened.
"""
import torch

# Counts the Python lines and torch operations of one call (autograder.untrusted.counting):
# the vectorisation tests compare them at two sizes of the batch-like dimension.
from autograder.untrusted.counting import work_counts  # noqa: F401  (a probe)
# Calls a function on its arguments moved to the meta device (autograder.untrusted.devices):
# "device kept" judged without a GPU (assert_device_kept).
from autograder.untrusted.devices import on_meta  # noqa: F401  (a probe)


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
