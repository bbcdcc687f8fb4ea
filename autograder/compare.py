"""Comparison helpers for test authors: values and gradients against PyTorch references.

Runs in the trusted process only. Failures read like a good TA's note: which output
or gradient, what differs (shape, dtype, device, values), how much, where, and a hint.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import torch

from autograder import figures
from autograder.i18n import t as _
from autograder.harness import StudentException, StudentError, attach_image

DECIDES_GRADES = True  # part of every grade's cache key (cache_key.py)

# Deterministic, full-precision references: TF32 would make float32 CUDA references
# less accurate than the student's result they are compared with.
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.use_deterministic_algorithms(True, warn_only=True)

_TOL = {
    torch.float64: (1e-7, 1e-10),
    torch.float32: (1e-4, 1e-5),
    torch.float16: (1e-2, 1e-3),
    torch.bfloat16: (2e-2, 1e-2),
}


# GPU kernels sum in a different order (and may fuse multiply-adds) than the float64 CPU
# reference: float32 results on CUDA get a few times the CPU tolerance.
_CUDA_TOL = {torch.float32: (5e-4, 5e-5)}


def tolerances(dtype, device=None) -> tuple[float, float]:
    """(rtol, atol) for results of ``dtype`` (torch or NumPy) compared with float64 references;
    ``device``: where the result was computed (CUDA float32 gets a wider margin)."""
    if isinstance(dtype, torch.dtype):
        if device is not None and torch.device(device).type == "cuda" and dtype in _CUDA_TOL:
            return _CUDA_TOL[dtype]
        return _TOL.get(dtype, (0.0, 0.0))
    np_to_torch = {np.dtype(np.float64): torch.float64, np.dtype(np.float32): torch.float32,
                   np.dtype(np.float16): torch.float16}
    return _TOL.get(np_to_torch.get(np.dtype(dtype)), (0.0, 0.0))


def _describe(x: Any) -> str:
    if isinstance(x, torch.Tensor):
        return _("a tensor of shape {shape}, dtype {dtype}, on {device}").format(
            shape=tuple(x.shape), dtype=x.dtype, device=x.device)
    if isinstance(x, np.ndarray):
        return _("a NumPy array of shape {shape}, dtype {dtype}").format(shape=x.shape, dtype=x.dtype)
    return f"{type(x).__name__} {x!r:.80}"


def _fail(what: str, problem: str, hint: str | None, kind: str = "values") -> None:
    text = f"{what}: {problem}"
    if hint:
        text += "\n" + _("Hint:") + f" {hint}"
    raise StudentError(text, kind)


def _dtype_hint() -> str:
    return _("keep the floating dtype of the inputs (avoid torch.tensor(...)/np.float64 round trips, and "
             "new tensors made without dtype=x.dtype)")


def _shape_hint() -> str:
    return _("compare your output's shape with the expected one: which dimension did you reduce over, is "
             "keepdim right, did a broadcast add or drop a dimension?")


def _type_hint() -> str:
    return _("return what the contract says (a tensor, an array or a number), not a list or a tuple of them")


def assert_close(got: Any, expected: Any, *, what: str = "output", dtype=None, device=None,
                 rtol: float | None = None, atol: float | None = None, hint: str | None = None,
                 check_dtype: bool = True, check_device: bool = True, dtype_hint: str | None = None,
                 shape_hint: str | None = None) -> None:
    """Check ``got`` against the reference ``expected`` (see AUTHORING_API.md). Each check has
    its own hint: ``hint`` is the values' (the author's, for a value that differs), a wrong
    dtype, shape, device or type gets ``dtype_hint``/``shape_hint`` or the platform's own; the
    failure's ``kind`` says which check failed."""
    exp = expected if isinstance(expected, torch.Tensor) else torch.as_tensor(np.asarray(expected))
    if isinstance(got, np.ndarray):
        want = np.dtype(dtype) if dtype is not None else None
        if check_dtype and want is not None and got.dtype != want:
            _fail(what, _("expected a NumPy array of dtype {want}, got dtype {got}").format(want=want, got=got.dtype),
                  dtype_hint or _dtype_hint(), "dtype")
        got_t = torch.from_numpy(np.ascontiguousarray(got))
        want_dtype = got_t.dtype
        check_device = False
    elif isinstance(got, torch.Tensor):
        got_t = got
        want_dtype = dtype if dtype is not None else exp.dtype
        if check_dtype and got.dtype != want_dtype:
            _fail(what, _("expected dtype {want}, got {got}").format(want=want_dtype, got=got.dtype),
                  dtype_hint or _dtype_hint(), "dtype")
    elif isinstance(got, (int, float, np.generic)) and not isinstance(got, bool) and exp.numel() == 1:
        got_t = torch.tensor(float(got), dtype=torch.float64)
        want_dtype = dtype if isinstance(dtype, torch.dtype) else torch.float64
        check_device = False
    else:
        _fail(what, _("expected {want}, got {got}").format(want=_describe(exp), got=_describe(got)), _type_hint(),
              "type")
        return
    if check_device:
        want_device = torch.device(device) if device is not None else exp.device
        if got_t.device.type != want_device.type:
            _fail(what, _("expected the result on {want}, got it on {got}").format(want=want_device, got=got_t.device),
                  _("create new tensors with device=x.device (or use *_like functions)"), "device")
    if tuple(got_t.shape) != tuple(exp.shape) and not (got_t.numel() == 1 and exp.numel() == 1):
        _fail(what, _("expected shape {want}, got {got}").format(want=tuple(exp.shape), got=tuple(got_t.shape)),
              shape_hint or _shape_hint(), "shape")
    d_rtol, d_atol = tolerances(want_dtype, got_t.device)
    rtol = d_rtol if rtol is None else rtol
    atol = d_atol if atol is None else atol
    g = got_t.detach().to("cpu", torch.float64).reshape(exp.shape)
    e = exp.detach().to("cpu", torch.float64)
    if g.numel() == 0:
        return
    # Fast path (one pass over large outputs): NaN or inf anywhere makes the comparison
    # False, which sends those cases to the detailed checks below.
    if bool(((g - e).abs_() <= atol + rtol * e.abs()).all()):
        return
    g_nan, e_nan = torch.isnan(g), torch.isnan(e)
    if (g_nan != e_nan).any():
        idx = _first(g_nan != e_nan)
        _fail(what, _("NaN mismatch at index {index}: got {got}, expected {want}").format(
            index=idx, got=repr(g[idx].item()), want=repr(e[idx].item())),
              hint or _("look for 0/0, log(0) or overflow (exp of a large number)"))
    finite = ~(g_nan | e_nan)
    inf_mismatch = finite & (torch.isinf(g) | torch.isinf(e)) & (g != e)
    if inf_mismatch.any():
        idx = _first(inf_mismatch)
        _fail(what, _("infinity mismatch at index {index}: got {got}, expected {want}").format(
            index=idx, got=repr(g[idx].item()), want=repr(e[idx].item())),
              hint or _("an intermediate overflowed; rewrite it in a numerically stable form"))
    both = finite & ~torch.isinf(g) & ~torch.isinf(e)
    err = torch.where(both, (g - e).abs(), torch.zeros_like(g))
    bad = err > atol + rtol * e.abs()
    if bad.any():
        worst = _first(err == err.max())
        rel = (err / e.abs().clamp_min(1e-300)).max().item()
        _fail(what, _("values differ: {bad} of {n} elements off (max abs error {abs_err}, max rel error "
                      "{rel_err}; allowed {atol} + {rtol}*|expected|). Worst at index {index}: got {got}, "
                      "expected {want}").format(
            bad=int(bad.sum()), n=g.numel(), abs_err=f"{err.max().item():.3g}", rel_err=f"{rel:.3g}",
            atol=f"{atol:.0e}", rtol=f"{rtol:.0e}", index=worst, got=f"{g[worst].item():.8g}",
            want=f"{e[worst].item():.8g}"), hint)


def _first(mask: torch.Tensor) -> tuple[int, ...]:
    flat = int(mask.reshape(-1).nonzero()[0].item())
    return tuple(int(i) for i in np.unravel_index(flat, tuple(mask.shape))) if mask.dim() else ()


def check_vjp(student, name: str, args, ref_fn: Callable, *, kwargs=None, wrt=(0,), what: str | None = None,
              rtol: float | None = None, atol: float | None = None, seed: int = 0, hint: str | None = None):
    """Compare the student's output and vector-Jacobian products with float64 autograd."""
    kwargs = kwargs or {}
    what = what or f"{name}"
    args = list(args)
    # The reference runs on the CPU in float64 (the cotangents below are drawn there too),
    # whatever device the student's inputs are on.
    ref_args = [(a.detach().to("cpu", torch.float64) if a.is_floating_point() else a.detach().cpu())
                if isinstance(a, torch.Tensor) else a for a in args]
    for i in wrt:
        ref_args[i] = ref_args[i].clone().requires_grad_(True)
    ref_out = ref_fn(*ref_args, **kwargs)
    gen = torch.Generator().manual_seed(seed)
    outs = ref_out if isinstance(ref_out, (tuple, list)) else (ref_out,)
    cots64 = [torch.randn(o.shape, generator=gen, dtype=torch.float64) for o in outs]
    ref_grads = torch.autograd.grad(outs, [ref_args[i] for i in wrt], cots64, allow_unused=True)
    out_dtype = next((a.dtype for a in args if isinstance(a, torch.Tensor) and a.is_floating_point()),
                     torch.float32)
    device = next((a.device for a in args if isinstance(a, torch.Tensor)), torch.device("cpu"))
    cots = [c.to(device=device, dtype=out_dtype) for c in cots64]
    cot_arg = tuple(cots) if isinstance(ref_out, (tuple, list)) else cots[0]
    got_out, got_grads = student.vjp(name, args, kwargs, wrt=wrt, cotangents=cot_arg)
    got_outs = got_out if isinstance(ref_out, (tuple, list)) else (got_out,)
    for k, (g, o) in enumerate(zip(got_outs, outs)):
        label = _("{what} output").format(what=what) + (f" {k}" if len(outs) > 1 else "")
        assert_close(g, o.detach(), what=label, dtype=out_dtype, device=device, rtol=rtol, atol=atol, hint=hint)
    for k, i in enumerate(wrt):
        ref_g = ref_grads[k] if ref_grads[k] is not None else torch.zeros_like(ref_args[i])
        got_g = got_grads[k] if k < len(got_grads) else None
        label = _("{what}: gradient with respect to argument {index}").format(what=what, index=i)
        if got_g is None:
            if ref_g.abs().max() > 0:
                _fail(label, _("no gradient reached this input, but it should"),
                      _("the computation was cut from the autograd graph (.detach(), .numpy(), .item(), "
                        "or a new tensor built from values)"), "gradient")
            continue
        g_rtol, g_atol = tolerances(args[i].dtype, device)
        try:
            assert_close(got_g, ref_g, what=label, dtype=args[i].dtype, device=device,
                         rtol=rtol if rtol is not None else g_rtol * 10,
                         atol=atol if atol is not None else g_atol * 10, hint=hint)
        except StudentError:
            # Where the gradient differs, at a glance (same shape only; else the text says it).
            if isinstance(got_g, torch.Tensor) and got_g.shape == ref_g.shape:
                attach_image(figures.difference_map(got_g, ref_g, title=label),
                             _("heat map of |your gradient - expected| for {what}").format(what=label))
            raise
    return got_out, got_grads


def expect_raises(exc_type: type[BaseException], fn: Callable, *args, **kwargs) -> StudentException:
    """Assert ``fn`` (``student.NAME``) raises ``exc_type`` or a subclass; returns the error."""
    label = getattr(fn, "args", ("the function",))[0]
    try:
        fn(*args, **kwargs)
    except StudentException as e:
        if exc_type.__name__ in e.type_names:
            return e
        raise StudentError(_("{what} raised {got} ({message}); expected {want}").format(
            what=label, got=e.type_names[0] if e.type_names else _("an exception"), message=e.exc_message,
            want=exc_type.__name__), "raises") from None
    raise StudentError(_("{what} returned normally; expected it to raise {want}").format(
        what=label, want=exc_type.__name__), "raises")
