"""Worker side of the module checks: build a student's class from a description, run it.

``run_module`` is a probe (a course's ``probes.py`` imports it: ``from
autograder.untrusted.modules import run_module``): a module cannot cross the wire, so it is
built here, next to the student's code, and only plain values go back: outputs, gradients
by parameter name, the inputs' gradients, parameter, buffer and ``state_dict`` names.
``autograder.module_checks`` (trusted) sends the description and compares what comes back
with a reference built on its side from the same description and the same state.
"""

from __future__ import annotations

import torch

DECIDES_GRADES = True  # what a module check compares comes from here (cache_key.py)


def _plain(out):
    """Outputs as tensors without graph (a tuple or list of them stays a list)."""
    if isinstance(out, torch.Tensor):
        return out.detach()
    if isinstance(out, (tuple, list)):
        return [_plain(o) for o in out]
    return out


def _tensors(out) -> list[torch.Tensor]:
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _tensors(o)]
    return []


def run_module(module, name, args=(), kwargs=None, *, inputs=(), state=None, cotangents=None, seed=0,
               dtype=None, train=True, method="forward"):
    """Build ``module.NAME(*args, **kwargs)`` (seeded with ``seed``), move it to ``dtype``
    (a name: "float64"), load ``state`` (a dict of tensors, non-strict: what differs is
    reported), call ``method`` on ``inputs`` (floating ones become leaves requiring grad)
    and, given ``cotangents`` (one per output tensor), back-propagate them.

    Returns a dict: output, parameter_names, buffer_names, state_dict_keys, trainable
    (names of parameters requiring grad), missing_keys and unexpected_keys (of ``state``),
    param_grads (name -> tensor or None), input_grads (tensor or None per input). A plain
    class (not an ``nn.Module``) has no parameters, buffers or state: those are empty."""
    torch.manual_seed(int(seed))
    obj = getattr(module, name)(*args, **(kwargs or {}))
    is_module = isinstance(obj, torch.nn.Module)
    report = {"missing_keys": [], "unexpected_keys": []}
    if is_module:
        if dtype is not None:
            obj = obj.to(getattr(torch, dtype))
        obj.train(bool(train))
        if state is not None:
            result = obj.load_state_dict(state, strict=False)
            report["missing_keys"], report["unexpected_keys"] = list(result.missing_keys), list(result.unexpected_keys)
    leaves = [x.detach().clone().requires_grad_(x.is_floating_point()) if isinstance(x, torch.Tensor) else x
              for x in inputs]
    out = getattr(obj, method)(*leaves)
    named = list(obj.named_parameters()) if is_module else []
    report.update(
        output=_plain(out),
        parameter_names=[n for n, _ in named],
        buffer_names=[n for n, _ in obj.named_buffers()] if is_module else [],
        state_dict_keys=list(obj.state_dict()) if is_module else [],
        trainable=[n for n, p in named if p.requires_grad],
        param_grads={}, input_grads=[])
    if cotangents is not None:
        outs = [t for t in _tensors(out) if t.requires_grad]
        if outs:
            torch.autograd.backward(outs, list(cotangents)[:len(outs)])
        report["param_grads"] = {n: (p.grad.detach() if p.grad is not None else None) for n, p in named}
        report["input_grads"] = [x.grad.detach() if isinstance(x, torch.Tensor) and x.grad is not None else None
                                 for x in leaves]
    return report
