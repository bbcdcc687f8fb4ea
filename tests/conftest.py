"""Shared fixtures: one warm grader (zygote) for the whole test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IS_ROOT = os.geteuid() == 0

# `make test` runs two pytest-xdist workers. Each group below runs whole, in one worker, in order
# (GroupScheduling). A module is its own group (its module-scoped servers and gradings are made
# once), except where modules share what must not be made twice or at once:
GROUPS = {
    # the Docker engine: one image, and test_faults restarts the daemon under the others' feet
    "docker": ("test_attacks", "test_docker", "test_docker_gradescope", "test_faults", "test_stress",
               "test_packaging"),
    # the session's validations (Validations below): graded once, judged by all of these
    "validation": ("test_course", "test_diagnosis", "test_figures", "test_load"),
    # Ray clusters on this machine's ports
    "ray": ("test_ray", "test_service_ray"),
}
_GROUP_OF = {module: group for group, modules in GROUPS.items() for module in modules}
_FIRST = ("docker", "validation")  # the longest groups start first, so no worker waits at the end


def _group(module: str) -> str:
    return _GROUP_OF.get(module, module)


def pytest_xdist_make_scheduler(config, log):
    """xdist's own scheduler by scope, with the scope of a test being its module's group
    (xdist's `loadgroup` marks no longer reach the test ids under pytest 9)."""
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _group(nodeid.split("::", 1)[0].rpartition("/")[2].removesuffix(".py"))

    return GroupScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    rank = {g: i for i, g in enumerate(_FIRST)}
    items.sort(key=lambda i: rank.get(_group(i.module.__name__.rpartition(".")[2]), len(rank)))


@pytest.fixture(scope="session")
def course() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def grader():
    from autograder.grader import Grader

    with Grader() as g:
        yield g


class Validations:
    """``validation(aid) -> (checks, results by variant label)``: `autograder validate` run once
    per session and assignment. test_course judges the checks; the load and Docker tests compare
    their verdicts with these unloaded local ones instead of grading everything a second time.
    ``validation.variant(aid, label)``: one variant's result, the validation's when it ran
    already (test_course runs first), else graded alone."""

    def __init__(self, grader):
        self.grader = grader
        self.done: dict = {}

    def __call__(self, aid: str):
        from autograder.validate import validate_assignment

        if aid not in self.done:
            graded: dict = {}
            self.done[aid] = (validate_assignment(self.grader, ROOT, aid, device="cpu", graded=graded), graded)
        return self.done[aid]

    def variant(self, aid: str, label: str):
        from autograder.config import assignment_paths
        from autograder.grader import GradeOptions
        from autograder.validate import variants

        if aid in self.done:
            return self.done[aid][1][label]
        found = next(v for v in variants(ROOT, aid)[0] if v.label == label)
        return self.grader.grade(assignment_paths(aid, ROOT).notebook, aid, GradeOptions(device="cpu", course=ROOT),
                                 submission=found.submission)


@pytest.fixture(scope="session")
def validation(grader) -> Validations:
    return Validations(grader)


@pytest.fixture(scope="session")
def solution_source(course) -> str:
    """The 01_tensors solution as plain Python (its notebook's code cells, demos skipped)."""
    from autograder.submission import load_submission

    sub = load_submission(course / "solutions/01_tensors/01_tensors.ipynb", "01_tensors")
    return "\n\n".join(c.source for c in sub.cells)


@pytest.fixture
def make_submission(tmp_path, solution_source):
    """Write a 01_tensors.py: the solution (or not) followed by a patch."""

    def make(patch: str = "", *, base: bool = True, name: str = "01_tensors.py") -> Path:
        path = tmp_path / name
        path.write_text((solution_source + "\n\n" if base else "") + patch, encoding="utf-8")
        return path

    return make


# ----------------------------------------------------------------------------- Docker
# One grading image and one docker backend (with its prestarted spare) for every Docker
# test module: the Docker, attack and fault tests share them.

@pytest.fixture(scope="session")
def docker_image():
    from docker_helpers import engine, grading_image

    return grading_image(engine())


@pytest.fixture(scope="session")
def backend(docker_image):
    from autograder.backends import make_backend

    with make_backend("docker", image=docker_image) as b:
        yield b


@pytest.fixture(scope="session")
def docker_grader(backend):
    from autograder.grader import Grader

    return Grader(backend=backend)  # the backend fixture closes it
