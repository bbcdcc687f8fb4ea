"""Public tests for 01_tensors: basic behaviour of each function.

Run them with `autograder check`. Passing them is a good sign, not a guarantee: the
hidden tests also check float64, negative dims, size-1 dimensions, gradients, that your
inputs are left unchanged, that the work does not grow with the batch (no Python loop
over rows) and extreme values.
"""
import numpy as np
import pytest
import torch

# tr: each hint in English and Korean, the grading's language picks one
from autograder.authoring import assert_close, assert_loop_free, expect_raises, tr


def _randn(*shape, seed, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=torch.float64).to(dtype)


@pytest.mark.exercise("to_numpy")
def test_to_numpy_basic(student):
    """to_numpy returns a NumPy array with the tensor's values, shape and dtype."""
    for dtype, np_dtype in ((torch.float32, np.float32), (torch.int64, np.int64)):
        t = (_randn(2, 3, seed=1) * 10).to(dtype)
        got = student.to_numpy(t)
        assert isinstance(got, np.ndarray), tr(
            f"to_numpy should return a np.ndarray, got {type(got).__name__}. "
            "Hint: a tensor has a .numpy() method.",
            ko=f"to_numpy는 np.ndarray를 반환해야 하는데 {type(got).__name__}를 반환했습니다. "
               "힌트: 텐서에는 .numpy() 메서드가 있습니다.")
        assert got.dtype == np_dtype, tr(
            f"to_numpy of a {dtype} tensor returned dtype {got.dtype}; expected {np.dtype(np_dtype)}. "
            "Hint: keep the tensor's dtype: no cast, no trip through a Python list.",
            ko=f"{dtype} 텐서에 대한 to_numpy가 dtype {got.dtype}를 반환했습니다. {np.dtype(np_dtype)}이어야 합니다. "
               "힌트: 텐서의 dtype을 유지하세요: 형변환도, 파이썬 리스트를 거치는 변환도 하지 마세요.")
        assert got.shape == (2, 3), tr(
            f"to_numpy returned shape {got.shape}; expected (2, 3). Hint: do not reshape.",
            ko=f"to_numpy가 shape {got.shape}를 반환했습니다. (2, 3)이어야 합니다. 힌트: reshape하지 마세요.")
        assert np.array_equal(got, t.numpy()), tr(
            "to_numpy returned different values than the tensor holds. Hint: convert, do not compute.",
            ko="to_numpy가 텐서에 담긴 것과 다른 값을 반환했습니다. 힌트: 계산하지 말고 변환만 하세요.")
    # A tensor that requires grad (a leaf, as the probe builds it in your process).
    t = _randn(2, 3, seed=7)
    rep = student.probe("call_with_grad_input", "to_numpy", t)
    err = rep.get("leaf_error")
    assert err is None, tr(
        f"to_numpy raised on a tensor that requires grad: {err}\n"
        "Hint: .numpy() refuses tensors that require grad; detach() first (and .cpu() "
        "for GPU tensors). Detaching returns a new tensor: the argument is left alone.",
        ko=f"to_numpy가 requires_grad인 텐서에서 예외를 발생시켰습니다: {err}\n"
           "힌트: .numpy()는 grad가 필요한 텐서를 거부합니다. 먼저 detach()하세요 (GPU 텐서는 .cpu()도). "
           "detach는 새 텐서를 반환하므로 인자는 그대로 남습니다.")
    assert rep["leaf_requires_grad"], tr(
        "to_numpy switched off requires_grad of the tensor it was given. "
        "Hint: use t.detach() (a new tensor) instead of t.requires_grad_(False).",
        ko="to_numpy가 받은 텐서의 requires_grad를 꺼 버렸습니다. "
           "힌트: t.requires_grad_(False) 대신 t.detach()(새 텐서)를 쓰세요.")


@pytest.mark.exercise("standardize")
def test_standardize_basic(student):
    """standardize normalises along the last dimension with the population variance."""
    x = _randn(3, 5, seed=2) * 3 + 1
    res = student.run("standardize", x)
    got = res.value
    assert torch.equal(res.args[0], x), tr(
        "standardize modified its input x in place. Hint: compute a new tensor (x - mean), "
        "not x -= mean or x.sub_(mean).",
        ko="standardize가 입력 x를 in-place로 바꿨습니다. 힌트: x -= mean이나 x.sub_(mean) 대신 "
           "새 텐서(x - mean)를 계산하세요.")
    x64 = x.double()
    ref = (x64 - x64.mean(-1, keepdim=True)) / torch.sqrt(x64.var(-1, keepdim=True, correction=0) + 1e-5)
    assert_close(got, ref, what="standardize(x)", dtype=torch.float32,
                 hint=tr("use the population variance (x.var(dim, correction=0), i.e. unbiased=False), "
                         "keepdim=True so the statistics broadcast, and eps inside the square root.",
                         ko="모분산(x.var(dim, correction=0), 즉 unbiased=False)을 쓰고, 통계량이 브로드캐스트되도록 "
                            "keepdim=True로, eps는 제곱근 안에 넣으세요."))
    got0 = student.standardize(x, dim=0, eps=0.5)
    ref0 = (x64 - x64.mean(0, keepdim=True)) / torch.sqrt(x64.var(0, keepdim=True, correction=0) + 0.5)
    assert_close(got0, ref0, what="standardize(x, dim=0, eps=0.5)", dtype=torch.float32,
                 hint=tr("honour the dim and eps arguments.", ko="dim과 eps 인자를 지키세요."))


@pytest.mark.exercise("pairwise_sq_dists")
def test_pairwise_sq_dists_basic(student):
    """pairwise_sq_dists returns all squared distances [N, M], never negative."""
    x = torch.tensor([[0.0, 0.0], [1.0, 1.0], [3.0, 4.0]], dtype=torch.float64)
    y = torch.tensor([[0.0, 0.0], [3.0, 4.0]], dtype=torch.float64)
    got = student.pairwise_sq_dists(x, y)
    ref = ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    assert_close(got, ref, what="pairwise_sq_dists(x, y) with x[3, 2], y[2, 2]",
                 hint=tr("entry [i, j] is ||x[i] - y[j]||^2 (squared, no square root); broadcast "
                         "x[:, None, :] against y[None, :, :] or use ||x||^2 + ||y||^2 - 2 x @ y.T.",
                         ko="[i, j] 원소는 ||x[i] - y[j]||^2입니다 (제곱, 제곱근 없음). x[:, None, :]를 "
                            "y[None, :, :]에 브로드캐스트하거나 ||x||^2 + ||y||^2 - 2 x @ y.T를 쓰세요."))
    assert (got >= 0).all(), tr("pairwise_sq_dists returned a negative value: clamp round-off at 0.",
                                ko="pairwise_sq_dists가 음수를 반환했습니다: 반올림 오차를 0에서 잘라내세요 (clamp).")
    # Identical points far from the origin: the expansion ||x||^2 + ||y||^2 - 2 x.y cancels
    # catastrophically and round-off can make a distance of zero slightly negative.
    p = _randn(32, 8, seed=40) * 10 + 100
    got = student.pairwise_sq_dists(p, p)
    assert (got >= 0).all(), tr(
        f"pairwise_sq_dists(x, x) returned negative values (min {got.min().item():.3g}) for identical "
        "points. Hint: round-off in ||x||^2 + ||y||^2 - 2 x.y can go below 0: clamp the result at 0 "
        "(.clamp_min(0)).",
        ko=f"pairwise_sq_dists(x, x)가 같은 점들에 대해 음수(최솟값 {got.min().item():.3g})를 반환했습니다. "
           "힌트: ||x||^2 + ||y||^2 - 2 x.y의 반올림 오차는 0 아래로 내려갈 수 있습니다: 결과를 0에서 "
           "잘라내세요 (.clamp_min(0)).")


@pytest.mark.exercise("batched_matvec")
def test_batched_matvec_basic(student):
    """batched_matvec multiplies each matrix A[b] by its vector v[b]."""
    A = _randn(2, 3, 4, seed=3)
    v = _randn(2, 4, seed=4)
    got = student.batched_matvec(A, v)
    ref = torch.einsum("bnm,bm->bn", A.double(), v.double())
    assert_close(got, ref, what="batched_matvec(A[2, 3, 4], v[2, 4])", dtype=torch.float32,
                 hint=tr("the result is [B, N]; row b is A[b] @ v[b]. Give v a trailing size-1 "
                         "dimension so matmul sees a batch of [M, 1] columns.",
                         ko="결과는 [B, N]이고 b번째 행은 A[b] @ v[b]입니다. v 끝에 크기 1인 차원을 붙여 "
                            "matmul이 [M, 1] 열들의 배치로 보게 하세요."))
    A1, v1 = _randn(1, 3, 4, seed=5), _randn(1, 4, seed=6)
    got1 = student.batched_matvec(A1, v1)
    assert_close(got1, torch.einsum("bnm,bm->bn", A1.double(), v1.double()),
                 what="batched_matvec(A[1, 3, 4], v[1, 4])", dtype=torch.float32,
                 hint=tr("keep the batch and row dimensions even when they are 1: squeeze(-1), "
                         "not squeeze(), which drops every size-1 dimension.",
                         ko="배치와 행 차원은 크기가 1이어도 유지하세요: 크기 1인 차원을 모두 없애는 "
                            "squeeze() 말고 squeeze(-1)을 쓰세요."))


@pytest.mark.exercise("one_hot")
def test_one_hot_basic(student):
    """one_hot returns float32 rows with a single 1 and raises ValueError for a bad label."""
    labels = torch.tensor([0, 2, 1, 2])
    got = student.one_hot(labels, 3)
    ref = torch.tensor([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]], dtype=torch.float32)
    assert_close(got, ref, what="one_hot(tensor([0, 2, 1, 2]), 3)", dtype=torch.float32,
                 hint=tr("the result is float32 with shape [*labels.shape, num_classes] (cast with .float()).",
                         ko="결과는 shape [*labels.shape, num_classes]의 float32입니다 (.float()로 변환하세요)."))
    for bad in ([0, 3], [-1, 2]):
        try:
            expect_raises(ValueError, student.one_hot, torch.tensor(bad), 3)
        except AssertionError as e:
            raise AssertionError(tr(
                f"one_hot(tensor({bad}), 3): {e}\nHint: check the range yourself and raise "
                "ValueError (negative labels silently index from the end; library errors have other "
                "types).",
                ko=f"one_hot(tensor({bad}), 3): {e}\n힌트: 범위를 직접 확인하고 ValueError를 발생시키세요 "
                   "(음수 레이블은 조용히 끝에서부터 인덱싱되고, 라이브러리 오류는 다른 타입입니다).")) from None


@pytest.mark.exercise("masked_mean")
def test_masked_mean_basic(student):
    """masked_mean averages only the first lengths[b] time steps of each sequence."""
    x = _randn(2, 4, 3, seed=5, dtype=torch.float64)
    x[1, 2:] = 1000.0   # padding: must not influence the result
    lengths = torch.tensor([4, 2])
    got = student.masked_mean(x, lengths)
    ref = torch.stack([x[0, :4].mean(0), x[1, :2].mean(0)])
    assert_close(got, ref, what="masked_mean(x[2, 4, 3], lengths=[4, 2])",
                 hint=tr("build a mask [B, T] from torch.arange(T) < lengths[:, None], zero the padding, "
                         "sum over time and divide by lengths (not by T).",
                         ko="torch.arange(T) < lengths[:, None]로 마스크 [B, T]를 만들고, 패딩을 0으로 만든 뒤 "
                            "시간 축으로 더해 (T가 아니라) lengths로 나누세요."))
    # No Python loop over the batch: the work (Python lines run, torch operations dispatched)
    # must not grow with B. Counted, not timed, so a busy machine does not change the verdict.
    g = torch.Generator().manual_seed(7)
    assert_loop_free(student, "masked_mean",
                     lambda n: (torch.randn(n, 2, 2, generator=g), torch.randint(1, 3, (n,), generator=g)),
                     sizes=(256, 1024), unit="rows",
                     hint=tr("no Python loop over the batch: one mask for all rows, one sum, one division.",
                             ko="배치에 대한 파이썬 루프 없이: 모든 행에 마스크 하나, 합 하나, 나눗셈 하나."))


@pytest.mark.exercise("softmax")
def test_softmax_basic(student):
    """softmax matches torch.softmax, also for large inputs."""
    x = _randn(3, 4, seed=6)
    assert_close(student.softmax(x), torch.softmax(x.double(), -1), what="softmax(x)", dtype=torch.float32,
                 hint=tr("exp(x) divided by the sum of exp(x) along dim (keepdim=True).",
                         ko="exp(x)를 dim 방향 exp(x)의 합(keepdim=True)으로 나누세요."))
    assert_close(student.softmax(x, dim=0), torch.softmax(x.double(), 0), what="softmax(x, dim=0)",
                 dtype=torch.float32, hint=tr("honour the dim argument.", ko="dim 인자를 지키세요."))
    big = torch.tensor([[1000.0, 999.0, 0.0]])
    assert_close(student.softmax(big), torch.softmax(big.double(), -1), what="softmax([[1000, 999, 0]])",
                 dtype=torch.float32, atol=1e-3,
                 hint=tr("exp(1000) overflows; subtract the maximum along dim first (softmax does not change).",
                         ko="exp(1000)은 오버플로합니다. 먼저 dim 방향 최댓값을 빼세요 (softmax 값은 변하지 않습니다)."))
    rows = torch.tensor([[1000.0, 999.0], [0.0, -1.0]])
    assert_close(student.softmax(rows), torch.softmax(rows.double(), -1), what="softmax([[1000, 999], [0, -1]])",
                 dtype=torch.float32, atol=1e-3,
                 hint=tr("subtract the maximum of each slice along dim (amax(dim, keepdim=True)), not one "
                         "global maximum: rows far below it underflow to 0/0.",
                         ko="전체 최댓값 하나가 아니라 dim 방향 각 조각의 최댓값(amax(dim, keepdim=True))을 "
                            "빼세요: 그보다 훨씬 작은 행은 0/0으로 언더플로합니다."))


@pytest.mark.exercise("sliding_windows")
def test_sliding_windows_basic(student):
    """sliding_windows returns the windows x[i*step : i*step + size] as rows."""
    x = torch.arange(10.0)
    got = student.sliding_windows(x, 4, 3)
    ref = torch.tensor([[0.0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]])
    assert_close(got, ref, what="sliding_windows(arange(10.), size=4, step=3)", dtype=torch.float32,
                 hint=tr("W = (T - size) // step + 1 rows; row i starts at i * step.",
                         ko="행은 W = (T - size) // step + 1개이고, i번째 행은 i * step에서 시작합니다."))
    got1 = student.sliding_windows(x[:5], 2)
    ref1 = torch.tensor([[0.0, 1], [1, 2], [2, 3], [3, 4]])
    assert_close(got1, ref1, what="sliding_windows(arange(5.), size=2)", dtype=torch.float32,
                 hint=tr("step defaults to 1.", ko="step의 기본값은 1입니다."))
