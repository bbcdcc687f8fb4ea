"""Comparison helpers: what a failure says, and tolerances by dtype."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.compare import assert_close, check_vjp, expect_raises, tolerances
from autograder.harness import NotDifferentiable, StudentError, StudentException


def fails(*args, **kwargs) -> str:
    with pytest.raises(StudentError) as e:
        assert_close(*args, **kwargs)
    return str(e.value)


def test_close_values_pass_within_dtype_tolerance():
    ref = torch.randn(4, 5, dtype=torch.float64)
    assert_close(ref.float(), ref, dtype=torch.float32)
    assert_close(ref.clone(), ref)
    assert_close(np.float32(2.0), torch.tensor(2.0, dtype=torch.float64))
    assert tolerances(torch.float32)[0] > tolerances(torch.float64)[0]


def test_value_mismatch_names_output_worst_index_and_hint():
    ref = torch.zeros(3, 4, dtype=torch.float64)
    got = ref.clone()
    got[2, 1] = 0.5
    got[0, 0] = 0.01
    msg = fails(got, ref, what="softmax(x)", hint="subtract the max")
    assert "softmax(x)" in msg and "2 of 12 elements" in msg
    assert "index (2, 1)" in msg and "got 0.5" in msg and "expected 0" in msg
    assert "max abs error 0.5" in msg and "Hint: subtract the max" in msg


@pytest.mark.parametrize("got,ref,kwargs,phrase", [
    (torch.zeros(2, 3), torch.zeros(3, 2, dtype=torch.float64), {"dtype": torch.float32}, "expected shape (3, 2)"),
    (torch.zeros(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64), {"dtype": torch.float32},
     "expected dtype torch.float32, got torch.float64"),
    (torch.tensor([float("nan")]), torch.tensor([1.0]), {}, "NaN mismatch at index (0,)"),
    (torch.tensor([float("inf")]), torch.tensor([1.0]), {}, "infinity mismatch"),
    ([1, 2], torch.zeros(2), {}, "expected a tensor of shape (2,)"),
    (np.zeros(2, dtype=np.float64), torch.zeros(2), {"dtype": np.float32}, "dtype float32"),
    (torch.zeros(2), torch.zeros(2), {"device": "cuda"}, "on cuda"),
])
def test_mismatches_are_described(got, ref, kwargs, phrase):
    assert phrase in fails(got, ref, **kwargs)


class InProcessStudent:
    """A stand-in for the worker proxy, running a function in this process."""

    def __init__(self, fn, detach=False):
        self.fn, self.detach = fn, detach

    def vjp(self, name, args, kwargs, *, wrt, cotangents):
        args = list(args)
        for i in wrt:
            args[i] = args[i].detach().requires_grad_(True)
        out = self.fn(*args, **kwargs)
        if self.detach:
            out = out.detach()
        if not out.requires_grad:
            raise NotDifferentiable("not connected")
        grads = torch.autograd.grad(out, [args[i] for i in wrt], cotangents, allow_unused=True)
        return out.detach(), grads


def test_check_vjp_accepts_correct_gradients_and_names_the_wrong_one():
    x, w = torch.randn(3, 4), torch.randn(4, 2)
    check_vjp(InProcessStudent(lambda a, b: a @ b), "mm", (x, w), lambda a, b: a @ b, wrt=(0, 1))
    with pytest.raises(StudentError, match="gradient with respect to argument 1"):
        # Forward right (the added term is zero), backward wrong: b's gradient doubles.
        wrong = lambda a, b: a @ b + a.detach() @ (b - b.detach())
        check_vjp(InProcessStudent(wrong), "mm", (x, w), lambda a, b: a @ b, wrt=(0, 1))
    with pytest.raises(NotDifferentiable):
        check_vjp(InProcessStudent(lambda a, b: a @ b, detach=True), "mm", (x, w), lambda a, b: a @ b)


def test_expect_raises():
    def raises_value_error(*a):
        raise StudentException("f raised ValueError", ["ValueError", "Exception"], "bad label")

    def raises_index_error(*a):
        raise StudentException("f raised IndexError", ["IndexError", "LookupError"], "oops")

    assert expect_raises(ValueError, raises_value_error).exc_message == "bad label"
    with pytest.raises(StudentError, match="raised IndexError .*expected ValueError"):
        expect_raises(ValueError, raises_index_error)
    with pytest.raises(StudentError, match="returned normally"):
        expect_raises(ValueError, lambda: 1)
