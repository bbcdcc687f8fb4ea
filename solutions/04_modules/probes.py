"""Instrumentation for 04_modules, run inside the worker next to the student's module.

A probe takes the student's module first, builds what cannot cross the wire (modules),
calls the student's code and returns plain values. The models come from the course's
helpers (tests/public/helpers.py), the same ones the tests describe.
"""
from types import SimpleNamespace

import helpers
import torch

# Calls a function on inputs moved to the meta device: "device kept" without a GPU.
from autograder.untrusted.devices import on_meta
# Builds the student's class from a description and runs forward and backward
# (autograder.authoring.check_module / run_module on the trusted side).
from autograder.untrusted.modules import run_module  # noqa: F401  (a probe)


def residual_on_meta(module, d, hidden, n):
    """module.Residual(d, hidden) moved to the meta device, called through on_meta on an (n, d)
    input: "kept" when its output stays on the input's device, "lost" when it provably leaves it."""
    torch.manual_seed(0)
    block = module.Residual(d, hidden).to("meta")
    return on_meta(SimpleNamespace(forward=block), "forward", torch.zeros(n, d))


def running_on_meta(module, d, n):
    """module.RunningMean(d) moved to the meta device, one training batch through on_meta: whether
    its output (computed with its buffers) stays on the input's device."""
    m = module.RunningMean(d).to("meta")
    m.train()
    return on_meta(SimpleNamespace(forward=m), "forward", torch.zeros(n, d))


def residual_input_kept(module, d, hidden, n, dtype=None):
    """module.Residual(d, hidden) (moved to ``dtype``) on an input that does not require grad:
    whether the forward pass left that input as it was (an in-place change would go unnoticed
    by autograd there)."""
    torch.manual_seed(0)
    block = module.Residual(d, hidden)
    kind = torch.float32 if dtype is None else getattr(torch, dtype)
    block = block.to(kind)
    x = helpers.make_input(n, d, seed=11, dtype=kind)
    before = x.clone()
    block(x)
    return {"input_changed": not torch.equal(x, before)}


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


def activations(module, kind, names, n=3, dtype=None):
    """module.record_activations on helpers.build(kind) (moved to ``dtype``) and a fixed input: the recorded
    values (detached here), which of them still carried a graph, the hooks left on the
    model, and the exception's type name if it raised."""
    kind_dtype = torch.float32 if dtype is None else getattr(torch, dtype)
    model = helpers.build(kind).to(kind_dtype)
    x = helpers.make_input(n, 4, seed=5, dtype=kind_dtype)
    error = None
    try:
        acts = module.record_activations(model, x, list(names))
    except Exception as e:  # noqa: BLE001 - reported to the trusted side
        acts, error = {}, type(e).__name__
    hooks_left = sum(len(m._forward_hooks) for m in model.modules())
    if not isinstance(acts, dict):
        return {"acts": None, "type": type(acts).__name__, "with_graph": [], "hooks_left": hooks_left, "error": error}
    return {"acts": {str(k): v.detach() if isinstance(v, torch.Tensor) else repr(v) for k, v in acts.items()},
            "type": "dict", "with_graph": sorted(str(k) for k, v in acts.items()
                                                 if isinstance(v, torch.Tensor) and v.requires_grad),
            "hooks_left": hooks_left, "error": error}


def running(module, d, batches, modes, momentum=None, dtype=None):
    """Build module.RunningMean(d[, momentum]) (moved to ``dtype``), feed it ``batches``, each
    in its mode ("train" or "eval") as a leaf requiring grad, back-propagate out.sum(); report
    outputs, input gradients, the state_dict, parameter and buffer names, whether a buffer
    requires grad afterwards, and the first exception as text."""
    m = module.RunningMean(d) if momentum is None else module.RunningMean(d, momentum=momentum)
    if dtype is not None:
        m = m.to(getattr(torch, dtype))
    outputs, grads, error = [], [], None
    try:
        for batch, mode in zip(batches, modes):
            m.train(mode == "train")
            x = batch.detach().clone().requires_grad_(True)
            out = m(x)
            out.sum().backward()
            outputs.append(out.detach())
            grads.append(x.grad.detach() if x.grad is not None else None)
    except Exception as e:  # noqa: BLE001 - reported to the trusted side
        error = f"{type(e).__name__}: {e}"
    return {"outputs": outputs, "input_grads": grads, "error": error,
            "state": {k: v.detach() for k, v in m.state_dict().items()},
            "parameter_names": [n for n, _ in m.named_parameters()],
            "buffer_names": [n for n, _ in m.named_buffers()],
            "buffer_requires_grad": any(b.requires_grad for b in m.buffers())}


def initialise(module, kind, dtype=None):
    """module.init_weights on helpers.build(kind) (moved to ``dtype``): every Linear's weight
    and bias after it, whether it returned the model, kept the Parameter objects, their dtype
    and requires_grad, and left the other modules' parameters as they were."""
    model = helpers.build(kind)
    if dtype is not None:
        model = model.to(getattr(torch, dtype))
    before = {n: p for n, p in model.named_parameters()}
    others = {n: p.detach().clone() for n, p in model.named_parameters()
              if not isinstance(model.get_submodule(n.rpartition(".")[0]), torch.nn.Linear)}
    torch.manual_seed(1)
    try:
        returned = module.init_weights(model)
        error = None
    except Exception as e:  # noqa: BLE001 - reported to the trusted side
        returned, error = None, f"{type(e).__name__}: {e}"
    after = dict(model.named_parameters())
    linears = {n: {"weight": m.weight.detach(), "bias": None if m.bias is None else m.bias.detach(),
                   "fan_in": m.in_features}
               for n, m in model.named_modules() if isinstance(m, torch.nn.Linear)}
    return {"error": error, "returned_model": returned is model, "linears": linears,
            "same_objects": before.keys() == after.keys() and all(before[n] is after[n] for n in before),
            "requires_grad": all(p.requires_grad for p in after.values()),
            "dtypes": sorted({str(p.dtype).removeprefix("torch.") for p in after.values()}),
            "others_unchanged": all(torch.equal(after[n].detach(), v) for n, v in others.items())}
