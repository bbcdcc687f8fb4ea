"""Public tests for 01_tensors: basic behaviour of each function.

Run them with `autograder check`. Passing them is a good sign, not a guarantee: the
hidden tests also check float64, negative dims, size-1 dimensions, gradients, that your
inputs are left unchanged, large inputs (a time budget) and extreme values.
"""
import numpy as np
import pytest
import torch

from autograder.compare import assert_close, expect_raises


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
            "Keep the tensor's dtype: do not cast.")
        assert got.shape == (2, 3), f"to_numpy returned shape {got.shape}; expected (2, 3)."
        assert np.array_equal(got, t.numpy()), "to_numpy returned different values than the tensor holds."


@pytest.mark.exercise("standardize")
def test_standardize_basic(student):
    """standardize normalises along the last dimension with the population variance."""
    x = _randn(3, 5, seed=2) * 3 + 1
    got = student.standardize(x)
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


@pytest.mark.exercise("one_hot")
def test_one_hot_basic(student):
    """one_hot returns float32 rows with a single 1 and raises ValueError for a bad label."""
    labels = torch.tensor([0, 2, 1, 2])
    got = student.one_hot(labels, 3)
    ref = torch.tensor([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]], dtype=torch.float32)
    assert_close(got, ref, what="one_hot(tensor([0, 2, 1, 2]), 3)", dtype=torch.float32,
                 hint="the result is float32 with shape [*labels.shape, num_classes] (cast with .float()).")
    expect_raises(ValueError, student.one_hot, torch.tensor([0, 3]), 3)


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
