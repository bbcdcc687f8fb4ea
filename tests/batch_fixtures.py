"""A tiny course for the batch tests: grading one submission takes milliseconds, so the
tests exercise the batch machinery (resume, cache, regrade, executors), not 01_tensors."""

from __future__ import annotations

import textwrap
from pathlib import Path

# What a batch or a Ray node started, and whether it still runs: the engine's own reaping
# module, so a test's "nothing is left" means what the server's stop means.
from autograder.processes import alive, descendants  # noqa: F401 - the tests import them from here

TOML = """\
[assignment]
id = "tiny"
title = "Tiny"
total_points = 10
exercises = ["add", "scale"]
import_budget_s = 20
default_timeout_s = 10
memory_mb = 4096
due = "2026-12-01T00:00:00+00:00"
late_penalty_per_day = 0.25

[tests.test_add_public]
points = 3

[tests.test_add_hidden]
points = 3

[tests.test_scale_hidden]
points = 4
"""

PUBLIC = '''\
import pytest
import torch

from autograder.compare import assert_close


@pytest.mark.exercise("add")
def test_add_public(student):
    """add(x, y) is x + y."""
    x = torch.arange(4.0)
    assert_close(student.add(x, x), (x + x).double(), dtype=torch.float32, what="add(x, x)")
'''

HIDDEN = '''\
import pytest
import torch

from autograder.compare import assert_close


@pytest.mark.exercise("add")
def test_add_hidden(student):
    """add keeps float64."""
    x = torch.linspace(-1, 1, 5, dtype=torch.float64)
    assert_close(student.add(x, 2 * x), 3 * x, what="add(x, 2x)")


@pytest.mark.exercise("scale")
def test_scale_hidden(student):
    """scale(x, a) is a * x."""
    x = torch.linspace(-1, 1, 5, dtype=torch.float64)
    assert_close(student.scale(x, 3.0), 3 * x, what="scale(x, 3)")
'''

GOOD = "def add(x, y):\n    return x + y\n\n\ndef scale(x, a):\n    return a * x\n"
NO_SCALE = "def add(x, y):\n    return x + y\n\n\ndef scale(x, a):\n    return x + a\n"
BAD_ADD = "def add(x, y):\n    return x - y\n\n\ndef scale(x, a):\n    return a * x\n"
CRASH = "import os\nos._exit(3)\n"

EXPECTED = {GOOD: 10.0, NO_SCALE: 6.0, BAD_ADD: 4.0, CRASH: 0.0}


def make_course(root: Path, solution: str | None = GOOD) -> Path:
    """solutions/tiny with its tests and (unless None) a reference notebook holding ``solution``."""
    sol = root / "solutions" / "tiny"
    (sol / "tests" / "public").mkdir(parents=True)
    (sol / "tests" / "hidden").mkdir(parents=True)
    (sol / "assignment.toml").write_text(TOML)
    (sol / "tests" / "public" / "test_public.py").write_text(PUBLIC)
    (sol / "tests" / "hidden" / "test_hidden.py").write_text(HIDDEN)
    if solution is not None:
        import nbformat

        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(solution)])
        nbformat.write(nb, sol / "tiny.ipynb")
    return root


def make_class(folder: Path, sources: dict[str, str], sleep: float = 0.0) -> dict[str, float]:
    """``<student>.py`` files; ``sleep`` seconds at import pace the batch. Returns expected raw scores."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for student, src in sources.items():
        pre = f"import time\ntime.sleep({sleep})\n" if sleep else ""
        (folder / f"{student}.py").write_text(pre + textwrap.dedent(src))
        expected[student] = EXPECTED[src]
    return expected
