"""Public tests for 01_tensors: basic behaviour of each function.

Run them with `autograder check`. Passing them is a good sign, not a guarantee: the
hidden tests also check float64, negative dims, size-1 dimensions, gradients, that your
inputs are left unchanged, that the work does not grow with the batch (no Python loop
over rows) and extreme values.
"""
import numpy as np
import pytest
import torch

from autograder.compare import assert_close, expect_raises
from autograder.scaling import assert_loop_free


def _randn(*shape, seed, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=torch.float64).to(dtype)


@pytest.mark.exercise("to_numpy")
def test_to_numpy_basic(student):
    """to_numpy returns a NumPy array with the tensor's values, shape and dtype."""
    for dtype, np_dtype in ((torch.float32, np.float32), (torch.int64, np.int64)):
        t = (_randn(2, 3, seed=1) * 10).to(dtype)
        got = student.to_numpy(t)
        assert isinstance(got, np.ndarray), (
            f"to_numpy should return a np.ndarray, got {type(got).__name__}. "
            "Hint: a tensor has a .numpy() method.")
        assert got.dtype == np_dtype, (
            f"to_numpy of a {dtype} tensor returned dtype {got.dtype}; expected {np.dtype(np_dtype)}. "
            "Hint: keep the tensor's dtype: no cast, no trip through a Python list.")
        assert got.shape == (2, 3), f"to_numpy returned shape {got.shape}; expected (2, 3). Hint: do not reshape."
        assert np.array_equal(got, t.numpy()), (
            "to_numpy returned different values than the tensor holds. Hint: convert, do not compute.")
    # A tensor that requires grad (a leaf, as the probe builds it in your process).
    t = _randn(2, 3, seed=7)
    rep = student.probe("call_with_grad_input", "to_numpy", t)
    err = rep.get("leaf_error")
    assert err is None, (f"to_numpy raised on a tensor that requires grad: {err}\n"
                         "Hint: .numpy() refuses tensors that require grad; detach() first (and .cpu() "
                         "for GPU tensors). Detaching returns a new tensor: the argument is left alone.")
    assert rep["leaf_requires_grad"], ("to_numpy switched off requires_grad of the tensor it was given. "
                                       "Hint: use t.detach() (a new tensor) instead of t.requires_grad_(False).")


@pytest.mark.exercise("standardize")
def test_standardize_basic(student):
    """standardize normalises along the last dimension with the population variance."""
    x = _randn(3, 5, seed=2) * 3 + 1
    res = student.run("standardize", x)
    got = res.value
    assert torch.equal(res.args[0], x), (
        "standardize modified its input x in place. Hint: compute a new tensor (x - mean), "
        "not x -= mean or x.sub_(mean).")
    x64 = x.double()
    ref = (x64 - x64.mean(-1, keepdim=True)) / torch.sqrt(x64.var(-1, keepdim=True, correction=0) + 1e-5)
    assert_close(got, ref, what="standardize(x)", dtype=torch.float32,
                 hint="use the population variance (x.var(dim, correction=0), i.e. unbiased=False), "
                      "keepdim=True so the statistics broadcast, and eps inside the square root.")
    got0 = student.standardize(x, dim=0, eps=0.5)
    ref0 = (x64 - x64.mean(0, keepdim=True)) / torch.sqrt(x64.var(0, keepdim=True, correction=0) + 0.5)
    assert_close(got0, ref0, what="standardize(x, dim=0, eps=0.5)", dtype=torch.float32,
                 hint="honour the dim and eps arguments.")


@pytest.mark.exercise("pairwise_sq_dists")
def test_pairwise_sq_dists_basic(student):
    """pairwise_sq_dists returns all squared distances [N, M], never negative."""
    x = torch.tensor([[0.0, 0.0], [1.0, 1.0], [3.0, 4.0]], dtype=torch.float64)
    y = torch.tensor([[0.0, 0.0], [3.0, 4.0]], dtype=torch.float64)
    got = student.pairwise_sq_dists(x, y)
    ref = ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    assert_close(got, ref, what="pairwise_sq_dists(x, y) with x[3, 2], y[2, 2]",
                 hint="entry [i, j] is ||x[i] - y[j]||^2 (squared, no square root); broadcast "
                      "x[:, None, :] against y[None, :, :] or use ||x||^2 + ||y||^2 - 2 x @ y.T.")
    assert (got >= 0).all(), "pairwise_sq_dists returned a negative value: clamp round-off at 0."
    # Identical points far from the origin: the expansion ||x||^2 + ||y||^2 - 2 x.y cancels
    # catastrophically and round-off can make a distance of zero slightly negative.
    p = _randn(32, 8, seed=40) * 10 + 100
    got = student.pairwise_sq_dists(p, p)
    assert (got >= 0).all(), (
        f"pairwise_sq_dists(x, x) returned negative values (min {got.min().item():.3g}) for identical "
        "points. Hint: round-off in ||x||^2 + ||y||^2 - 2 x.y can go below 0: clamp the result at 0 "
        "(.clamp_min(0)).")


@pytest.mark.exercise("batched_matvec")
def test_batched_matvec_basic(student):
    """batched_matvec multiplies each matrix A[b] by its vector v[b]."""
    A = _randn(2, 3, 4, seed=3)
    v = _randn(2, 4, seed=4)
    got = student.batched_matvec(A, v)
    ref = torch.einsum("bnm,bm->bn", A.double(), v.double())
    assert_close(got, ref, what="batched_matvec(A[2, 3, 4], v[2, 4])", dtype=torch.float32,
                 hint="the result is [B, N]; row b is A[b] @ v[b]. Give v a trailing size-1 "
                      "dimension so matmul sees a batch of [M, 1] columns.")
    A1, v1 = _randn(1, 3, 4, seed=5), _randn(1, 4, seed=6)
    got1 = student.batched_matvec(A1, v1)
    assert_close(got1, torch.einsum("bnm,bm->bn", A1.double(), v1.double()),
                 what="batched_matvec(A[1, 3, 4], v[1, 4])", dtype=torch.float32,
                 hint="keep the batch and row dimensions even when they are 1: squeeze(-1), "
                      "not squeeze(), which drops every size-1 dimension.")


@pytest.mark.exercise("one_hot")
def test_one_hot_basic(student):
    """one_hot returns float32 rows with a single 1 and raises ValueError for a bad label."""
    labels = torch.tensor([0, 2, 1, 2])
    got = student.one_hot(labels, 3)
    ref = torch.tensor([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]], dtype=torch.float32)
    assert_close(got, ref, what="one_hot(tensor([0, 2, 1, 2]), 3)", dtype=torch.float32,
                 hint="the result is float32 with shape [*labels.shape, num_classes] (cast with .float()).")
    for bad in ([0, 3], [-1, 2]):
        try:
            expect_raises(ValueError, student.one_hot, torch.tensor(bad), 3)
        except AssertionError as e:
            raise AssertionError(
                f"one_hot(tensor({bad}), 3): {e}\nHint: check the range yourself and raise "
                "ValueError (negative labels silently index from the end; library errors have other "
                "types).") from None


@pytest.mark.exercise("masked_mean")
def test_masked_mean_basic(student):
    """masked_mean averages only the first lengths[b] time steps of each sequence."""
    x = _randn(2, 4, 3, seed=5, dtype=torch.float64)
    x[1, 2:] = 1000.0   # padding: must not influence the result
    lengths = torch.tensor([4, 2])
    got = student.masked_mean(x, lengths)
    ref = torch.stack([x[0, :4].mean(0), x[1, :2].mean(0)])
    assert_close(got, ref, what="masked_mean(x[2, 4, 3], lengths=[4, 2])",
                 hint="build a mask [B, T] from torch.arange(T) < lengths[:, None], zero the padding, "
                      "sum over time and divide by lengths (not by T).")
    # No Python loop over the batch: the work (Python lines run, torch operations dispatched)
    # must not grow with B. Counted, not timed, so a busy machine does not change the verdict.
    g = torch.Generator().manual_seed(7)
    assert_loop_free(student, "masked_mean",
                     lambda n: (torch.randn(n, 2, 2, generator=g), torch.randint(1, 3, (n,), generator=g)),
                     sizes=(256, 1024), unit="rows",
                     hint="no Python loop over the batch: one mask for all rows, one sum, one division.")


@pytest.mark.exercise("softmax")
def test_softmax_basic(student):
    """softmax matches torch.softmax, also for large inputs."""
    x = _randn(3, 4, seed=6)
    assert_close(student.softmax(x), torch.softmax(x.double(), -1), what="softmax(x)", dtype=torch.float32,
                 hint="exp(x) divided by the sum of exp(x) along dim (keepdim=True).")
    assert_close(student.softmax(x, dim=0), torch.softmax(x.double(), 0), what="softmax(x, dim=0)",
                 dtype=torch.float32, hint="honour the dim argument.")
    big = torch.tensor([[1000.0, 999.0, 0.0]])
    assert_close(student.softmax(big), torch.softmax(big.double(), -1), what="softmax([[1000, 999, 0]])",
                 dtype=torch.float32, atol=1e-3,
                 hint="exp(1000) overflows; subtract the maximum along dim first (softmax does not change).")
    rows = torch.tensor([[1000.0, 999.0], [0.0, -1.0]])
    assert_close(student.softmax(rows), torch.softmax(rows.double(), -1), what="softmax([[1000, 999], [0, -1]])",
                 dtype=torch.float32, atol=1e-3,
                 hint="subtract the maximum of each slice along dim (amax(dim, keepdim=True)), not one "
                      "global maximum: rows far below it underflow to 0/0.")


@pytest.mark.exercise("sliding_windows")
def test_sliding_windows_basic(student):
    """sliding_windows returns the windows x[i*step : i*step + size] as rows."""
    x = torch.arange(10.0)
    got = student.sliding_windows(x, 4, 3)
    ref = torch.tensor([[0.0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]])
    assert_close(got, ref, what="sliding_windows(arange(10.), size=4, step=3)", dtype=torch.float32,
                 hint="W = (T - size) // step + 1 rows; row i starts at i * step.")
    got1 = student.sliding_windows(x[:5], 2)
    ref1 = torch.tensor([[0.0, 1], [1, 2], [2, 3], [3, 4]])
    assert_close(got1, ref1, what="sliding_windows(arange(5.), size=2)", dtype=torch.float32,
                 hint="step defaults to 1.")
