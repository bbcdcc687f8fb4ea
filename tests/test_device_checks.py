"""``on_meta`` (worker side of "device kept"): what counts as lost, kept, and unknown."""

from __future__ import annotations

import types

import torch

from autograder.untrusted.devices import on_meta

STUDENT = types.SimpleNamespace(
    kept=lambda x, dim=-1: x - x.mean(dim=dim, keepdim=True),
    new_tensor_on_cpu=lambda x: x + torch.zeros(x.shape),  # forgets device=x.device
    with_like=lambda x: x + torch.zeros_like(x),
    reads_values=lambda x: x * x.sum().item(),  # meta has no values: proves nothing
    returns_number=lambda x: 3.0,
    several=lambda x: (x.sum(), torch.ones(2)),  # one result left on the CPU
)


def test_kept_lost_unknown():
    x = torch.randn(3, 4)
    assert on_meta(STUDENT, "kept", x, dim=0) == {"status": "kept", "devices": ["meta"]}
    assert on_meta(STUDENT, "with_like", x)["status"] == "kept"
    lost = on_meta(STUDENT, "new_tensor_on_cpu", x)
    assert lost["status"] == "lost" and "device" in lost["error"]
    assert on_meta(STUDENT, "several", x) == {"status": "lost", "devices": ["cpu", "meta"]}
    assert on_meta(STUDENT, "reads_values", x)["status"] == "unknown"
    assert on_meta(STUDENT, "returns_number", x)["status"] == "unknown"


def test_arguments_are_not_touched():
    x = torch.randn(2, 3, requires_grad=True)
    on_meta(STUDENT, "kept", x)
    assert x.device.type == "cpu" and x.requires_grad and x.grad is None
