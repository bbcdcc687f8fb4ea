"""Instrumentation for 04_modules, run inside the worker next to the student's module.

A probe takes the student's module first, builds what cannot cross the wire (modules),
calls the student's code and returns plain values. The models come from the course's
helpers (tests/public/helpers.py), the same ones the tests describe.
"""
import helpers

# Builds the student's class from a description and runs forward and backward
# (autograder.authoring.check_module / run_module on the trusted side).
from autograder.untrusted.modules import run_module  # noqa: F401  (a probe)


def count(module, kind, trainable_only=None):
    """module.count_parameters on helpers.build(kind) (the default flag when None); the
    result's type name too, and whether the model's flags were left alone."""
    model = helpers.build(kind)
    flags = [p.requires_grad for p in model.parameters()]
    if trainable_only is None:
        got = module.count_parameters(model)
    else:
        got = module.count_parameters(model, trainable_only=trainable_only)
    return {"count": got if isinstance(got, (int, float)) else str(got), "type": type(got).__name__,
            "flags_kept": flags == [p.requires_grad for p in model.parameters()]}
