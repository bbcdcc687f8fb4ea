"""Public tests for 02_autograd: the behaviour of each exercise on small, fixed inputs.

Run them with `autograder check`. Passing them is a good sign, not a guarantee: the
hidden tests also run many random expression programs through your Tensor, float32 and
float64 inputs, other shapes (N=1, size-1 dimensions), extreme values and deep graphs.

Part A programs are replayed inside the grader with your `Tensor` class (see
autograd_programs.py); a failure prints the program so you can run it in your notebook.
"""
import contextlib
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder.authoring import StudentError, assert_close, check_vjp, precondition, tr


def _load_helper():
    # The grader imports test files by path (no package), so load the helper the same way.
    name = "autograd_programs_02"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("autograd_programs.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


ap = _load_helper()
Program, check_program = ap.Program, ap.check_program


def _randn(*shape, seed, dtype=torch.float64, scale=1.0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(*shape, generator=g, dtype=torch.float64) * scale).to(dtype)


def hint_marker():
    return tr("Hint:", ko="힌트:")


@contextlib.contextmanager
def hint_on_error(exercise, hint):
    """Give an error from the student's code (an exception, a wrong number of gradients)
    the exercise's name and a hint, like a failed comparison has."""
    try:
        yield
    except StudentError as e:
        text = str(e)
        if hint_marker() in text:
            raise
        if exercise not in text:
            text = f"{exercise}: {text}"
        raise StudentError(f"{text}\n{hint_marker()} {hint}", e.kind) from None


def inputs_unchanged(student, name, args, hint):
    """The contract's "inputs are never modified in place": the values a call returns cannot
    show it, the arguments as the call left them can."""
    exercise = name.split(".")[0]
    with hint_on_error(exercise, hint):
        res = student.run(name, *args)
    for i, (after, before) in enumerate(zip(res.args, args)):
        if isinstance(before, torch.Tensor) and not (isinstance(after, torch.Tensor)
                                                     and torch.equal(after.cpu(), before.cpu())):
            raise StudentError(tr(
                f"{exercise} modified its argument {i} in place: the caller's tensor changed, although the "
                "values it returned may be right.\nHint: build new tensors (a = a - m) instead of updating "
                "an input with an in-place operation (-=, +=, *=, or a method ending in _ such as sigmoid_ "
                "or sub_).",
                ko=f"{exercise}가 인자 {i}를 제자리(in-place)에서 수정했습니다: 반환한 값이 맞더라도 호출한 쪽의 "
                   "텐서가 바뀌었습니다.\n힌트: 입력을 제자리 연산(-=, +=, *=, 또는 sigmoid_, sub_처럼 _로 끝나는 "
                   "메서드)으로 바꾸지 말고 새 텐서를 만드세요(a = a - m)."), "in_place")


def no_autograd_in_backward(student, name, args, cotangent, hint):
    """The contract's "no autograd inside backward": values cannot show it, a probe can."""
    with hint_on_error(name, hint):
        rep = student.probe("function_autograd_uses", name, list(args), cotangent)
    if rep["error"]:
        raise StudentError(f"{name}: back-propagating through {name}.apply raised {rep['error']}\n"
                           f"{hint_marker()} {hint}", "raised")
    if rep["uses"]:
        uses = ", ".join(rep["uses"])
        raise StudentError(tr(
            f"{name}.backward computes its gradient with autograd ({uses}). The exercise "
            "is to write the gradient by hand with tensor operations, so this costs the points of this "
            "check even though the values are right.\nHint: derive the formula on paper (it is in the "
            "notebook) and compute it from ctx.saved_tensors and grad_output, with no .backward(), "
            "torch.autograd.grad or torch.func inside backward.",
            ko=f"{name}.backward가 autograd({uses})로 기울기를 계산합니다. 이 과제는 텐서 연산으로 기울기를 직접 "
               "작성하는 것이므로, 값이 맞더라도 이 검사의 점수를 잃습니다.\n힌트: 공식을 종이에 유도하고(노트북에 "
               "있습니다) ctx.saved_tensors와 grad_output으로 계산하세요. backward 안에서 .backward(), "
               "torch.autograd.grad, torch.func는 쓰지 않습니다."), "by_hand")


def no_autograd_in_call(student, name, args, hint):
    with hint_on_error(name, hint):
        rep = student.probe("call_autograd_uses", name, *args)
    if rep["error"]:
        raise StudentError(f"{name} raised {rep['error']}\n{hint_marker()} {hint}", "raised")
    if rep["uses"]:
        uses = ", ".join(rep["uses"])
        raise StudentError(tr(
            f"{name} computes its gradients with autograd ({uses}). Part C asks for "
            "backprop by hand: the values are right, but this check costs its points.\nHint: apply the "
            "chain rule yourself, layer by layer, as in the notebook's derivation; no .backward(), "
            "torch.autograd.grad or torch.func.",
            ko=f"{name}이 autograd({uses})로 기울기를 계산합니다. Part C는 직접 역전파하는 과제입니다: 값은 "
               "맞지만 이 검사의 점수를 잃습니다.\n힌트: 노트북의 유도처럼 층마다 연쇄 법칙을 직접 적용하세요. "
               ".backward(), torch.autograd.grad, torch.func는 쓰지 않습니다."), "by_hand")


# ============================================================================ Part A: Tensor
@pytest.mark.exercise("Tensor")
def test_tensor_basics(student):
    """Tensor stores float64 data, knows its shape, propagates requires_grad and checks backward's grad."""
    # Construction from a list of ints, a Python number and a float32 array: .data is float64.
    P = Program()
    a = P.leaf([[1, 2, 3], [4, 5, 6]], requires_grad=True)
    c = P.leaf(np.array([0.5, -1.5, 2.0], dtype=np.float32), requires_grad=None)   # Tensor(data)
    s = P.leaf(3, requires_grad=False)
    out = ((a * c + s) * a).sum()
    check_program(student, P.finish(out), what="construction, requires_grad and a one-element backward()",
                  hint=tr("store np.array(data, dtype=np.float64) in .data; .shape is .data.shape; a result "
                          "requires grad when any operand does; only leaves with requires_grad=True get a .grad "
                          "(the others keep None); backward() with no argument uses a gradient of 1.",
                          ko="np.array(data, dtype=np.float64)를 .data에 저장하고, .shape는 .data.shape입니다. "
                             "피연산자 중 하나라도 기울기가 필요하면 결과도 기울기가 필요합니다. requires_grad=True인 "
                             "리프만 .grad를 받고(나머지는 None 유지), 인자 없는 backward()는 기울기 1을 씁니다."))
    # backward() with no argument: fine for any one-element shape, a ValueError otherwise.
    P = Program()
    x = P.randn(2, 3, seed=1)
    check_program(student, P.finish(x.sum(axis=1, keepdims=True).sum(axis=0, keepdims=True)),
                  what="backward() on a result of shape (1, 1)",
                  hint=tr("the implicit gradient is ones of the output's shape when it has one element.",
                          ko="출력의 원소가 하나이면 암묵적인 기울기는 출력 모양의 1입니다."))
    P = Program()
    x = P.randn(2, 3, seed=2)
    check_program(student, P.finish(x * 2.0), what="backward() without grad on a (2, 3) result",
                  hint=tr("if grad is None and the tensor has more than one element, raise ValueError.",
                          ko="grad가 None이고 텐서의 원소가 둘 이상이면 ValueError를 발생시키세요."))
    P = Program()
    x = P.randn(2, 3, seed=3)
    check_program(student, P.finish(x * 2.0, grad=np.arange(6.0).reshape(2, 3)),
                  what="backward(grad) with an explicit gradient",
                  hint=tr("start backpropagation from the grad you are given (converted to a float64 array).",
                          ko="주어진 grad(float64 배열로 변환)에서 역전파를 시작하세요."))


# Each program targets one operation family; the hint says what its gradient needs.
def _op_programs():
    progs = []
    P = Program()
    a, b = P.randn(2, 3, seed=10), P.randn(2, 3, seed=11, positive=True)
    out = (a + b) * (a - b) + a / b - 2.0 * a + 1 / b - (-a)
    progs.append(("+ - * / and unary -", P.finish(out, grad=ap.random_array((2, 3), 12)),
                  tr("d(a*b) = b*g and a*g; d(a/b) = g/b and -g*a/b**2; d(-a) = -g.",
                     ko="d(a*b)는 b*g와 a*g, d(a/b)는 g/b와 -g*a/b**2, d(-a)는 -g입니다.")))
    P = Program()
    a = P.randn(3, 2, seed=13)
    k = np.array([[1.0, -2.0], [0.5, 3.0], [2.0, 1.0]])
    out = 1.0 - a + k - 3 * a + a * k + 2.0 / (a * a + 1.0) - k / (a * a + 1.0)
    progs.append(("Python numbers and NumPy arrays on either side", P.finish(out, grad=ap.random_array((3, 2), 14)),
                  tr("implement the reflected operators (__radd__, __rsub__, __rmul__, __rtruediv__, __rmatmul__) "
                     "with the number or array as the LEFT operand: 1.0 - a is not a - 1.0; keep "
                     "__array_ufunc__ = None so NumPy arrays defer to them.",
                     ko="반사 연산자(__radd__, __rsub__, __rmul__, __rtruediv__, __rmatmul__)는 숫자나 배열을 "
                        "왼쪽 피연산자로 두고 구현하세요: 1.0 - a는 a - 1.0이 아닙니다. NumPy 배열이 이 연산자에 "
                        "맡기도록 __array_ufunc__ = None을 유지하세요.")))
    P = Program()
    A, B = P.randn(2, 3, seed=15), P.randn(3, 4, seed=16)
    M = np.array([[1.0, 0.0], [2.0, -1.0], [0.5, 0.5], [1.0, 3.0]])
    out = (A @ B) @ M + np.array([[1.0, 2.0]]).T @ (A @ B).sum(axis=0, keepdims=True) @ M
    progs.append(("@ (matrix product)", P.finish(out, grad=ap.random_array((2, 2), 17)),
                  tr("for C = A @ B: dA = G @ B.T and dB = A.T @ G (check the shapes: dA has A's shape).",
                     ko="C = A @ B이면 dA = G @ B.T, dB = A.T @ G입니다(모양을 확인하세요: dA는 A의 모양입니다).")))
    P = Program()
    x = P.randn(3, 3, seed=18)
    out = (x.sum(axis=1) * np.array([1.0, 2.0, 3.0])).sum() + (x.mean(axis=0) ** 2).sum() \
        + x.sum(axis=-1, keepdims=True).mean() + x.mean() * 2.0 + x.sum()
    progs.append(("sum/mean with axis and keepdims", P.finish(out),
                  tr("the gradient of a sum is the output gradient copied along the summed axis: with "
                     "keepdims=False, first put the axis back (np.expand_dims(g, axis)) and then broadcast to "
                     "the input's shape; mean also divides by the number of elements averaged.",
                     ko="합의 기울기는 출력 기울기를 합한 축을 따라 복사한 것입니다. keepdims=False이면 먼저 축을 "
                        "되살리고(np.expand_dims(g, axis)) 입력 모양으로 브로드캐스팅하세요. mean은 평균 낸 원소 "
                        "수로 한 번 더 나눕니다.")))
    P = Program()
    x = P.randn(2, 3, seed=19)
    p = P.randn(2, 3, seed=20, positive=True)
    out = x.relu() + x.exp() + p.log() + x.tanh() + x.sigmoid() + p ** 0.5 + x ** 3 + p ** -1
    progs.append(("relu, exp, log, tanh, sigmoid and ** p", P.finish(out, grad=ap.random_array((2, 3), 21)),
                  tr("relu' = (x > 0); exp' = exp(x); log' = 1/x; tanh' = 1 - tanh(x)**2; "
                     "sigmoid' = s * (1 - s) with s = sigmoid(x); (x**p)' = p * x**(p - 1).",
                     ko="relu' = (x > 0), exp' = exp(x), log' = 1/x, tanh' = 1 - tanh(x)**2, "
                        "s = sigmoid(x)일 때 sigmoid' = s * (1 - s), (x**p)' = p * x**(p - 1)입니다.")))
    P = Program()
    x = P.randn(2, 3, seed=22)
    w = P.randn(3, 2, seed=23)
    out = x.reshape(3, 2) * w + x.T * 2.0 + x.transpose() @ np.ones((3, 3))[:2, :2] + x.reshape(6).reshape(3, 2)
    progs.append(("reshape, transpose and .T", P.finish(out, grad=ap.random_array((3, 2), 24)),
                  tr("reshape's gradient is g reshaped back to the input's shape; transpose's is g.T.",
                     ko="reshape의 기울기는 g를 입력 모양으로 되돌린 것이고, transpose의 기울기는 g.T입니다.")))
    return progs


@pytest.mark.exercise("Tensor")
def test_tensor_gradients_of_each_operation(student):
    """Values and leaf gradients of every operation match PyTorch."""
    for what, program, hint in _op_programs():
        check_program(student, program, what=what, hint=hint)


@pytest.mark.exercise("Tensor")
def test_tensor_broadcasting_and_reuse(student):
    """Broadcast operands get gradients of their own shape, and nodes used twice (diamonds) sum their gradients."""
    P = Program()
    a, b, c = P.randn(2, 3, seed=30), P.randn(3, seed=31), P.randn(2, 1, seed=32, positive=True)
    d = P.randn(4, 1, 3, seed=33)
    out = (a * b + c) / c - b + (d * a).sum(axis=0) + 1.0 / (b * b + 1.0)
    check_program(student, P.finish(out, grad=ap.random_array((2, 3), 34)), what="broadcasting",
                  hint=tr("an operand that NumPy broadcast gets a gradient of the OUTPUT's shape: sum it back "
                          "to the operand's own shape (sum away leading dimensions that were added, and sum "
                          "with keepdims=True over dimensions that were 1).",
                          ko="NumPy가 브로드캐스팅한 피연산자는 출력 모양의 기울기를 받습니다. 피연산자 자신의 모양으로 "
                             "합해서 되돌리세요(추가된 앞쪽 차원은 합해서 없애고, 크기가 1이던 차원은 "
                             "keepdims=True로 합합니다)."))
    P = Program()
    x = P.randn(2, 2, seed=35)
    h = x.tanh()                      # used three times below: a diamond
    y = h * h + h.sigmoid() + x * h
    z = y @ h + y.sum(axis=0)         # y and h used again
    check_program(student, P.finish(z, grad=ap.random_array((2, 2), 36)), what="reused nodes (diamonds)",
                  hint=tr("visit each node once, in reverse topological order, and ADD the contributions of "
                          "all of its uses before passing its gradient on to its inputs.",
                          ko="각 노드를 역 위상 순서로 한 번씩만 방문하고, 기울기를 입력으로 넘기기 전에 그 노드가 "
                             "쓰인 모든 곳의 기여를 더하세요."))


@pytest.mark.exercise("Tensor")
def test_tensor_accumulation_and_deep_chain(student):
    """backward accumulates into .grad, and a chain of 10,000 operations works with the default recursion limit."""
    P = Program()
    # Every leaf requires grad: which leaves get a .grad is test_tensor_basics' to judge, not accumulation's.
    w, x = P.randn(3, 2, seed=40), P.randn(4, 3, seed=41)
    loss = ((x @ w).tanh() ** 2).mean()
    # The values of one pass first: wrong ones are the operations' (shown by that test), not accumulation.
    with precondition("test_tensor_gradients_of_each_operation"):
        check_program(student, P.finish(loss), what="one backward pass",
                      hint=tr("check the gradients of @, tanh, ** and mean (test_tensor_gradients_of_each_operation).",
                              ko="@, tanh, **, mean의 기울기를 확인하세요(test_tensor_gradients_of_each_operation)."))
    check_program(student, P.finish(loss, repeat=2), what="two backward passes (graph built twice)",
                  hint=tr("a leaf's .grad accumulates: the first backward sets it, later ones ADD to it "
                          "(node.grad = node.grad + g), as in PyTorch.",
                          ko="리프의 .grad는 누적됩니다: PyTorch처럼 첫 backward가 값을 정하고, 이후의 backward는 "
                             "거기에 더합니다(node.grad = node.grad + g)."))
    def chain(n):
        P = Program()
        x = P.randn(3, seed=42)
        y = x
        for i in range(n):
            y = (y * 0.9999) if i % 2 else (y + 0.001)
            y = y.tanh() if i % 250 == 0 else y * 1.0
        return P, y
    # A short chain first: its values are the operations', the long one adds only depth.
    P, y = chain(20)
    with precondition("test_tensor_gradients_of_each_operation"):
        check_program(student, P.finish(y.sum()), what="a chain of 40 operations",
                      hint=tr("check the gradients of +, * and tanh (test_tensor_gradients_of_each_operation).",
                              ko="+, *, tanh의 기울기를 확인하세요(test_tensor_gradients_of_each_operation)."))
    P, y = chain(5000)      # 10,000 operations
    check_program(student, P.finish(y.sum(), record="last", default_recursion_limit=True),
                  what="a chain of 10,000 operations",
                  hint=tr("with Python's default recursion limit (1000) a recursive topological sort fails on "
                          "deep graphs; build the order with an explicit stack (iterative depth-first search) "
                          "and a visited set, and do not raise the recursion limit.",
                          ko="파이썬의 기본 재귀 한도(1000)에서는 재귀적인 위상 정렬이 깊은 그래프에서 실패합니다. "
                             "명시적인 스택(반복형 깊이 우선 탐색)과 방문 집합으로 순서를 만들고, 재귀 한도는 "
                             "올리지 마세요."))


# ============================================================================ Part B: Functions
@pytest.mark.exercise("SigmoidFn")
def test_sigmoid_fn_basic(student):
    """SigmoidFn's output and hand-written gradient match torch.sigmoid's, without autograd in backward."""
    hint = tr("forward: y = torch.sigmoid(x) (or 1 / (1 + exp(-x))), saved with ctx.save_for_backward(y); "
              "backward: grad_output * y * (1 - y), without modifying the saved y in place.",
              ko="forward: y = torch.sigmoid(x)(또는 1 / (1 + exp(-x)))를 ctx.save_for_backward(y)로 저장합니다. "
                 "backward: grad_output * y * (1 - y)이며, 저장한 y를 제자리에서 수정하지 않습니다.")
    x = _randn(3, 4, seed=1, scale=3.0, dtype=torch.float32)
    with hint_on_error("SigmoidFn", hint):
        check_vjp(student, "SigmoidFn.apply", (x,), torch.sigmoid, what="SigmoidFn.apply(x[3, 4])", hint=hint)
        check_vjp(student, "SigmoidFn.apply", (x.double(),), torch.sigmoid, what="SigmoidFn.apply(float64 x)",
                  hint=hint, seed=1)
    inputs_unchanged(student, "SigmoidFn.apply", (x,), hint)
    no_autograd_in_backward(student, "SigmoidFn", (x,), torch.ones(3, 4), hint)


def _linear(x, W, b=None):
    return F.linear(x, W, b)


@pytest.mark.exercise("LinearFn")
def test_linear_fn_basic(student):
    """LinearFn computes x @ W.T + b and returns the gradients of x, W and b (b optional)."""
    hint = tr("forward: x @ W.T (+ b); backward with G = grad_output [N, out]: dx = G @ W [N, in], "
              "dW = G.T @ x [out, in], db = G.sum(dim=0) [out]; return None for b when it was not given.",
              ko="forward: x @ W.T (+ b). backward에서 G = grad_output [N, out]이면 dx = G @ W [N, in], "
                 "dW = G.T @ x [out, in], db = G.sum(dim=0) [out]입니다. b가 주어지지 않았으면 b에 대해 None을 "
                 "반환하세요.")
    x, W, b = _randn(4, 3, seed=2), _randn(2, 3, seed=3), _randn(2, seed=4)
    with hint_on_error("LinearFn", hint):
        check_vjp(student, "LinearFn.apply", (x, W, b), _linear, wrt=(0, 1, 2), hint=hint,
                  what="LinearFn.apply(x[4, 3], W[2, 3], b[2])")
        check_vjp(student, "LinearFn.apply", (x.float(), W.float()), _linear, wrt=(0, 1), hint=hint,
                  what="LinearFn.apply(x[4, 3], W[2, 3]) without b (float32)", seed=1)
        Wsq = _randn(3, 3, seed=5)
        check_vjp(student, "LinearFn.apply", (x, Wsq, None), _linear, wrt=(0, 1), hint=hint,
                  what="LinearFn.apply(x[4, 3], W[3, 3], None)", seed=2)
    inputs_unchanged(student, "LinearFn.apply", (x, W, b), hint)
    no_autograd_in_backward(student, "LinearFn", (x, W, b), torch.ones(4, 2, dtype=torch.float64), hint)


@pytest.mark.exercise("SoftmaxCrossEntropyFn")
def test_softmax_cross_entropy_fn_basic(student):
    """SoftmaxCrossEntropyFn equals F.cross_entropy (mean over the batch), also for logits of 1e4."""
    hint = tr("loss = mean over rows of logsumexp(z) - z[target]; subtract each row's max before exp "
              "(it does not change the softmax); the gradient is (softmax(z) - one_hot(target)) / N "
              "times grad_output, and None for target.",
              ko="loss는 행마다 logsumexp(z) - z[target]을 구해 평균 낸 값입니다. exp 전에 각 행의 최댓값을 "
                 "빼세요(softmax는 바뀌지 않습니다). 기울기는 (softmax(z) - one_hot(target)) / N에 grad_output을 "
                 "곱한 값이고, target에 대해서는 None입니다.")
    z, t = _randn(5, 4, seed=6, scale=2.0), torch.tensor([0, 3, 1, 1, 2])
    with hint_on_error("SoftmaxCrossEntropyFn", hint):
        check_vjp(student, "SoftmaxCrossEntropyFn.apply", (z, t), F.cross_entropy, hint=hint,
                  what="SoftmaxCrossEntropyFn.apply(logits[5, 4], target)")
        big = torch.tensor([[1e4, 1e4 - 1.0, -1e4, 0.0], [-1e4, 2.0, 1e4, 1e4], [5.0, 1e4, 0.0, -3.0]])
        check_vjp(student, "SoftmaxCrossEntropyFn.apply", (big, torch.tensor([1, 3, 0])), F.cross_entropy,
                  hint=hint, atol=1e-3, rtol=1e-4, seed=1,
                  what="SoftmaxCrossEntropyFn.apply(logits with entries of magnitude 1e4, float32)")
    inputs_unchanged(student, "SoftmaxCrossEntropyFn.apply", (z, t), hint)
    no_autograd_in_backward(student, "SoftmaxCrossEntropyFn", (z, t), torch.tensor(1.0, dtype=torch.float64), hint)


def _layer_norm(x, eps=1e-5):
    return F.layer_norm(x, x.shape[-1:], eps=eps)


@pytest.mark.exercise("LayerNormFn")
def test_layer_norm_fn_basic(student):
    """LayerNormFn equals F.layer_norm over the last dimension, with eps omitted and passed."""
    hint = tr("x_hat = (x - mean) / sqrt(var + eps) over the last dim, with the population variance "
              "(divide by D, not D - 1) and eps inside the square root; backward: "
              "rstd * (g - mean(g) - x_hat * mean(g * x_hat)), means over the last dim; return None for eps.",
              ko="마지막 차원에 대해 x_hat = (x - mean) / sqrt(var + eps)이며, 모분산(D - 1이 아니라 D로 나눔)을 "
                 "쓰고 eps는 제곱근 안에 넣습니다. backward: rstd * (g - mean(g) - x_hat * mean(g * x_hat)), "
                 "평균은 마지막 차원에 대해 구합니다. eps에 대해서는 None을 반환하세요.")
    x = _randn(3, 5, seed=7, scale=2.0) + 1.0
    with hint_on_error("LayerNormFn", hint):
        check_vjp(student, "LayerNormFn.apply", (x,), _layer_norm, hint=hint, what="LayerNormFn.apply(x[3, 5])")
        check_vjp(student, "LayerNormFn.apply", (x, 0.5), _layer_norm, hint=hint, seed=1,
                  what="LayerNormFn.apply(x[3, 5], 0.5)")
        small = _randn(2, 4, seed=8, scale=0.01, dtype=torch.float32)
        check_vjp(student, "LayerNormFn.apply", (small,), _layer_norm, hint=hint, seed=2,
                  what="LayerNormFn.apply(x[2, 4] with values around 0.01, float32)")
    inputs_unchanged(student, "LayerNormFn.apply", (x,), hint)
    no_autograd_in_backward(student, "LayerNormFn", (x,), torch.ones(3, 5, dtype=torch.float64), hint)


# ============================================================================ Part C: by hand
def _logreg_reference(w, b, X, y, lr):
    w64, b64 = w.double().clone().requires_grad_(True), b.double().clone().requires_grad_(True)
    loss = F.binary_cross_entropy_with_logits(X.double() @ w64 + b64, y.double())
    gw, gb = torch.autograd.grad(loss, (w64, b64))
    return (w64 - lr * gw).detach(), (b64 - lr * gb).detach(), loss.item()


def check_logistic_step(student, w, b, X, y, lr, what, hint):
    device = w.device
    with hint_on_error("logistic_regression_step", hint):
        got = student.logistic_regression_step(w, b, X, y, lr)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise StudentError(f"logistic_regression_step {what}: expected a tuple (w_new, b_new, loss), got "
                           f"{type(got).__name__}\n{hint_marker()} {hint}", "type")
    w_ref, b_ref, loss_ref = _logreg_reference(w.cpu(), b.cpu(), X.cpu(), y.cpu(), lr)
    w_new, b_new, loss = got
    assert_close(w_new, w_ref, what=f"logistic_regression_step {what}: w_new", dtype=w.dtype, device=device, hint=hint)
    if not isinstance(b_new, torch.Tensor):
        raise StudentError(tr(f"logistic_regression_step {what}: b_new is {type(b_new).__name__}; it must be a "
                              "0-dim tensor like b.\nHint: compute b - lr * grad_b with tensors (no .item()).",
                              ko=f"logistic_regression_step {what}: b_new가 {type(b_new).__name__}입니다. b처럼 "
                                 "0차원 텐서여야 합니다.\n힌트: b - lr * grad_b를 텐서로 계산하세요(.item() 없이)."),
                           "type")
    if b_new.dim() != 0:
        raise StudentError(tr(f"logistic_regression_step {what}: b_new has shape {tuple(b_new.shape)}; "
                              "it must be a 0-dim tensor like b.\nHint: sum the bias gradient to a scalar "
                              "(dz.sum()), so b - lr * grad_b keeps b's shape.",
                              ko=f"logistic_regression_step {what}: b_new의 모양이 {tuple(b_new.shape)}입니다. "
                                 "b처럼 0차원 텐서여야 합니다.\n힌트: 편향 기울기를 스칼라로 합하면(dz.sum()) "
                                 "b - lr * grad_b가 b의 모양을 유지합니다."), "shape")
    assert_close(b_new, b_ref, what=f"logistic_regression_step {what}: b_new", dtype=b.dtype, device=device, hint=hint)
    if not isinstance(loss, float):
        raise StudentError(tr(f"logistic_regression_step {what}: loss is {type(loss).__name__}; it must be a "
                              "Python float.\nHint: return loss.item().",
                              ko=f"logistic_regression_step {what}: loss가 {type(loss).__name__}입니다. 파이썬 "
                                 "float여야 합니다.\n힌트: loss.item()을 반환하세요."), "type")
    assert_close(loss, torch.tensor(loss_ref), what=f"logistic_regression_step {what}: loss",
                 dtype=w.dtype, hint=hint + tr(" The loss is the one BEFORE the update.",
                                               ko=" 손실은 업데이트하기 전의 값입니다."))


@pytest.mark.exercise("logistic_regression_step")
def test_logistic_regression_step_basic(student):
    """logistic_regression_step takes one gradient-descent step on the mean binary cross-entropy, by hand."""
    hint = tr("p = sigmoid(X @ w + b); loss = mean(-y log p - (1 - y) log(1 - p)); "
              "dL/dw = X.T @ (p - y) / N, dL/db = mean(p - y); w_new = w - lr * dL/dw.",
              ko="p = sigmoid(X @ w + b), loss = mean(-y log p - (1 - y) log(1 - p))이고, "
                 "dL/dw = X.T @ (p - y) / N, dL/db = mean(p - y), w_new = w - lr * dL/dw입니다.")
    X = _randn(6, 3, seed=9)
    y = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 0.0], dtype=torch.float64)
    w, b = _randn(3, seed=10), torch.tensor(0.3, dtype=torch.float64)
    check_logistic_step(student, w, b, X, y, 0.5, "(float64)", hint)
    check_logistic_step(student, w.float(), b.float(), X.float(), y.float(), 0.1, "(float32)", hint)
    inputs_unchanged(student, "logistic_regression_step", (w, b, X, y, 0.5), hint)
    no_autograd_in_call(student, "logistic_regression_step", (w, b, X, y, 0.5), hint)


def mlp_reference(X, y, W1, b1, W2, b2):
    params = [p.double().clone().requires_grad_(True) for p in (W1, b1, W2, b2)]
    h = torch.relu(X.double() @ params[0].T + params[1])
    loss = F.cross_entropy(h @ params[2].T + params[3], y)
    grads = torch.autograd.grad(loss, params)
    return loss.item(), dict(zip(("W1", "b1", "W2", "b2"), grads))


def check_mlp(student, args, what, hint):
    X = args[0]
    with hint_on_error("mlp_backward", hint):
        got = student.mlp_backward(*args)
    if not isinstance(got, dict):
        raise StudentError(f"mlp_backward {what}: expected a dict, got {type(got).__name__}\n{hint_marker()} {hint}",
                           "type")
    loss_ref, grads = mlp_reference(*(a.cpu() for a in args))
    missing = [k for k in ("loss", "W1", "b1", "W2", "b2") if k not in got]
    if missing:
        raise StudentError(f"mlp_backward {what}: the dict has no key(s) {missing}\n{hint_marker()} "
                           + tr("return {'loss': float, 'W1': dW1, 'b1': db1, 'W2': dW2, 'b2': db2}.",
                                ko="{'loss': float, 'W1': dW1, 'b1': db1, 'W2': dW2, 'b2': db2}를 반환하세요."),
                           "type")
    if not isinstance(got["loss"], float):
        kind = type(got["loss"]).__name__
        raise StudentError(tr(f"mlp_backward {what}: 'loss' is {kind}; it must be a Python float.\nHint: use "
                              "loss.item().",
                              ko=f"mlp_backward {what}: 'loss'가 {kind}입니다. 파이썬 float여야 합니다.\n힌트: "
                                 "loss.item()을 쓰세요."), "type")
    assert_close(got["loss"], torch.tensor(loss_ref), what=f"mlp_backward {what}: loss", dtype=X.dtype, hint=hint)
    for k in ("W2", "b2", "W1", "b1"):   # from the output back: the first wrong one is where to look
        assert_close(got[k], grads[k], what=f"mlp_backward {what}: gradient '{k}'", dtype=X.dtype,
                     device=X.device, hint=hint)


@pytest.mark.exercise("mlp_backward")
def test_mlp_backward_basic(student):
    """mlp_backward returns the loss and the gradients of W1, b1, W2, b2, by hand."""
    hint = tr("with P = softmax(logits): d_logits = (P - one_hot(y)) / N; dW2 = d_logits.T @ h; "
              "db2 = d_logits.sum(0); dh = d_logits @ W2; da = dh * (a > 0) where a is the pre-activation; "
              "dW1 = da.T @ X; db1 = da.sum(0).",
              ko="P = softmax(logits)일 때 d_logits = (P - one_hot(y)) / N, dW2 = d_logits.T @ h, "
                 "db2 = d_logits.sum(0), dh = d_logits @ W2, da = dh * (a > 0)(a는 활성화 전 값), "
                 "dW1 = da.T @ X, db1 = da.sum(0)입니다.")
    X, y = _randn(5, 4, seed=11), torch.tensor([0, 2, 1, 2, 0])
    args = (X, y, _randn(6, 4, seed=12), _randn(6, seed=13), _randn(3, 6, seed=14), _randn(3, seed=15))
    check_mlp(student, args, "(N=5, D=4, H=6, C=3, float64)", hint)
    check_mlp(student, tuple(a.float() if a.is_floating_point() else a for a in args), "(float32)", hint)
    inputs_unchanged(student, "mlp_backward", args, hint)
    no_autograd_in_call(student, "mlp_backward", args, hint)
