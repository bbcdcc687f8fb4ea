"""Vectorisation by counting: the worker-side counter and the trusted-side verdict, in process
(the course suites exercise both through the worker: see test_course and test_load)."""

from __future__ import annotations

import types

import pytest
import torch

from autograder.scaling import Counts, allowed_growth, describe_growth
from autograder.untrusted.counting import work_counts

SOURCE = '''
import torch

def vectorised(x):
    m = x.amax(dim=1, keepdim=True)
    return (x - m).exp()

def row_loop(x):
    return torch.stack([row.exp() for row in x])

def hidden_loop(x):
    return sum(x)          # Python's sum iterates the rows: no line of ours runs per row

class Fn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2
'''


@pytest.fixture(scope="module")
def module():
    mod = types.ModuleType("submission")
    exec(compile(SOURCE, "<submission>", "exec"), mod.__dict__)
    return mod


def counts(module, name, n):
    rep = work_counts(module, name, torch.randn(n, 3))
    return Counts(n, rep["lines"], rep["torch_ops"])


def test_vectorised_code_does_the_same_work_at_both_sizes(module):
    small, large = counts(module, "vectorised", 100), counts(module, "vectorised", 400)
    assert small.lines == large.lines == 2 and small.torch_ops == large.torch_ops > 0
    assert describe_growth(small, large, "rows") == []
    assert counts(module, "Fn.apply", 10).torch_ops == counts(module, "Fn.apply", 1000).torch_ops


@pytest.mark.parametrize("name,grows", [("row_loop", {"torch operations", "lines of Python"}),
                                        ("hidden_loop", {"torch operations"})])
def test_a_loop_over_rows_grows_and_says_what_was_counted(module, name, grows):
    small, large = counts(module, name, 100), counts(module, name, 400)
    problems = describe_growth(small, large, "rows")
    assert {p.split(" for ")[0].split(" ", 1)[1] for p in problems} == grows
    assert all(" for 100 rows and " in p and " for 400" in p for p in problems)


def test_the_allowed_growth_is_a_few_lines_or_one_per_chunk_of_rows():
    assert allowed_growth(1024, 4096) == (4096 - 1024) // 64
    assert allowed_growth(64, 256) == 8
