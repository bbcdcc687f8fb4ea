"""Hidden tests for 01_tensors.

Conventions:
- References are computed here, in float64, from the same (possibly float32) inputs;
  float32 results are compared with float32 tolerances (autograder.compare.tolerances).
- Inputs are built on the CPU with seeded generators and moved to each device of
  `student.devices`; a CUDA case is an extra check inside a test, never extra points.
- The first docstring line is the only text a student sees for a failing hidden test:
  it names the behaviour, never an expected value.
- A test named for a property (its `judges` in assignment.toml) fails only when that property
  fails: the values it needs on the way are checked inside `precondition(TEST)`, naming the
  test that shows such wrong values, so a value bug reads "not judged", never "Failed: <property>".
- Vectorisation is judged by counting, not by the clock (`autograder.scaling`): the
  `work_counts` probe calls the function at two sizes of one batch-like dimension (named
  in each test: rows, elements, labels, windows...) and the Python lines it runs and the
  torch operations it dispatches must not grow with that size. Counts do not depend on
  the machine's load. One call on a moderate input with `timeout=SAFETY_S` stays as a
  safety net (loop-free code needs milliseconds there, loaded or not) and checks values.
"""
import contextlib

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.authoring import (StudentTimeout, assert_close, assert_device_kept, assert_loop_free, check_vjp,
                                  expect_raises, memo, precondition, tolerances)

DTYPES = (torch.float32, torch.float64)
COUNT_SIZES = (1024, 4096)   # the batch-like dimension at the two counted calls
SAFETY_S = 20.0              # one call on a moderate input; loop-free code needs milliseconds
# Same reproducibility settings as the harness profile, repeated here so they hold even if
# the profile is loaded after this module is imported; each example costs worker calls.
HYP = settings(max_examples=12, derandomize=True, database=None, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture])
NP_DTYPE = {torch.float32: np.float32, torch.float64: np.float64, torch.int64: np.int64,
            torch.int32: np.int32, torch.int16: np.int16, torch.uint8: np.uint8, torch.bool: np.bool_}


# ----------------------------------------------------------------------------- helpers
def _gen(seed):
    return torch.Generator().manual_seed(seed)


def _randn(*shape, seed, dtype=torch.float64, scale=1.0):
    """Seeded standard normal values (drawn in float64 on the CPU), cast to `dtype`."""
    return (torch.randn(tuple(shape), generator=_gen(seed), dtype=torch.float64) * scale).to(dtype)


def _assert_unchanged(res, originals, name):
    """The arguments as the worker saw them after the call must equal what we sent."""
    for i, (after, before) in enumerate(zip(res.args, originals)):
        if isinstance(before, torch.Tensor):
            same = (isinstance(after, torch.Tensor) and after.shape == before.shape
                    and after.dtype == before.dtype and torch.equal(after.cpu(), before.cpu()))
            assert same, (f"{name} modified its argument {i} in place; compute new tensors "
                          "(y = x - m) instead of writing into the input (x -= m, x[...] = ..., add_).")


def _safety_net(student, name, args, what):
    """One call on a moderate input, with a wide wall-clock margin: the counts found no loop,
    this catches loop-free code that is still far too slow (an [N, N] intermediate...)."""
    try:
        return student.call(name, *args, timeout=SAFETY_S)
    except StudentTimeout:
        pass
    raise AssertionError(f"{name} ran no Python loop, but did not finish within {SAFETY_S:.0f} s on {what} "
                         "(loop-free code needs milliseconds): look for an operation whose cost grows "
                         "faster than the input, such as an [N, N] intermediate.")


# ---------------------------------------------------------------------------- to_numpy
def _to_numpy_cases():
    cases = []
    for k, dtype in enumerate(NP_DTYPE):
        for j, shape in enumerate(((2, 3), (), (0, 4), (3, 1, 2))):
            v = _randn(*shape, seed=100 + 10 * k + j, scale=40.0)
            if dtype == torch.bool:
                t = v > 0
            elif dtype == torch.uint8:
                t = v.abs().to(dtype)
            else:
                t = v.to(dtype)
            cases.append(t)
    cases.append(_randn(3, 4, seed=99, dtype=torch.float32).T)       # non-contiguous
    cases.append(_randn(2, 6, seed=98)[:, ::2])                      # strided slice
    return cases


def _check_array(got, t, what):
    assert isinstance(got, np.ndarray), f"{what}: expected a np.ndarray, got {type(got).__name__}"
    assert got.dtype == NP_DTYPE[t.dtype], f"{what}: dtype {got.dtype} for a {t.dtype} tensor"
    assert got.shape == tuple(t.shape), f"{what}: shape {got.shape}, expected {tuple(t.shape)}"
    assert np.array_equal(got, t.detach().cpu().numpy()), f"{what}: values differ from the tensor's"


@pytest.mark.exercise("to_numpy")
def test_to_numpy_dtypes_shapes_devices(student):
    """to_numpy keeps values, shape and dtype for every dtype and shape, on every device."""
    for device in student.devices:
        for t in _to_numpy_cases():
            t = t.to(device)
            res = student.run("to_numpy", t)
            _check_array(res.value, t, f"to_numpy({t.dtype} {tuple(t.shape)} on {device})")
            _assert_unchanged(res, (t,), "to_numpy")


@pytest.mark.exercise("to_numpy")
def test_to_numpy_requires_grad_left_unchanged(student):
    """to_numpy works on tensors that require grad and leaves them as they were."""
    for device in student.devices:
        for dtype in DTYPES:
            t = _randn(3, 4, seed=7, dtype=dtype).to(device)
            rep = student.probe("call_with_grad_input", "to_numpy", t)
            for kind in ("leaf", "nonleaf"):
                err = rep.get(kind + "_error")
                assert err is None, (f"to_numpy raised on a {kind} tensor that requires grad "
                                     f"({dtype}, {device}): {err}")
                with precondition("test_to_numpy_dtypes_shapes_devices"):
                    _check_array(rep[kind], t, f"to_numpy({kind} tensor requiring grad, {dtype}, {device})")
            assert rep["leaf_requires_grad"], "to_numpy switched off requires_grad of its argument"
            assert rep["leaf_grad_is_none"], "to_numpy left a .grad on its argument"
            assert torch.equal(rep["leaf_after"].cpu(), t.cpu()), "to_numpy changed the values of its argument"


@pytest.mark.exercise("to_numpy")
def test_to_numpy_large_tensor(student):
    """to_numpy converts a large tensor without a Python loop over its elements."""
    assert_loop_free(student, "to_numpy", lambda n: (_randn(n, seed=9, dtype=torch.float32),),
                     sizes=COUNT_SIZES, unit="elements")
    t = memo("01:to_numpy_moderate", lambda: _randn(1_000_000, seed=8, dtype=torch.float32))
    got = _safety_net(student, "to_numpy", (t,), "a tensor of 1,000,000 elements")
    with precondition("test_to_numpy_dtypes_shapes_devices"):
        _check_array(got, t, "to_numpy(large tensor)")


# ------------------------------------------------------------------------- standardize
def _standardize_ref(x, dim=-1, eps=1e-5):
    mean = x.mean(dim=dim, keepdim=True)
    var = x.var(dim=dim, keepdim=True, correction=0)
    return (x - mean) / torch.sqrt(var + eps)


def _standardize_tols(x, dim, eps, dtype):
    """Dtype tolerances, widened by the conditioning of the variance so that the one-pass
    formula E[x^2] - E[x]^2 (valid, if less accurate) passes on the inputs used here."""
    rtol, atol = tolerances(dtype)
    kappa = 1.0   # slices of one element standardise to exactly 0 with any formula
    if x.numel() and x.shape[dim] > 1:
        x64 = x.double()
        kappa = ((x64 ** 2).mean(dim) / (x64.var(dim, correction=0) + eps)).max().item()
    extra = 10 * torch.finfo(dtype).eps * kappa
    return rtol + extra, atol + extra


def _check_standardize(student, x, device, **kw):
    dim, eps = kw.get("dim", -1), kw.get("eps", 1e-5)
    res = student.run("standardize", x, **kw)
    rtol, atol = _standardize_tols(x, dim, eps, x.dtype)
    assert_close(res.value, _standardize_ref(x.double(), dim, eps), dtype=x.dtype, device=device,
                 rtol=rtol, atol=atol, what=f"standardize(x{list(x.shape)}, {kw})")
    _assert_unchanged(res, (x,), "standardize")


@pytest.mark.exercise("standardize")
def test_standardize_every_dim_and_dtype(student):
    """standardize is correct along every dim (negative too), in float32 and float64, and leaves x unchanged."""
    for device in student.devices:
        for dtype in DTYPES:
            x = _randn(3, 4, 5, seed=11, dtype=dtype, scale=2.0).to(device)
            for dim in (-3, -2, -1, 0, 1, 2):
                _check_standardize(student, x, device, dim=dim)
            _check_standardize(student, x, device, dim=1, eps=0.1)
            _check_standardize(student, x, device)
            x1 = _randn(4, 1, 3, seed=12, dtype=dtype).to(device)      # size-1 dim: variance 0
            for dim in (1, -2, -1):
                _check_standardize(student, x1, device, dim=dim)
            v = _randn(7, seed=13, dtype=dtype).to(device)             # 1-D
            _check_standardize(student, v, device, dim=0)
            _check_standardize(student, v, device, dim=-1, eps=1.0)


@pytest.mark.exercise("standardize")
@HYP
@given(shape=st.lists(st.integers(1, 6), min_size=1, max_size=3), dim_pick=st.integers(0, 5),
       dtype=st.sampled_from(DTYPES), scale=st.sampled_from([0.01, 1.0, 100.0]),
       eps=st.sampled_from([1e-5, 1e-3, 1.0]), seed=st.integers(0, 2**31 - 1))
def test_standardize_random_shapes(student, shape, dim_pick, dtype, scale, eps, seed):
    """standardize is correct on random shapes, dims, scales and eps values."""
    dim = dim_pick % (2 * len(shape)) - len(shape)        # any valid dim, negative or not
    x = _randn(*shape, seed=seed, dtype=dtype, scale=scale)
    for device in student.devices:
        _check_standardize(student, x.to(device), device, dim=dim, eps=eps)


@pytest.mark.exercise("standardize")
def test_standardize_gradient(student):
    """standardize is differentiable: gradients match autograd's."""
    for device in student.devices:
        for dtype in DTYPES:
            for shape, dim in (((4, 6), -1), ((4, 6), 0), ((2, 5, 3), 1)):
                x = _randn(*shape, seed=14, dtype=dtype, scale=2.0).to(device)
                rtol, atol = _standardize_tols(x, dim, 1e-5, dtype)
                with precondition("test_standardize_every_dim_and_dtype"):
                    _check_standardize(student, x, device, dim=dim)
                check_vjp(student, "standardize", (x,), _standardize_ref, kwargs={"dim": dim},
                          rtol=rtol, atol=atol * 10, what=f"standardize(dim={dim})")


@pytest.mark.exercise("standardize")
def test_standardize_vectorised(student):
    """standardize runs no Python loop over rows (its work does not grow with the number of rows)."""
    def rows(n, seed):   # well-spread pairs: each row is (a - d, a + d) with d >= 1
        a = _randn(n, 1, seed=seed)
        d = 1.0 + torch.rand(n, 1, generator=_gen(seed + 1), dtype=torch.float64)
        return torch.cat([a - d, a + d], dim=1).float()
    with precondition("test_standardize_every_dim_and_dtype"):
        _check_standardize(student, rows(8, 17), "cpu")
    assert_loop_free(student, "standardize", lambda n: (rows(n, 16),), sizes=COUNT_SIZES, unit="rows")
    x = memo("01:standardize_large", lambda: rows(100_000, 15))
    got = _safety_net(student, "standardize", (x,), "x[100000, 2]")
    rtol, atol = memo("01:standardize_large_tols", lambda: _standardize_tols(x, -1, 1e-5, torch.float32))
    ref = memo("01:standardize_large_ref", lambda: _standardize_ref(x.double()))
    with precondition("test_standardize_every_dim_and_dtype"):
        assert_close(got, ref, dtype=torch.float32, rtol=rtol, atol=atol, what="standardize(large x)")


# ------------------------------------------------------------------- pairwise_sq_dists
def _pairwise_ref(x, y):
    return ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)


def _pairwise_tols(x, y, dtype):
    """Dtype tolerances; atol grows with ||x||^2 + ||y||^2, the size of the terms the
    (valid) expansion ||x||^2 + ||y||^2 - 2 x.y cancels."""
    rtol, atol = tolerances(dtype)
    scale = 0.0
    if x.numel() and y.numel():
        scale = (x.double() ** 2).sum(1).max().item() + (y.double() ** 2).sum(1).max().item()
    return rtol, atol + 32 * torch.finfo(dtype).eps * scale


def _check_pairwise(student, x, y, device, what, values_shown_by=None):
    """Values and unchanged inputs (inside ``precondition(values_shown_by)`` when the test is
    named for non-negativity only), then non-negativity."""
    res = student.run("pairwise_sq_dists", x, y)
    got = res.value
    rtol, atol = _pairwise_tols(x, y, x.dtype)
    with precondition(values_shown_by) if values_shown_by else contextlib.nullcontext():
        assert_close(got, _pairwise_ref(x.double(), y.double()), dtype=x.dtype, device=device,
                     rtol=rtol, atol=atol, what=what)
        _assert_unchanged(res, (x, y), "pairwise_sq_dists")
    assert bool((got >= 0).all()), f"{what}: a distance is negative (clamp round-off at 0)"


@pytest.mark.exercise("pairwise_sq_dists")
def test_pairwise_sq_dists_values(student):
    """pairwise_sq_dists is correct in float32 and float64, including N=1, M=1 and D=1."""
    shapes = (((5, 3), (4, 3)), ((1, 3), (6, 3)), ((4, 1), (1, 1)), ((1, 1), (1, 1)), ((7, 16), (5, 16)))
    for device in student.devices:
        for dtype in DTYPES:
            for k, (sx, sy) in enumerate(shapes):
                x = _randn(*sx, seed=20 + k, dtype=dtype, scale=3.0).to(device)
                y = _randn(*sy, seed=30 + k, dtype=dtype, scale=3.0).to(device)
                _check_pairwise(student, x, y, device, f"pairwise_sq_dists(x{list(sx)}, y{list(sy)}, {dtype})")


@pytest.mark.exercise("pairwise_sq_dists")
def test_pairwise_sq_dists_never_negative(student):
    """pairwise_sq_dists is never negative, also for identical points."""
    for device in student.devices:
        for dtype in DTYPES:
            x = _randn(64, 16, seed=40, dtype=dtype, scale=10.0)
            x[1] = x[0]                                   # a duplicated point
            x, y = x.to(device), x.clone().to(device)     # every point also in y
            _check_pairwise(student, x, y, device, f"pairwise_sq_dists(x, x) ({dtype})",
                            values_shown_by="test_pairwise_sq_dists_values")
            y2 = torch.cat([x[::3], _randn(5, 16, seed=41, dtype=dtype, scale=10.0).to(device)])
            _check_pairwise(student, x, y2, device, f"pairwise_sq_dists(x, y sharing rows with x) ({dtype})",
                            values_shown_by="test_pairwise_sq_dists_values")


@pytest.mark.exercise("pairwise_sq_dists")
@HYP
@given(n=st.integers(1, 8), m=st.integers(1, 8), d=st.integers(1, 10), dtype=st.sampled_from(DTYPES),
       scale=st.sampled_from([0.1, 1.0, 100.0]), share=st.booleans(), seed=st.integers(0, 2**31 - 1))
def test_pairwise_sq_dists_random_shapes(student, n, m, d, dtype, scale, share, seed):
    """pairwise_sq_dists is correct and non-negative on random shapes and scales."""
    x = _randn(n, d, seed=seed, dtype=dtype, scale=scale)
    y = _randn(m, d, seed=seed + 1, dtype=dtype, scale=scale)
    if share:
        k = min(n, m)
        y[:k] = x[:k]
    for device in student.devices:
        _check_pairwise(student, x.to(device), y.to(device), device, f"pairwise_sq_dists(x{[n, d]}, y{[m, d]})")


@pytest.mark.exercise("pairwise_sq_dists")
def test_pairwise_sq_dists_gradient(student):
    """pairwise_sq_dists is differentiable with respect to x and y."""
    for device in student.devices:
        for dtype in DTYPES:
            x = _randn(5, 3, seed=42, dtype=dtype, scale=2.0).to(device)
            y = _randn(4, 3, seed=43, dtype=dtype, scale=2.0).to(device)
            rtol, atol = _pairwise_tols(x, y, dtype)
            with precondition("test_pairwise_sq_dists_values"):
                _check_pairwise(student, x, y, device, f"pairwise_sq_dists(x[5, 3], y[4, 3], {dtype})")
            check_vjp(student, "pairwise_sq_dists", (x, y), _pairwise_ref, wrt=(0, 1),
                      rtol=rtol, atol=atol, what=f"pairwise_sq_dists ({dtype})")


@pytest.mark.exercise("pairwise_sq_dists")
def test_pairwise_sq_dists_vectorised(student):
    """pairwise_sq_dists runs no Python loop over points or pairs (its work does not grow with N and M)."""
    # Counted: rows of x and of y together (N = M), so a loop over either, or over pairs, shows.
    with precondition("test_pairwise_sq_dists_values"):
        _check_pairwise(student, _randn(8, 4, seed=48, dtype=torch.float32), _randn(6, 4, seed=49, dtype=torch.float32),
                        "cpu", "pairwise_sq_dists(x[8, 4], y[6, 4])")
    assert_loop_free(student, "pairwise_sq_dists",
                     lambda n: (_randn(n, 4, seed=46, dtype=torch.float32), _randn(n, 4, seed=47, dtype=torch.float32)),
                     sizes=(64, 256), unit="rows of x and y")
    x = memo("01:pairwise_large_x", lambda: _randn(1000, 4, seed=44, dtype=torch.float32))
    y = memo("01:pairwise_large_y", lambda: _randn(1000, 4, seed=45, dtype=torch.float32))
    got = _safety_net(student, "pairwise_sq_dists", (x, y), "x[1000, 4], y[1000, 4]")
    rtol, atol = memo("01:pairwise_large_tols", lambda: _pairwise_tols(x, y, torch.float32))
    ref = memo("01:pairwise_large_ref", lambda: _pairwise_ref(x.double(), y.double()))
    with precondition("test_pairwise_sq_dists_values"):
        assert_close(got, ref, dtype=torch.float32, rtol=rtol, atol=atol, what="pairwise_sq_dists(large x, y)")


# ---------------------------------------------------------------------- batched_matvec
def _bmv_ref(A, v):
    return torch.einsum("bnm,bm->bn", A, v)


def _check_bmv(student, A, v, device):
    res = student.run("batched_matvec", A, v)
    assert_close(res.value, _bmv_ref(A.double(), v.double()), dtype=A.dtype, device=device,
                 what=f"batched_matvec(A{list(A.shape)}, v{list(v.shape)}, {A.dtype})")
    _assert_unchanged(res, (A, v), "batched_matvec")


@pytest.mark.exercise("batched_matvec")
def test_batched_matvec_values(student):
    """batched_matvec is correct in float32 and float64, including B=1, N=1 and M=1."""
    for device in student.devices:
        for dtype in DTYPES:
            for k, (B, N, M) in enumerate(((3, 4, 5), (1, 4, 5), (3, 1, 5), (3, 4, 1), (1, 1, 1), (2, 6, 6))):
                A = _randn(B, N, M, seed=50 + k, dtype=dtype).to(device)
                v = _randn(B, M, seed=60 + k, dtype=dtype).to(device)
                _check_bmv(student, A, v, device)


@pytest.mark.exercise("batched_matvec")
@HYP
@given(b=st.integers(1, 5), n=st.integers(1, 6), m=st.integers(1, 6), dtype=st.sampled_from(DTYPES),
       seed=st.integers(0, 2**31 - 1))
def test_batched_matvec_random_shapes(student, b, n, m, dtype, seed):
    """batched_matvec is correct on random shapes."""
    A = _randn(b, n, m, seed=seed, dtype=dtype)
    v = _randn(b, m, seed=seed + 1, dtype=dtype)
    for device in student.devices:
        _check_bmv(student, A.to(device), v.to(device), device)


@pytest.mark.exercise("batched_matvec")
def test_batched_matvec_gradient(student):
    """batched_matvec is differentiable with respect to A and v."""
    for device in student.devices:
        for dtype in DTYPES:
            A = _randn(3, 4, 5, seed=70, dtype=dtype).to(device)
            v = _randn(3, 5, seed=71, dtype=dtype).to(device)
            with precondition("test_batched_matvec_values"):
                _check_bmv(student, A, v, device)
            check_vjp(student, "batched_matvec", (A, v), _bmv_ref, wrt=(0, 1), what=f"batched_matvec ({dtype})")


@pytest.mark.exercise("batched_matvec")
def test_batched_matvec_vectorised(student):
    """batched_matvec runs no Python loop over the batch (its work does not grow with B)."""
    with precondition("test_batched_matvec_values"):
        _check_bmv(student, _randn(8, 2, 2, seed=76, dtype=torch.float32), _randn(8, 2, seed=77, dtype=torch.float32),
                   "cpu")
    assert_loop_free(student, "batched_matvec",
                     lambda n: (_randn(n, 2, 2, seed=74, dtype=torch.float32), _randn(n, 2, seed=75, dtype=torch.float32)),
                     sizes=COUNT_SIZES, unit="batch entries")
    A = memo("01:bmv_large_A", lambda: _randn(100_000, 2, 2, seed=72, dtype=torch.float32))
    v = memo("01:bmv_large_v", lambda: _randn(100_000, 2, seed=73, dtype=torch.float32))
    got = _safety_net(student, "batched_matvec", (A, v), "A[100000, 2, 2], v[100000, 2]")
    ref = memo("01:bmv_large_ref", lambda: _bmv_ref(A.double(), v.double()))
    with precondition("test_batched_matvec_values"):
        assert_close(got, ref, dtype=torch.float32, what="batched_matvec(large A, v)")


# ----------------------------------------------------------------------------- one_hot
def _one_hot_ref(labels, num_classes):
    return (labels.long().unsqueeze(-1) == torch.arange(num_classes, device=labels.device)).to(torch.float32)


def _check_one_hot(student, labels, num_classes, device):
    res = student.run("one_hot", labels, num_classes)
    assert_close(res.value, _one_hot_ref(labels, num_classes), dtype=torch.float32, device=device,
                 rtol=0, atol=0, what=f"one_hot({labels.dtype} labels{list(labels.shape)}, {num_classes})")
    _assert_unchanged(res, (labels,), "one_hot")


@pytest.mark.exercise("one_hot")
def test_one_hot_shapes_and_dtype(student):
    """one_hot returns float32 [*S, num_classes] for any label shape (0-d and empty too) and integer dtype."""
    cases = (
        (torch.tensor([0, 2, 1, 2]), 3),
        (torch.tensor([[0, 1], [1, 0], [1, 1]]), 2),
        (torch.tensor(2), 4),                              # 0-d label -> [num_classes]
        (torch.zeros(0, dtype=torch.long), 5),            # empty -> [0, num_classes]
        (torch.zeros(2, 0, dtype=torch.long), 3),
        (torch.zeros(4, dtype=torch.long), 1),             # a single class
        (torch.tensor([3, 0, 4], dtype=torch.int32), 5),   # other integer dtypes
    )
    for device in student.devices:
        for labels, num_classes in cases:
            _check_one_hot(student, labels.to(device), num_classes, device)


@pytest.mark.exercise("one_hot")
@HYP
@given(shape=st.lists(st.integers(0, 5), max_size=3), num_classes=st.integers(1, 7), seed=st.integers(0, 2**31 - 1))
def test_one_hot_random_labels(student, shape, num_classes, seed):
    """one_hot is correct on random label tensors."""
    labels = torch.randint(0, num_classes, shape, generator=_gen(seed))
    for device in student.devices:
        _check_one_hot(student, labels.to(device), num_classes, device)


@pytest.mark.exercise("one_hot")
def test_one_hot_rejects_out_of_range(student):
    """one_hot raises ValueError when a label is negative or not below num_classes."""
    # CPU only: an unchecked out-of-range index on CUDA is a device-side assert that would
    # poison the worker's CUDA context for every later test.
    cases = (
        (torch.tensor([0, 1, 3]), 3),
        (torch.tensor([-1, 0]), 3),
        (torch.tensor([[0, 5], [1, 1]]), 5),
        (torch.tensor(7), 7),
        (torch.tensor([2, -2], dtype=torch.int32), 4),
        (torch.tensor([0, 0, 1]), 1),
    )
    for labels, num_classes in cases:
        expect_raises(ValueError, student.one_hot, labels, num_classes)


@pytest.mark.exercise("one_hot")
def test_one_hot_vectorised(student):
    """one_hot runs no Python loop over labels (its work does not grow with the number of labels)."""
    with precondition("test_one_hot_shapes_and_dtype"):
        _check_one_hot(student, torch.randint(0, 2, (8,), generator=_gen(82)), 2, "cpu")
    assert_loop_free(student, "one_hot", lambda n: (torch.randint(0, 2, (n,), generator=_gen(81)), 2),
                     sizes=COUNT_SIZES, unit="labels")
    labels = memo("01:one_hot_large", lambda: torch.randint(0, 2, (300_000,), generator=_gen(80)))
    got = _safety_net(student, "one_hot", (labels, 2), "300,000 labels")
    ref = memo("01:one_hot_large_ref", lambda: _one_hot_ref(labels, 2))
    with precondition("test_one_hot_shapes_and_dtype"):
        assert_close(got, ref, dtype=torch.float32, rtol=0, atol=0, what="one_hot(large labels)")


# ------------------------------------------------------------------------- masked_mean
def _masked_mean_ref(x, lengths):
    lengths = lengths.to(x.device)
    valid = torch.arange(x.shape[1], device=x.device)[None, :] < lengths[:, None]
    return torch.where(valid[:, :, None], x, torch.zeros((), dtype=x.dtype, device=x.device)).sum(1) \
        / lengths[:, None].to(x.dtype)


def _padded(B, T, D, lengths, *, seed, dtype, pad_scale=1e3):
    """x[B, T, D] with standard normal valid steps and large finite padding."""
    x = _randn(B, T, D, seed=seed)
    pad = _randn(B, T, D, seed=seed + 1, scale=pad_scale)
    valid = torch.arange(T)[None, :] < torch.as_tensor(lengths)[:, None]
    return torch.where(valid[:, :, None], x, pad).to(dtype)


def _check_masked_mean(student, x, lengths, device, what=""):
    res = student.run("masked_mean", x, lengths)
    assert_close(res.value, _masked_mean_ref(x.double(), lengths), dtype=x.dtype, device=device,
                 what=f"masked_mean(x{list(x.shape)}, lengths={lengths.tolist()}, {x.dtype}){what}")
    _assert_unchanged(res, (x, lengths), "masked_mean")


@pytest.mark.exercise("masked_mean")
def test_masked_mean_values(student):
    """masked_mean averages only the valid steps, whatever the padding holds, in float32 and float64."""
    cases = (  # (B, T, D, lengths, pad_scale)
        (4, 5, 3, [5, 1, 3, 2], 1e3),
        (1, 3, 2, [2], 1e3),
        (3, 1, 2, [1, 1, 1], 1e3),      # T = 1
        (3, 4, 1, [4, 2, 1], 1e3),      # D = 1
        (2, 4, 3, [4, 4], 1e3),         # no padding at all
        (3, 6, 2, [1, 6, 3], 1e30),     # huge (finite) padding
    )
    for device in student.devices:
        for dtype in DTYPES:
            for k, (B, T, D, lengths, pad_scale) in enumerate(cases):
                x = _padded(B, T, D, lengths, seed=90 + 2 * k, dtype=dtype, pad_scale=pad_scale).to(device)
                _check_masked_mean(student, x, torch.tensor(lengths, device=device), device)


@pytest.mark.exercise("masked_mean")
def test_masked_mean_lengths_dtype_and_device(student):
    """masked_mean accepts lengths of any integer dtype, on the CPU or on x's device."""
    lengths = [3, 1, 4]
    for device in student.devices:
        for dtype in DTYPES:
            x = _padded(3, 4, 2, lengths, seed=110, dtype=dtype).to(device)
            with precondition("test_masked_mean_values"):   # int64 lengths on x's device: the values
                _check_masked_mean(student, x, torch.tensor(lengths, device=device), device)
            for ldtype in (torch.int64, torch.int32):
                _check_masked_mean(student, x, torch.tensor(lengths, dtype=ldtype), device, " [lengths on cpu]")
                _check_masked_mean(student, x, torch.tensor(lengths, dtype=ldtype, device=device), device)
    # On x's device whatever the machine: run on the meta device (fails only when provably lost).
    assert_device_kept(student, "masked_mean", (_padded(3, 4, 2, lengths, seed=111, dtype=torch.float32),
                                                torch.tensor(lengths)))


@pytest.mark.exercise("masked_mean")
def test_masked_mean_padded_gradient(student):
    """masked_mean is differentiable, and padded steps get zero gradient."""
    for device in student.devices:
        for dtype in DTYPES:
            for k, (B, T, D, lengths) in enumerate(((4, 5, 3, [5, 1, 3, 2]), (2, 3, 1, [1, 3]))):
                x = _padded(B, T, D, lengths, seed=120 + 2 * k, dtype=dtype).to(device)
                with precondition("test_masked_mean_values"):
                    _check_masked_mean(student, x, torch.tensor(lengths, device=device), device)
                check_vjp(student, "masked_mean", (x, torch.tensor(lengths, device=device)), _masked_mean_ref,
                          wrt=(0,), what=f"masked_mean ({dtype})")


@pytest.mark.exercise("masked_mean")
@HYP
@given(b=st.integers(1, 5), t=st.integers(1, 6), d=st.integers(1, 4), dtype=st.sampled_from(DTYPES),
       pad_scale=st.sampled_from([0.0, 1.0, 1e4]), seed=st.integers(0, 2**31 - 1))
def test_masked_mean_random(student, b, t, d, dtype, pad_scale, seed):
    """masked_mean is correct on random shapes, lengths and padding."""
    lengths = torch.randint(1, t + 1, (b,), generator=_gen(seed))
    x = _padded(b, t, d, lengths, seed=seed, dtype=dtype, pad_scale=pad_scale)
    for device in student.devices:
        _check_masked_mean(student, x.to(device), lengths.to(device), device)


@pytest.mark.exercise("masked_mean")
def test_masked_mean_vectorised(student):
    """masked_mean runs no Python loop over the batch (its work does not grow with B)."""
    def batch(n, seed):
        lengths = torch.randint(1, 3, (n,), generator=_gen(seed))
        return _padded(n, 2, 2, lengths, seed=seed, dtype=torch.float32), lengths
    with precondition("test_masked_mean_values"):
        _check_masked_mean(student, *batch(8, 132), "cpu")
    assert_loop_free(student, "masked_mean", lambda n: batch(n, 131), sizes=COUNT_SIZES, unit="rows")
    x, lengths = memo("01:masked_mean_large", lambda: batch(100_000, 130))
    got = _safety_net(student, "masked_mean", (x, lengths), "x[100000, 2, 2]")
    ref = memo("01:masked_mean_large_ref", lambda: _masked_mean_ref(x.double(), lengths))
    with precondition("test_masked_mean_values"):
        assert_close(got, ref, dtype=torch.float32, what="masked_mean(large x)")


# ----------------------------------------------------------------------------- softmax
def _softmax_ref(x, dim=-1):
    return torch.softmax(x, dim=dim)


def _check_softmax(student, x, device, dim, **tols):
    res = student.run("softmax", x, dim=dim)
    got = res.value
    assert_close(got, _softmax_ref(x.double(), dim), dtype=x.dtype, device=device,
                 what=f"softmax(x{list(x.shape)}, dim={dim}, {x.dtype})", **tols)
    _assert_unchanged(res, (x,), "softmax")
    return got


@pytest.mark.exercise("softmax")
def test_softmax_values(student):
    """softmax equals torch.softmax along every dim (negative too), in float32 and float64."""
    for device in student.devices:
        for dtype in DTYPES:
            x = _randn(3, 4, 5, seed=140, dtype=dtype, scale=3.0).to(device)
            for dim in (-3, -2, -1, 0, 1, 2):
                _check_softmax(student, x, device, dim)
            x1 = _randn(4, 1, seed=141, dtype=dtype).to(device)         # size-1 dim
            for dim in (1, -1, 0):
                _check_softmax(student, x1, device, dim)
            _check_softmax(student, _randn(6, seed=142, dtype=dtype).to(device), device, 0)


@pytest.mark.exercise("softmax")
def test_softmax_large_inputs(student):
    """softmax stays finite and accurate for inputs of magnitude up to 1e4."""
    rows = torch.tensor([
        [1e4, 0.0, -1e4, 1e4 - 1],
        [-1e4, -1e4 + 1, -1e4 + 2, -1e4 + 0.5],   # every entry very negative
        [5e3, 5e3, 5e3, 5e3],
        [-3.0, 1.0, 2.0, 0.0],
    ], dtype=torch.float64)
    uniform = (torch.rand(16, 8, generator=_gen(143), dtype=torch.float64) * 2 - 1) * 1e4
    for device in student.devices:
        for dtype in DTYPES:
            for x, dim in ((rows, -1), (rows.T.contiguous(), 0), (uniform, 1), (uniform, 0)):
                x = x.to(dtype).to(device)
                with precondition("test_softmax_values"):   # the same slices at a moderate magnitude
                    _check_softmax(student, x * 3e-4, device, dim)
                got = _check_softmax(student, x, device, dim, rtol=0.0, atol=1e-3)
                assert bool(torch.isfinite(got).all()), "softmax returned inf or nan"


@pytest.mark.exercise("softmax")
def test_softmax_gradient(student):
    """softmax is differentiable: gradients match autograd's."""
    for device in student.devices:
        for dtype in DTYPES:
            for shape, dim in (((4, 6), -1), ((4, 6), 0), ((2, 3, 5), 1)):
                x = _randn(*shape, seed=144, dtype=dtype, scale=2.0).to(device)
                with precondition("test_softmax_values"):
                    _check_softmax(student, x, device, dim)
                check_vjp(student, "softmax", (x,), _softmax_ref, kwargs={"dim": dim},
                          what=f"softmax(dim={dim}, {dtype})")


@pytest.mark.exercise("softmax")
def test_softmax_vectorised(student):
    """softmax runs no Python loop over rows (its work does not grow with the number of rows)."""
    with precondition("test_softmax_values"):
        _check_softmax(student, _randn(8, 2, seed=147, dtype=torch.float32), "cpu", -1)
    assert_loop_free(student, "softmax", lambda n: (_randn(n, 2, seed=146, dtype=torch.float32),),
                     sizes=COUNT_SIZES, unit="rows")
    x = memo("01:softmax_large", lambda: _randn(100_000, 2, seed=145, dtype=torch.float32, scale=3.0))
    got = _safety_net(student, "softmax", (x,), "x[100000, 2]")
    ref = memo("01:softmax_large_ref", lambda: _softmax_ref(x.double()))
    with precondition("test_softmax_values"):
        assert_close(got, ref, dtype=torch.float32, what="softmax(large x)")


# --------------------------------------------------------------------- sliding_windows
def _windows_ref(x, size, step=1):
    W = (x.shape[0] - size) // step + 1
    idx = (torch.arange(W, device=x.device) * step)[:, None] + torch.arange(size, device=x.device)[None, :]
    return x[idx]


def _check_windows(student, x, size, step, device):
    args = (x, size) if step is None else (x, size, step)
    res = student.run("sliding_windows", *args)
    assert_close(res.value, _windows_ref(x.double(), size, step or 1), dtype=x.dtype, device=device,
                 what=f"sliding_windows(x[{x.shape[0]}], size={size}, step={step}, {x.dtype})")
    _assert_unchanged(res, (x,), "sliding_windows")


@pytest.mark.exercise("sliding_windows")
def test_sliding_windows_values(student):
    """sliding_windows is correct for overlapping and non-overlapping windows, in float32 and float64."""
    for device in student.devices:
        for dtype in DTYPES:
            x = _randn(12, seed=150, dtype=dtype).to(device)
            for size, step in ((3, 1), (3, 2), (4, 4), (2, 5), (5, 3), (3, None)):
                _check_windows(student, x, size, step, device)


@pytest.mark.exercise("sliding_windows")
def test_sliding_windows_edge_cases(student):
    """sliding_windows handles size == T, size 1, a single element and steps larger than the remainder."""
    for device in student.devices:
        for dtype in DTYPES:
            for T, size, step in ((7, 7, 1), (7, 7, 3), (6, 1, None), (6, 1, 6), (1, 1, 1), (1, 1, 4),
                                  (7, 3, 10), (10, 4, 3), (9, 4, 5)):
                x = _randn(T, seed=151 + T, dtype=dtype).to(device)
                _check_windows(student, x, size, step, device)


@pytest.mark.exercise("sliding_windows")
@HYP
@given(t=st.integers(1, 40), size_pick=st.integers(0, 10**6), step=st.integers(1, 12),
       dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**31 - 1))
def test_sliding_windows_random(student, t, size_pick, step, dtype, seed):
    """sliding_windows is correct on random lengths, sizes and steps."""
    size = 1 + size_pick % t
    x = _randn(t, seed=seed, dtype=dtype)
    for device in student.devices:
        _check_windows(student, x.to(device), size, step, device)


@pytest.mark.exercise("sliding_windows")
def test_sliding_windows_gradient(student):
    """sliding_windows is differentiable, overlapping windows included."""
    for device in student.devices:
        for dtype in DTYPES:
            x = _randn(11, seed=160, dtype=dtype).to(device)
            for size, step in ((4, 1), (4, 2), (3, 4)):
                with precondition("test_sliding_windows_values"):
                    _check_windows(student, x, size, step, device)
                check_vjp(student, "sliding_windows", (x, size, step), _windows_ref, wrt=(0,),
                          what=f"sliding_windows(size={size}, step={step}, {dtype})")


@pytest.mark.exercise("sliding_windows")
def test_sliding_windows_vectorised(student):
    """sliding_windows runs no Python loop over windows (its work does not grow with their number)."""
    # n windows of size 2, step 1: a signal of n + 1 elements
    with precondition("test_sliding_windows_values"):
        _check_windows(student, _randn(9, seed=163, dtype=torch.float32), 2, 1, "cpu")
    assert_loop_free(student, "sliding_windows", lambda n: (_randn(n + 1, seed=162, dtype=torch.float32), 2, 1),
                     sizes=COUNT_SIZES, unit="windows")
    x = memo("01:windows_large", lambda: _randn(200_000, seed=161, dtype=torch.float32))
    got = _safety_net(student, "sliding_windows", (x, 2, 1), "a signal of 200,000 elements")
    ref = memo("01:windows_large_ref", lambda: _windows_ref(x, 2, 1))
    with precondition("test_sliding_windows_values"):
        assert_close(got, ref, dtype=torch.float32, what="sliding_windows(long x, 2, 1)")
