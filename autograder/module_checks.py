"""Classes and ``nn.Module``s as exercises (trusted side): describe, build in the worker, compare.

A module cannot cross the wire, so a test describes it (the class name, constructor
arguments, inputs, a state to load, cotangents) and the probe ``run_module``
(``untrusted/modules.py``, imported by the course's ``probes.py``) builds and runs it next
to the student's code; ``run_module`` here returns what came back as a ``ModuleRun`` of
plain values. ``check_module`` is ``check_vjp`` for modules: it builds the reference from
the same description in float64, hands its ``state_dict`` to the student's module (so both
hold the same weights), and compares the ``state_dict`` keys, the outputs, every
parameter's gradient and the inputs' gradients (gradients at 10x the dtype's tolerance).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch

from autograder.compare import _fail, assert_close, tolerances
from autograder.i18n import t as _

DECIDES_GRADES = True  # cache_key.py: what it compares decides grades

PROBE = "run_module"  # the probe's name in probes.py (from autograder.untrusted.modules import run_module)


@dataclass(frozen=True)
class ModuleRun:
    """What the student's class did in the worker. Gradients are None where none reached."""

    output: Any
    parameter_names: tuple[str, ...]
    buffer_names: tuple[str, ...]
    state_dict_keys: tuple[str, ...]
    trainable: tuple[str, ...]
    missing_keys: tuple[str, ...]  # of the state it was given to load
    unexpected_keys: tuple[str, ...]
    param_grads: dict[str, torch.Tensor | None]
    input_grads: tuple[torch.Tensor | None, ...]


def run_module(student, name: str, args=(), kwargs=None, *, inputs=(), state: dict | None = None,
               cotangents=None, seed: int = 0, dtype: torch.dtype | None = None, train: bool = True,
               method: str = "forward", timeout: float | None = None) -> ModuleRun:
    """Build ``NAME(*args, **kwargs)`` in the worker (after ``torch.manual_seed(seed)``), cast to
    ``dtype``, load ``state`` (non-strict), call ``method`` on ``inputs`` and back-propagate
    ``cotangents`` (a list, one per output tensor; None: no backward)."""
    rep = student.probe(PROBE, name, list(args), dict(kwargs or {}), inputs=list(inputs), state=state,
                        cotangents=None if cotangents is None else list(cotangents), seed=seed,
                        dtype=None if dtype is None else str(dtype).removeprefix("torch."), train=train,
                        method=method, timeout=timeout)
    return ModuleRun(output=rep["output"], parameter_names=tuple(rep["parameter_names"]),
                     buffer_names=tuple(rep["buffer_names"]), state_dict_keys=tuple(rep["state_dict_keys"]),
                     trainable=tuple(rep["trainable"]), missing_keys=tuple(rep["missing_keys"]),
                     unexpected_keys=tuple(rep["unexpected_keys"]), param_grads=dict(rep["param_grads"]),
                     input_grads=tuple(rep["input_grads"]))


def check_module(student, name: str, reference: Callable[..., torch.nn.Module], *, args=(), kwargs=None,
                 inputs=(), seed: int = 0, train: bool = True, what: str | None = None,
                 rtol: float | None = None, atol: float | None = None, hint: str | None = None) -> ModuleRun:
    """The student's ``NAME(*args, **kwargs)`` against ``reference(*args, **kwargs)``: the same
    ``state_dict`` keys, and with the reference's weights loaded, the same output, parameter
    gradients and input gradients for a seeded random cotangent. The dtype is the first
    floating input's; the reference runs in float64 on the CPU. Returns the ``ModuleRun``."""
    what = what or name
    dtype = next((x.dtype for x in inputs if isinstance(x, torch.Tensor) and x.is_floating_point()), torch.float32)
    torch.manual_seed(seed)
    ref = reference(*args, **(kwargs or {})).to(torch.float64)
    ref.train(train)
    keys = list(ref.state_dict())
    state = {k: (v.detach().to(dtype) if v.is_floating_point() else v.detach()) for k, v in ref.state_dict().items()}
    ref_inputs = [x.detach().to(torch.float64).requires_grad_(True) if isinstance(x, torch.Tensor)
                  and x.is_floating_point() else x for x in inputs]
    ref_out = ref(*ref_inputs)
    outs = list(ref_out) if isinstance(ref_out, (tuple, list)) else [ref_out]
    gen = torch.Generator().manual_seed(seed)
    cots64 = [torch.randn(o.shape, generator=gen, dtype=torch.float64) for o in outs]
    torch.autograd.backward(outs, cots64)
    run = run_module(student, name, args, kwargs, inputs=inputs, state=state, seed=seed, dtype=dtype, train=train,
                     cotangents=[c.to(dtype) for c in cots64])
    if sorted(run.state_dict_keys) != sorted(keys):
        missing = sorted(set(keys) - set(run.state_dict_keys))
        extra = sorted(set(run.state_dict_keys) - set(keys))
        _fail(_("{what}: state_dict keys").format(what=what),
              _("missing {missing}; unexpected {extra} (expected {keys})").format(
                  missing=missing or "-", extra=extra or "-", keys=keys), hint)
    got_outs = run.output if isinstance(ref_out, (tuple, list)) else [run.output]
    for k, (g, o) in enumerate(zip(got_outs, outs)):
        label = _("{what} output").format(what=what) + (f" {k}" if len(outs) > 1 else "")
        assert_close(g, o.detach(), what=label, dtype=dtype, rtol=rtol, atol=atol, hint=hint)
    g_rtol, g_atol = tolerances(dtype)
    grad_tol = {"rtol": rtol if rtol is not None else g_rtol * 10, "atol": atol if atol is not None else g_atol * 10}
    for pname, p in ref.named_parameters():
        label = _("{what}: gradient of parameter {name}").format(what=what, name=pname)
        got = run.param_grads.get(pname)
        if got is None:
            if p.grad is not None and p.grad.abs().max() > 0:
                _fail(label, _("no gradient reached this parameter, but it should"),
                      hint or _("is it used in forward, and registered (an nn.Parameter attribute)?"))
            continue
        assert_close(got, p.grad, what=label, dtype=dtype, hint=hint, **grad_tol)
    for i, x in enumerate(ref_inputs):
        if not isinstance(x, torch.Tensor) or x.grad is None:
            continue
        label = _("{what}: gradient with respect to input {index}").format(what=what, index=i)
        got = run.input_grads[i] if i < len(run.input_grads) else None
        if got is None:
            _fail(label, _("no gradient reached this input, but it should"),
                  hint or _("the computation was cut from the autograd graph (.detach(), .numpy(), .item(), "
                            "or a new tensor built from values)"))
        assert_close(got, x.grad, what=label, dtype=dtype, hint=hint, **grad_tol)
    return run
