"""Worker side of "device kept", on a machine with no GPU: the ``on_meta`` probe.

A course's ``probes.py`` imports it (``from autograder.untrusted.devices import on_meta``).
It calls the student's function with every tensor argument on PyTorch's ``meta`` device
(shapes and dtypes, no data): code that builds a tensor without the inputs' device
(``torch.zeros(n)``, ``torch.arange(T)``) or moves a result to the CPU either returns a
result off ``meta`` or meets a device-mismatch error, as it would on a GPU. Code that reads
data (``.item()``, NumPy) cannot run on ``meta`` at all: that proves nothing, and the trusted
side (``autograder.device_checks``) counts it as kept.
"""

from __future__ import annotations

import re

import torch

DECIDES_GRADES = True  # what a device check decides comes from here (cache_key.py)

# PyTorch's words when a tensor meets one on another device.
_MISMATCH = re.compile(r"expected device|same device|two devices|different device", re.I)


def _meta(x):
    if isinstance(x, torch.Tensor):
        return x.detach().to("meta").requires_grad_(x.requires_grad)
    if isinstance(x, (list, tuple)):
        return type(x)(_meta(v) for v in x)
    if isinstance(x, dict):
        return {k: _meta(v) for k, v in x.items()}
    return x


def _devices(out, found: set[str]) -> set[str]:
    if isinstance(out, torch.Tensor):
        found.add(out.device.type)
    elif isinstance(out, (list, tuple)):
        for v in out:
            _devices(v, found)
    elif isinstance(out, dict):
        for v in out.values():
            _devices(v, found)
    return found


def on_meta(module, name, *args, **kwargs) -> dict:
    """Call ``module.NAME`` on the arguments moved to ``meta``. Returns ``status``: "kept" (every
    tensor it returned is on meta), "lost" (a result elsewhere, or a device-mismatch error),
    "unknown" (it returned no tensor, or raised something else: nothing is proven), with
    ``devices`` (where its results are) or ``error`` (what it raised)."""
    fn = getattr(module, name)
    try:
        out = fn(*_meta(list(args)), **_meta(dict(kwargs)))
    except Exception as e:  # noqa: BLE001 - the student's code: any error is data here
        text = f"{type(e).__name__}: {str(e)[:300]}"
        return {"status": "lost" if _MISMATCH.search(str(e)) else "unknown", "error": text}
    devices = sorted(_devices(out, set()))
    if not devices:
        return {"status": "unknown", "devices": []}
    return {"status": "kept" if devices == ["meta"] else "lost", "devices": devices}
