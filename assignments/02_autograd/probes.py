"""Instrumentation for 02_autograd, run inside the worker next to the student's module.

Every function takes the student's module first. None of them holds an answer: they
replay what the trusted side describes with the student's own code and report what
happened (values, gradients, exceptions, which autograd APIs were used) as plain data.
"""
import operator
import os
import sys
import traceback

import numpy as np

# Counts the Python lines and torch operations of one call (autograder.untrusted.counting):
# the tests that judge vectorisation compare them at two batch sizes.
from autograder.untrusted.counting import work_counts  # noqa: F401  (a probe)

# Python's own default: the contract says deep chains must work with it, whatever the
# student's notebook did to the limit.
DEFAULT_RECURSION_LIMIT = 1000

_BINARY = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
           "div": operator.truediv, "matmul": operator.matmul}
_UNARY_METHODS = ("relu", "exp", "log", "tanh", "sigmoid", "transpose")


# ----------------------------------------------------------------------------- reports
def _array_report(x):
    """A plain value the wire accepts: an ndarray (copied), None, or a description."""
    if x is None:
        return None
    if type(x) is np.ndarray:
        return np.array(x, copy=True)
    if isinstance(x, np.generic) and type(x) is np.dtype(x.dtype).type:
        return np.asarray(x)   # a NumPy scalar (the contract accepts float64 for 0-d)
    return {"bad_type": f"{type(x).__module__}.{type(x).__qualname__}"}


def _error_report(exc, where):
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not os.path.isabs(f.filename) and f.filename != "<probes>"]   # the student's cells
    text = "".join(traceback.format_list(frames[-6:]) + traceback.format_exception_only(type(exc), exc))
    try:
        message = str(exc)
    except Exception:   # a hostile __str__
        message = "<unprintable>"
    return {"where": where, "type": type(exc).__name__, "mro": [c.__name__ for c in type(exc).__mro__],
            "message": message[:2000], "traceback": text[-4000:]}


def _node_report(module, node):
    rep = {"is_tensor": isinstance(node, module.Tensor), "type": f"{type(node).__qualname__}"}
    if not rep["is_tensor"]:
        return rep
    rep["data"] = _array_report(getattr(node, "data", None))
    try:
        rep["shape"] = [int(s) for s in node.shape]
    except Exception as exc:
        rep["shape_error"] = f"{type(exc).__name__}: {exc}"
    rep["requires_grad"] = bool(getattr(node, "requires_grad", False)) is True
    return rep


# ----------------------------------------------------------------------------- Part A
def _operand(nodes, spec):
    kind, value = spec
    return nodes[value] if kind == "n" else value   # "c": a number, "a": an ndarray


def _apply(module, nodes, step):
    op = step[0]
    if op == "leaf":
        _, value, requires_grad = step
        return module.Tensor(value, requires_grad=requires_grad) if requires_grad is not None \
            else module.Tensor(value)
    if op in _BINARY:
        return _BINARY[op](_operand(nodes, step[1]), _operand(nodes, step[2]))
    x = nodes[step[1]]
    if op == "neg":
        return -x
    if op == "pow":
        return x ** step[2]
    if op in ("sum", "mean"):
        axis, keepdims = step[2], step[3]
        method = getattr(x, op)
        if axis is None and not keepdims:
            return method()
        return method(axis=axis, keepdims=keepdims)
    if op == "reshape":
        return x.reshape(*step[2])
    if op == "T":
        return x.T
    if op in _UNARY_METHODS:
        return getattr(x, op)()
    raise ValueError(f"unknown op {op!r} in the course program (a grader bug)")


def _build(module, steps, record):
    nodes, reports = [], []
    for i, step in enumerate(steps):
        try:
            node = _apply(module, nodes, step)
        except Exception as exc:
            return nodes, reports, _error_report(exc, i)
        nodes.append(node)
        if record == "all" or (record == "leaves" and step[0] == "leaf"):
            reports.append(_node_report(module, node))
        if not isinstance(node, module.Tensor):
            return nodes, reports, {"where": i, "type": "not_a_tensor", "mro": [],
                                    "message": f"the result is a {type(node).__module__}."
                                               f"{type(node).__qualname__}, not a Tensor",
                                    "traceback": ""}
    return nodes, reports, None


def run_program(module, program):
    """Replay a program (a list of steps over numbered nodes) with the student's Tensor.

    ``program``: {"steps": [...], "output": k, "grad": array/number/None, "repeat": r,
    "record": "all" | "leaves" | "last", "default_recursion_limit": bool}. The graph is built
    and back-propagated from node ``output`` ``repeat`` times (the same leaf objects: a
    second pass must accumulate). Reports every node (or only leaves, or only the output),
    each leaf's ``.grad`` and the first exception, with the step where it happened.
    """
    if not isinstance(getattr(module, "Tensor", None), type):
        return {"nodes": [], "grads": [], "passes": 0,
                "error": {"where": "setup", "type": "missing", "mro": [], "traceback": "",
                          "message": "there is no class named Tensor at the top level of your notebook"}}
    steps = program["steps"]
    leaves = [i for i, s in enumerate(steps) if s[0] == "leaf"]
    record = program.get("record", "all")
    previous = sys.getrecursionlimit()
    if program.get("default_recursion_limit"):
        sys.setrecursionlimit(DEFAULT_RECURSION_LIMIT)
    result = {"nodes": [], "grads": [], "error": None, "passes": 0}
    try:
        nodes, reports, err = _build(module, steps, record)
        result["nodes"] = reports
        if err is not None:
            result["error"] = err
            return result
        for r in range(program.get("repeat", 1)):
            out = nodes[program["output"]]
            if r:   # a fresh graph over the same leaf objects: backward must accumulate
                fresh, err = _rebuild(module, steps, nodes)
                if err is not None:
                    result["error"] = err
                    return result
                out = fresh[program["output"]]
            try:
                if program.get("grad") is None:
                    out.backward()
                else:
                    out.backward(program["grad"])
            except Exception as exc:
                result["error"] = _error_report(exc, "backward")
                return result
            result["passes"] += 1
        if record == "last":
            result["nodes"] = [_node_report(module, nodes[program["output"]])]
        result["grads"] = [_array_report(getattr(nodes[i], "grad", None)) for i in leaves]
        return result
    except RecursionError as exc:   # building a deep chain recursively
        result["error"] = _error_report(exc, "build")
        return result
    finally:
        sys.setrecursionlimit(previous)


def _rebuild(module, steps, first):
    """Rebuild every non-leaf step over the leaf objects of the first pass."""
    nodes = []
    for i, step in enumerate(steps):
        if step[0] == "leaf":
            nodes.append(first[i])
            continue
        try:
            nodes.append(_apply(module, nodes, step))
        except Exception as exc:
            return nodes, _error_report(exc, i)
    return nodes, None


# ----------------------------------------------------------------------------- Parts B and C
class _AutogradRecorder:
    """Records uses of autograd (torch.autograd.grad / backward, Tensor.backward, the
    autograd engine behind them, torch.func and torch.autograd.functional transforms)
    while ``active``; ``nested_only``: only engine runs inside another engine run (a
    hand-written backward called by our own backward pass)."""

    FUNC_NAMES = ("grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "linearize")
    FUNCTIONAL_NAMES = ("vjp", "jvp", "jacobian", "hessian", "vhp", "hvp")

    def __init__(self, nested_only):
        import torch

        self.torch = torch
        self.nested_only = nested_only
        self.active = False
        self.depth = 0
        self.uses = []
        self._saved = []

    def _record(self, name):
        if self.active and (not self.nested_only or self.depth > 0) and name not in self.uses:
            self.uses.append(name)

    def _wrap(self, owner, attr, name, engine=False):
        original = getattr(owner, attr, None)
        if original is None:
            return
        recorder = self

        def wrapper(*args, **kwargs):
            recorder._record(name)
            if engine:
                recorder.depth += 1
            try:
                return original(*args, **kwargs)
            finally:
                if engine:
                    recorder.depth -= 1

        self._saved.append((owner, attr, original))
        setattr(owner, attr, wrapper)

    def __enter__(self):
        torch = self.torch
        import torch.autograd as autograd
        import torch.autograd.functional as functional

        # The engine entry point catches grad/backward however they were imported
        # (`from torch.autograd import grad` binds the function, not the name).
        self._wrap(autograd, "_engine_run_backward", "the autograd engine (.backward() or autograd.grad)",
                   engine=True)
        self._wrap(autograd, "grad", "torch.autograd.grad")
        self._wrap(autograd, "backward", "torch.autograd.backward")
        self._wrap(torch.Tensor, "backward", "Tensor.backward")
        try:
            import torch.func as tfunc
            for n in self.FUNC_NAMES:
                self._wrap(tfunc, n, f"torch.func.{n}")
        except ImportError:
            pass
        for n in self.FUNCTIONAL_NAMES:
            self._wrap(functional, n, f"torch.autograd.functional.{n}")
        return self

    def __exit__(self, *exc):
        for owner, attr, original in reversed(self._saved):
            setattr(owner, attr, original)
        self._saved.clear()
        return False

    def summary(self):
        # The engine entry is an implementation detail: name it only when no public API was seen.
        named = [u for u in self.uses if not u.startswith("the autograd engine")]
        return named or self.uses


def function_autograd_uses(module, name, args, cotangent):
    """Run ``module.NAME.apply(*args)`` on leaves that require grad (floating tensors in
    ``args``), then back-propagate ``cotangent`` through it, recording autograd used
    *inside* the student's backward. Returns {"uses": [...], "error": None | text}."""
    import torch

    fn_cls = getattr(module, name)
    args = [a.detach().clone().requires_grad_(True) if isinstance(a, torch.Tensor) and a.is_floating_point()
            else a for a in args]
    inputs = [a for a in args if isinstance(a, torch.Tensor) and a.requires_grad]
    with torch.enable_grad():
        out = fn_cls.apply(*args)
    rec = _AutogradRecorder(nested_only=True)
    with rec:
        rec.active = True
        try:
            torch.autograd.grad(out, inputs, cotangent, allow_unused=True)
        except Exception as exc:
            return {"uses": rec.summary(), "error": f"{type(exc).__name__}: {exc}"[:2000]}
    return {"uses": rec.summary(), "error": None}


def call_autograd_uses(module, name, *args):
    """Call ``module.NAME(*args)`` and record every use of autograd during the call."""
    fn = getattr(module, name)
    rec = _AutogradRecorder(nested_only=False)
    with rec:
        rec.active = True
        try:
            fn(*args)
        except Exception as exc:
            return {"uses": rec.summary(), "error": f"{type(exc).__name__}: {exc}"[:2000]}
    return {"uses": rec.summary(), "error": None}
