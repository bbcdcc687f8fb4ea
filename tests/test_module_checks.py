"""Classes and nn.Modules as exercises: `check_module` builds the student's module in the
worker (the probe `run_module`) and compares keys, outputs and gradients with a reference;
the course's `helpers.py` is one module the tests and the probes share."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder import cli
from autograder.grader import GradeOptions

AID = "05_mods"

SOLUTION = """
import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.linear = nn.Linear(d, d)

    def forward(self, x):
        return x + self.linear(torch.relu(x))
"""

HELPERS = '''"""Shared by the tests (trusted) and the probes (worker)."""
import torch
from torch import nn


def make_input(n, d, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=g)


class ReferenceResidual(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.linear = nn.Linear(d, d)

    def forward(self, x):
        return x + self.linear(torch.relu(x))
'''

PROBES = '''import helpers
from autograder.untrusted.modules import run_module  # noqa: F401  (a probe)


def output_shape(module, n):
    """Runs the student's Residual on the helpers' input, inside the worker."""
    return list(module.Residual(4)(helpers.make_input(n, 4, 0)).shape)
'''

PUBLIC = '''import pytest

from autograder.authoring import check_module, course_helpers

helpers = course_helpers(__file__)


@pytest.mark.exercise("Residual")
def test_Residual_basic(student):
    """Residual matches the reference."""
    run = check_module(student, "Residual", helpers.ReferenceResidual, args=(4,),
                       inputs=(helpers.make_input(3, 4, seed=1),), hint="Residual: keep self.linear. Hint: x + ...")
    assert run.parameter_names == ("linear.weight", "linear.bias")
    assert student.probe("output_shape", 5) == [5, 4], "Residual changed the shape. Hint: add, do not concatenate."
'''


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("course")
    assert cli.main(["--course", str(course), "new", AID, "--exercise", "Residual", "--languages", "en"]) == 0
    sol = course / "solutions" / AID
    (sol / "tests" / "public" / "helpers.py").write_text(HELPERS)
    (sol / "tests" / "public" / "test_public.py").write_text(PUBLIC)
    (sol / "tests" / "hidden" / "test_hidden.py").unlink()
    (sol / "probes.py").write_text(PROBES)
    toml = sol / "assignment.toml"
    toml.write_text(toml.read_text().replace("total_points = 10", "total_points = 4")
                    .replace("[tests.test_Residual_gradient]\npoints = 6\n", ""))
    return course


def _grade(grader, course: Path, tmp_path: Path, source: str):
    path = tmp_path / f"{AID}.py"
    path.write_text(source)
    return grader.grade(path, AID, GradeOptions(course=course))


def test_a_correct_module_keeps_its_points(course, tmp_path, grader):
    res = _grade(grader, course, tmp_path, SOLUTION)
    assert res.status == "graded" and res.score == 4, [t.message for t in res.tests]


@pytest.mark.parametrize("bug,phrase", [
    ("self.fc = self.linear", "state_dict keys"),  # an extra key: the contract names the keys
    ("self.linear.weight.requires_grad_(False)", "gradient of parameter linear.weight"),
])
def test_a_wrong_module_is_named_by_what_differs(course, tmp_path, grader, bug, phrase):
    source = SOLUTION.replace("self.linear = nn.Linear(d, d)", f"self.linear = nn.Linear(d, d)\n        {bug}")
    res = _grade(grader, course, tmp_path, source)
    (test,) = res.tests
    assert not test.passed and phrase in test.message and "Hint:" in test.message, test.message


def test_the_release_ships_the_helpers(course):
    assert cli.main(["--course", str(course), "release", AID]) == 0
    assert (course / "assignments" / AID / "tests" / "helpers.py").read_text() == HELPERS
