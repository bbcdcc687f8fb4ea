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
from autograder.authoring import (NotDifferentiable, StudentException, assert_close, assert_device_kept,
                                  assert_loop_free, check_vjp, expect_raises, tr)

LOOP_SIZES = (256, 1024)   # the batch-like dimension at the two counted calls


def _randn(*shape, seed, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=torch.float64).to(dtype)


def _hinted(text, hint):
    return f"{text}\n{tr('Hint:', ko='힌트:')} {hint}"


def _run(student, name, *args, hint, **kwargs):
    """student.run (the value and the arguments as the call left them); when the student's
    code raises, the failure gets ``hint``."""
    try:
        return student.run(name, *args, **kwargs)
    except StudentException as e:
        # The hint goes before the traceback, where a reader (and a shortened message) keeps it.
        head, sep, tb = str(e).partition("\n\n")
        raise StudentException(_hinted(head, hint) + sep + tb, e.type_names, e.exc_message, e.traceback) from None


def _assert_unchanged(res, originals, name, hint):
    """The arguments as the student's code left them must equal what was sent."""
    for i, (after, before) in enumerate(zip(res.args, originals)):
        same = (isinstance(after, torch.Tensor) and after.shape == before.shape and after.dtype == before.dtype
                and torch.equal(after, before))
        assert same, _hinted(tr(f"{name} modified its argument {i} in place (inputs are never modified).",
                                ko=f"{name}가 인자 {i}를 in-place로 바꿨습니다 (입력은 절대 바꾸면 안 됩니다)."), hint)


def _check_gradient(student, name, args, ref_fn, *, hint, **kw):
    """check_vjp; a result cut off from the autograd graph gets ``hint`` too."""
    try:
        check_vjp(student, name, args, ref_fn, hint=hint, **kw)
    except NotDifferentiable as e:
        raise NotDifferentiable(_hinted(e, hint)) from None


_IN_PLACE_HINT = tr("compute new tensors (y = x - m, x.unsqueeze(1)) instead of writing into an input "
                    "(x -= m, x[...] = 0, x.sub_(m), x.unsqueeze_(1)).",
                    ko="입력에 쓰는 대신 (x -= m, x[...] = 0, x.sub_(m), x.unsqueeze_(1)) 새 텐서를 "
                       "계산하세요 (y = x - m, x.unsqueeze(1)).")
_KEEP_DTYPE = tr("keep the input's dtype: compute in it (no .double()/.float() casts of the result) and give "
                 "new tensors dtype=x.dtype.",
                 ko="입력의 dtype을 유지하세요: 그 dtype으로 계산하고 (결과를 .double()/.float()로 바꾸지 말고) "
                    "새 텐서에는 dtype=x.dtype을 주세요.")
_GRAPH_HINT = tr("stay on the autograd graph: no .detach(), .data, .numpy(), .item() or torch.no_grad() on the way "
                 "from the inputs to the result.",
                 ko="autograd 그래프를 벗어나지 마세요: 입력에서 결과까지 .detach(), .data, .numpy(), .item(), "
                    "torch.no_grad()를 쓰지 마세요.")


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
    got = student.to_numpy(_randn(2, 1, 3, seed=2))
    assert isinstance(got, np.ndarray) and got.shape == (2, 1, 3), tr(
        f"to_numpy of a tensor of shape (2, 1, 3) returned shape {got.shape if isinstance(got, np.ndarray) else type(got).__name__}. "
        "Hint: keep every dimension, size-1 ones too: no squeeze(), no reshape.",
        ko=f"shape (2, 1, 3)인 텐서에 대한 to_numpy가 shape {got.shape if isinstance(got, np.ndarray) else type(got).__name__}를 반환했습니다. "
           "힌트: 크기 1인 차원까지 모든 차원을 유지하세요: squeeze()도 reshape도 하지 마세요.")
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
    assert_loop_free(student, "to_numpy", lambda n: (_randn(n, seed=9),), sizes=LOOP_SIZES, unit="elements",
                     hint=tr("convert the whole tensor at once (.detach().cpu().numpy()), not element by element.",
                             ko="원소 하나씩이 아니라 텐서 전체를 한 번에 변환하세요 (.detach().cpu().numpy())."))


@pytest.mark.exercise("standardize")
def test_standardize_basic(student):
    """standardize normalises along the last dimension with the population variance."""
    x = _randn(3, 5, seed=2) * 3 + 1
    res = _run(student, "standardize", x, hint=tr(
        "sizes that do not match usually mean a statistic lost the reduced dimension: keepdim=True keeps "
        "it broadcastable against x.",
        ko="크기가 맞지 않는다는 오류는 보통 통계량이 줄어든 차원을 잃었다는 뜻입니다: keepdim=True로 두면 x에 "
           "브로드캐스트됩니다."))
    got = res.value
    _assert_unchanged(res, (x,), "standardize", tr(
        "compute a new tensor (x - mean), not x -= mean or x.sub_(mean).",
        ko="x -= mean이나 x.sub_(mean) 대신 새 텐서(x - mean)를 계산하세요."))
    x64 = x.double()
    ref = (x64 - x64.mean(-1, keepdim=True)) / torch.sqrt(x64.var(-1, keepdim=True, correction=0) + 1e-5)
    assert_close(got, ref, what="standardize(x)", dtype=torch.float32, dtype_hint=_KEEP_DTYPE,
                 hint=tr("use the population variance (x.var(dim, correction=0), i.e. unbiased=False) with "
                         "keepdim=True so the statistics broadcast.",
                         ko="모분산(x.var(dim, correction=0), 즉 unbiased=False)을 keepdim=True로 구해 통계량이 "
                            "브로드캐스트되게 하세요."))
    got0 = student.standardize(x, dim=0)
    ref0 = (x64 - x64.mean(0, keepdim=True)) / torch.sqrt(x64.var(0, keepdim=True, correction=0) + 1e-5)
    assert_close(got0, ref0, what="standardize(x, dim=0)", dtype=torch.float32, dtype_hint=_KEEP_DTYPE,
                 hint=tr("honour the dim argument: reduce along dim, not always along the last dimension.",
                         ko="dim 인자를 지키세요: 항상 마지막 차원이 아니라 dim을 따라 줄이세요."))
    got_eps = student.standardize(x, eps=0.5)
    ref_eps = (x64 - x64.mean(-1, keepdim=True)) / torch.sqrt(x64.var(-1, keepdim=True, correction=0) + 0.5)
    assert_close(got_eps, ref_eps, what="standardize(x, eps=0.5)", dtype=torch.float32, dtype_hint=_KEEP_DTYPE,
                 hint=tr("eps is added to the variance, inside the square root: sqrt(var + eps), not std + eps.",
                         ko="eps는 제곱근 안에서 분산에 더합니다: std + eps가 아니라 sqrt(var + eps)입니다."))
    xg = _randn(4, 6, seed=8, dtype=torch.float64) * 2

    def ref_fn(x, dim=-1):
        return (x - x.mean(dim, keepdim=True)) / torch.sqrt(x.var(dim, keepdim=True, correction=0) + 1e-5)
    _check_gradient(student, "standardize", (xg,), ref_fn, what="standardize(x[4, 6], float64)", hint=tr(
        "the gradient flows through the mean and the standard deviation too: do not detach either of them, "
        "and stay on the autograd graph (no .detach(), .data, .numpy(), .item()).",
        ko="gradient는 평균과 표준편차를 통해서도 흐릅니다: 둘 다 detach하지 말고 autograd 그래프를 벗어나지 "
           "마세요 (.detach(), .data, .numpy(), .item() 금지)."))
    assert_loop_free(student, "standardize", lambda n: (_randn(n, 2, seed=10) * 2,), sizes=LOOP_SIZES,
                     unit="rows", hint=tr("no Python loop over rows: reduce the whole tensor with dim= and keepdim=True.",
                                          ko="행에 대한 파이썬 루프 없이: dim=과 keepdim=True로 텐서 전체를 한 번에 줄이세요."))


@pytest.mark.exercise("pairwise_sq_dists")
def test_pairwise_sq_dists_basic(student):
    """pairwise_sq_dists returns all squared distances [N, M], never negative."""
    x = torch.tensor([[0.0, 0.0], [1.0, 1.0], [3.0, 4.0]], dtype=torch.float64)
    y = torch.tensor([[0.0, 0.0], [3.0, 4.0]], dtype=torch.float64)
    res = student.run("pairwise_sq_dists", x, y)
    got = res.value
    _assert_unchanged(res, (x, y), "pairwise_sq_dists", _IN_PLACE_HINT)
    ref = ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    assert_close(got, ref, what="pairwise_sq_dists(x, y) with x[3, 2], y[2, 2]",
                 shape_hint=tr("the result is [N, M]: entry [i, j] pairs x[i] (rows) with y[j] (columns).",
                               ko="결과는 [N, M]입니다: [i, j] 원소는 x[i](행)와 y[j](열)의 짝입니다."),
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
    x32, y32 = _randn(6, 3, seed=41) * 2, _randn(5, 3, seed=42) * 2
    assert_close(student.pairwise_sq_dists(x32, y32), ((x32.double()[:, None] - y32.double()[None]) ** 2).sum(-1),
                 what="pairwise_sq_dists(x[6, 3], y[5, 3]) in float32", dtype=torch.float32, dtype_hint=_KEEP_DTYPE,
                 atol=1e-4, hint=tr("entry [i, j] is ||x[i] - y[j]||^2.", ko="[i, j] 원소는 ||x[i] - y[j]||^2입니다."))
    xg, yg = _randn(5, 3, seed=43, dtype=torch.float64), _randn(4, 3, seed=44, dtype=torch.float64)
    _check_gradient(student, "pairwise_sq_dists", (xg, yg), lambda a, b: ((a[:, None] - b[None]) ** 2).sum(-1),
                    wrt=(0, 1), what="pairwise_sq_dists(x[5, 3], y[4, 3], float64)", hint=_GRAPH_HINT)
    assert_loop_free(student, "pairwise_sq_dists", lambda n: (_randn(n, 4, seed=46), _randn(n, 4, seed=47)),
                     sizes=(64, 256), unit="rows of x and y",
                     hint=tr("no Python loop over points: broadcast x[:, None, :] against y[None, :, :] once.",
                             ko="점에 대한 파이썬 루프 없이: x[:, None, :]를 y[None, :, :]에 한 번에 브로드캐스트하세요."))


@pytest.mark.exercise("batched_matvec")
def test_batched_matvec_basic(student):
    """batched_matvec multiplies each matrix A[b] by its vector v[b]."""
    A = _randn(2, 3, 4, seed=3)
    v = _randn(2, 4, seed=4)
    res = student.run("batched_matvec", A, v)
    got = res.value
    _assert_unchanged(res, (A, v), "batched_matvec", _IN_PLACE_HINT)
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
    A64, v64 = A.double(), v.double()
    assert_close(student.batched_matvec(A64, v64), torch.einsum("bnm,bm->bn", A64, v64),
                 what="batched_matvec(A, v) in float64", dtype=torch.float64, dtype_hint=_KEEP_DTYPE,
                 hint=tr("row b is A[b] @ v[b].", ko="b번째 행은 A[b] @ v[b]입니다."))
    _check_gradient(student, "batched_matvec", (A64, v64), lambda a, b: torch.einsum("bnm,bm->bn", a, b),
                    wrt=(0, 1), what="batched_matvec(A[2, 3, 4], v[2, 4], float64)", hint=_GRAPH_HINT)
    assert_loop_free(student, "batched_matvec", lambda n: (_randn(n, 2, 2, seed=74), _randn(n, 2, seed=75)),
                     sizes=LOOP_SIZES, unit="batch entries",
                     hint=tr("no Python loop over the batch: one batched matmul (torch.bmm or @) does every entry.",
                             ko="배치에 대한 파이썬 루프 없이: 배치 matmul 한 번(torch.bmm 또는 @)으로 모든 항목을 계산하세요."))


@pytest.mark.exercise("one_hot")
def test_one_hot_basic(student):
    """one_hot returns float32 rows with a single 1 and raises ValueError for a bad label."""
    labels = torch.tensor([0, 2, 1, 2])
    res = student.run("one_hot", labels, 3)
    got = res.value
    _assert_unchanged(res, (labels,), "one_hot", _IN_PLACE_HINT)
    ref = torch.tensor([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]], dtype=torch.float32)
    assert_close(got, ref, what="one_hot(tensor([0, 2, 1, 2]), 3)", dtype=torch.float32,
                 hint=tr("the result is float32 with shape [*labels.shape, num_classes] (cast with .float()).",
                         ko="결과는 shape [*labels.shape, num_classes]의 float32입니다 (.float()로 변환하세요)."),
                 dtype_hint=tr("the result is float32 whatever the labels' dtype: cast with .float().",
                               ko="결과는 레이블의 dtype과 상관없이 float32입니다: .float()로 변환하세요."))
    labels2 = torch.tensor([[0, 1], [2, 2], [1, 0]])
    ref2 = (labels2[..., None] == torch.arange(3)).float()
    assert_close(student.one_hot(labels2, 3), ref2, what="one_hot(labels[3, 2], 3)", dtype=torch.float32,
                 hint=tr("row [i, j] is the one-hot vector of labels[i, j].",
                         ko="[i, j] 행은 labels[i, j]의 원-핫 벡터입니다."),
                 shape_hint=tr("the result has the labels' shape plus one dimension: [*labels.shape, num_classes]; "
                               "give it back the labels' shape if you flattened them.",
                               ko="결과는 레이블의 shape에 차원 하나를 더한 [*labels.shape, num_classes]입니다; "
                                  "레이블을 펼쳤다면 원래 shape으로 되돌리세요."))
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
    g = torch.Generator().manual_seed(81)
    assert_loop_free(student, "one_hot", lambda n: (torch.randint(0, 2, (n,), generator=g), 2), sizes=LOOP_SIZES,
                     unit="labels",
                     hint=tr("no Python loop over labels: compare labels[..., None] with torch.arange(num_classes) "
                             "once, or index an identity matrix.",
                             ko="레이블에 대한 파이썬 루프 없이: labels[..., None]를 torch.arange(num_classes)와 한 번에 "
                                "비교하거나 단위행렬을 인덱싱하세요."))


@pytest.mark.exercise("masked_mean")
def test_masked_mean_basic(student):
    """masked_mean averages only the first lengths[b] time steps of each sequence."""
    x = _randn(2, 4, 3, seed=5, dtype=torch.float64)
    x[1, 2:] = 1000.0   # padding: must not influence the result
    lengths = torch.tensor([4, 2])
    res = _run(student, "masked_mean", x, lengths, hint=tr(
        "the mask is [B, T]: torch.arange(T)[None, :] < lengths[:, None]; give it a trailing dimension "
        "(mask[:, :, None]) to broadcast against x[B, T, D].",
        ko="마스크는 [B, T]입니다: torch.arange(T)[None, :] < lengths[:, None]; x[B, T, D]에 브로드캐스트되도록 "
           "끝에 차원을 붙이세요 (mask[:, :, None])."))
    got = res.value
    _assert_unchanged(res, (x, lengths), "masked_mean", _IN_PLACE_HINT)
    ref = torch.stack([x[0, :4].mean(0), x[1, :2].mean(0)])
    assert_close(got, ref, what="masked_mean(x[2, 4, 3], lengths=[4, 2])", dtype=torch.float64,
                 dtype_hint=_KEEP_DTYPE,
                 hint=tr("build a mask [B, T] from torch.arange(T) < lengths[:, None], zero the padding, "
                         "sum over time and divide by lengths (not by T).",
                         ko="torch.arange(T) < lengths[:, None]로 마스크 [B, T]를 만들고, 패딩을 0으로 만든 뒤 "
                            "시간 축으로 더해 (T가 아니라) lengths로 나누세요."))

    def ref_fn(x, lengths):
        valid = torch.arange(x.shape[1])[None, :] < lengths[:, None]
        return torch.where(valid[:, :, None], x, torch.zeros((), dtype=x.dtype)).sum(1) / lengths[:, None]
    _check_gradient(student, "masked_mean", (x, lengths), ref_fn, wrt=(0,), what="masked_mean(x[2, 4, 3])",
                    hint=tr("padded steps must get zero gradient: leave them out with torch.where or a mask "
                            "multiplication, not by writing through .data (autograd does not see that).",
                            ko="패딩 단계의 gradient는 0이어야 합니다: .data를 통해 쓰지 말고 (autograd가 보지 "
                               "못합니다) torch.where나 마스크 곱으로 빼세요."))
    # Device kept, without a GPU: the call runs on the meta device in your process.
    assert_device_kept(student, "masked_mean", (x, lengths), what="masked_mean(x[2, 4, 3], lengths=[4, 2])",
                       hint=tr("make every new tensor on x's device: torch.arange(T, device=x.device).",
                               ko="새 텐서는 모두 x의 device에 만드세요: torch.arange(T, device=x.device)."))
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
    res = student.run("softmax", x)
    _assert_unchanged(res, (x,), "softmax", _IN_PLACE_HINT)
    assert_close(res.value, torch.softmax(x.double(), -1), what="softmax(x)", dtype=torch.float32,
                 dtype_hint=_KEEP_DTYPE,
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
    _check_gradient(student, "softmax", (x.double(),), lambda a: torch.softmax(a, -1), what="softmax(x, float64)",
                    hint=tr("the normaliser depends on every input: keep the sum of exp(x) on the autograd graph "
                            "(no torch.no_grad(), .detach() or .item() for it).",
                            ko="정규화 값은 모든 입력에 의존합니다: exp(x)의 합을 autograd 그래프에 두세요 "
                               "(torch.no_grad(), .detach(), .item() 금지)."))
    assert_loop_free(student, "softmax", lambda n: (_randn(n, 2, seed=146),), sizes=LOOP_SIZES, unit="rows",
                     hint=tr("no Python loop over rows: amax, exp and sum along dim work on the whole tensor.",
                             ko="행에 대한 파이썬 루프 없이: dim 방향 amax, exp, sum은 텐서 전체에 작동합니다."))


@pytest.mark.exercise("sliding_windows")
def test_sliding_windows_basic(student):
    """sliding_windows returns the windows x[i*step : i*step + size] as rows."""
    x = torch.arange(10.0)
    res = student.run("sliding_windows", x, 4, 3)
    got = res.value
    _assert_unchanged(res, (x,), "sliding_windows", _IN_PLACE_HINT)
    ref = torch.tensor([[0.0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]])
    assert_close(got, ref, what="sliding_windows(arange(10.), size=4, step=3)", dtype=torch.float32,
                 hint=tr("W = (T - size) // step + 1 rows; row i starts at i * step.",
                         ko="행은 W = (T - size) // step + 1개이고, i번째 행은 i * step에서 시작합니다."))
    got1 = student.sliding_windows(x[:5], 2)
    ref1 = torch.tensor([[0.0, 1], [1, 2], [2, 3], [3, 4]])
    assert_close(got1, ref1, what="sliding_windows(arange(5.), size=2)", dtype=torch.float32,
                 hint=tr("step defaults to 1.", ko="step의 기본값은 1입니다."))
    x64 = _randn(9, seed=11, dtype=torch.float64)
    idx = (torch.arange(3) * 3)[:, None] + torch.arange(3)[None, :]
    assert_close(student.sliding_windows(x64, 3, 3), x64[idx], what="sliding_windows(x[9] float64, 3, 3)",
                 dtype=torch.float64, dtype_hint=_KEEP_DTYPE,
                 hint=tr("row i is x[i*step : i*step + size].", ko="i번째 행은 x[i*step : i*step + size]입니다."))
    _check_gradient(student, "sliding_windows", (x64, 3, 3), lambda a, size, step: a[idx], wrt=(0,),
                    what="sliding_windows(x[9] float64, 3, 3)", hint=_GRAPH_HINT)
    assert_loop_free(student, "sliding_windows", lambda n: (_randn(n + 1, seed=162), 2, 1), sizes=LOOP_SIZES,
                     unit="windows",
                     hint=tr("no Python loop over windows: x.unfold(0, size, step) or one index tensor "
                             "(starts[:, None] + arange(size)) builds every window at once.",
                             ko="창에 대한 파이썬 루프 없이: x.unfold(0, size, step)이나 인덱스 텐서 하나"
                                "(starts[:, None] + arange(size))로 모든 창을 한 번에 만드세요."))
