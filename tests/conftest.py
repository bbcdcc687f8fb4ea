"""Shared fixtures: one warm grader (zygote) for the whole test session."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
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
# The attack corpus on the local backend needs no Docker engine: its own group, beside the Docker one.
_SPLIT = {("test_attacks", "[local"): "attacks-local"}
_FIRST = ("docker", "validation", "attacks-local")  # the longest start first, so no worker waits at the end


def _group(nodeid: str) -> str:
    module = nodeid.split("::", 1)[0].rpartition("/")[2].removesuffix(".py")
    for (mod, part), group in _SPLIT.items():
        if module == mod and part in nodeid:
            return group
    return _GROUP_OF.get(module, module)


def pytest_xdist_make_scheduler(config, log):
    """xdist's own scheduler by scope, with the scope of a test being its group (xdist's
    `loadgroup` marks no longer reach the test ids under pytest 9)."""
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _group(nodeid)

    return GroupScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    rank = {g: i for i, g in enumerate(_FIRST)}
    items.sort(key=lambda i: rank.get(_group(i.nodeid), len(rank)))


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
    per test run and assignment. test_course judges the checks; the load and Docker tests compare
    their verdicts with these unloaded local ones instead of grading everything a second time.
    ``validation.variant(aid, label)``: one variant's result, the validation's when it ran
    already (test_course runs first), else graded alone.

    Under pytest-xdist (``shared``: a folder all workers of the run see) the first worker to
    ask validates while holding a lock and leaves the results there; another worker asking
    waits for them instead of grading the same hundred variants again."""

    def __init__(self, grader, shared: Path | None = None):
        self.grader = grader
        self.shared = shared
        self.done: dict = {}

    def __call__(self, aid: str):
        if aid not in self.done:
            if self.shared is None:
                self.done[aid] = self._validate(aid)
            else:
                with self._locked(aid):
                    self.done[aid] = self._stored(aid) or self._store(aid, self._validate(aid))
        return self.done[aid]

    def variant(self, aid: str, label: str):
        from autograder.config import assignment_paths
        from autograder.grader import GradeOptions
        from autograder.validate import variants

        if aid not in self.done and self.shared is not None and (stored := self._stored(aid)):
            self.done[aid] = stored
        if aid in self.done:
            return self.done[aid][1][label]
        found = next(v for v in variants(ROOT, aid)[0] if v.label == label)
        return self.grader.grade(assignment_paths(aid, ROOT).notebook, aid, GradeOptions(device="cpu", course=ROOT),
                                 submission=found.submission)

    def _validate(self, aid: str):
        from autograder.validate import validate_assignment

        graded: dict = {}
        return validate_assignment(self.grader, ROOT, aid, device="cpu", graded=graded), graded

    @contextlib.contextmanager
    def _locked(self, aid: str):
        with open(self.shared / f"validation-{aid}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            yield

    def _stored(self, aid: str):
        from autograder.results import result_from_dict
        from autograder.validate import Check

        path = self.shared / f"validation-{aid}.json"
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return ([Check(**c) for c in data["checks"]],
                {label: result_from_dict(r) for label, r in data["graded"].items()})

    def _store(self, aid: str, done):
        checks, graded = done
        path = self.shared / f"validation-{aid}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"checks": [dataclasses.asdict(c) for c in checks],
                                   "graded": {label: r.to_dict() for label, r in graded.items()}}), encoding="utf-8")
        tmp.replace(path)  # a reader without the lock (variant) never sees half a file
        return done


@pytest.fixture(scope="session")
def validation(grader, tmp_path_factory, worker_id) -> Validations:
    # xdist's workers' temporary folders are siblings under one root for the run.
    return Validations(grader, None if worker_id == "master" else tmp_path_factory.getbasetemp().parent)


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
