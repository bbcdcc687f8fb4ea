"""``autograder.authoring``: one import for test authors. The old import paths keep working
(suites and Gradescope archives already released use them), it brings in nothing of the
service or the notebook helper, it is part of the grade cache key, and a picture reaches the
running test's outcome through the harness's sink by the old path and the new one alike."""

from __future__ import annotations

from pathlib import Path

import nbformat

from autograder import authoring
from autograder.cache_key import ENGINE, engine_files
from autograder.grader import GradeOptions
from batch_fixtures import GOOD, make_course
from test_imports import import_graph

# What suites released before autograder.authoring import, from where (grep of solutions/*/tests
# and AUTHORING_API.md's former sections): each must still import from its old module.
OLD_PATHS = {
    "autograder.compare": ("assert_close", "check_vjp", "expect_raises", "tolerances"),
    "autograder.scaling": ("assert_loop_free",),
    "autograder.harness": ("StudentError", "StudentException", "MissingName", "BadReturnValue",
                           "NotDifferentiable", "StudentAbort", "StudentTimeout", "WorkerCrashed",
                           "ProtocolViolation", "Student", "CallResult", "memo", "attach_image"),
    "autograder.figures": ("loss_curves", "difference_map"),
    "autograder.i18n": ("tr",),
    "autograder": ("strategies", "figures"),
}


def test_every_old_import_path_still_works_and_gives_what_authoring_exports():
    exported = vars(authoring)
    for module, names in OLD_PATHS.items():
        for name in names:
            ns: dict = {}
            exec(f"from {module} import {name} as old", ns)  # the statement a released suite runs
            assert ns["old"] is exported[name], f"{module}.{name} is not authoring.{name}"
    # figures.attach is the one old name authoring does not re-export (it is attach_image now).
    ns = {}
    exec("from autograder.figures import attach", ns)
    assert callable(ns["attach"])


def test_authoring_exports_what_it_lists():
    ns: dict = {}
    exec("from autograder.authoring import *", ns)
    assert set(authoring.__all__) <= set(ns) and len(set(authoring.__all__)) == len(authoring.__all__)
    assert set(OLD_PATHS["autograder.compare"]) | {"assert_loop_free", "strategies", "tr"} <= set(authoring.__all__)


def test_authoring_brings_in_nothing_of_the_service_or_the_notebook_helper():
    # From the source, function-level imports included: what importing it could ever load.
    graph = import_graph(ENGINE)
    seen, todo = set(), ["autograder.authoring"]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += graph[module]
    assert {"autograder.compare", "autograder.harness", "autograder.scaling"} <= seen
    assert not [m for m in seen if m.startswith(("autograder.service", "autograder.notebook", "autograder.cli",
                                                  "autograder.executors"))], sorted(seen)


def test_authoring_and_what_it_imports_are_in_the_grade_cache_key():
    files = {f.relative_to(ENGINE).as_posix() for f in engine_files()}
    assert {"authoring.py", "scaling.py", "compare.py", "figures.py", "strategies.py", "harness.py"} <= files


PICTURES = '''\
import pytest
import torch

from autograder import figures
from autograder.authoring import assert_close, attach_image, loss_curves


@pytest.mark.exercise("add")
def test_add_public(student):
    """add(x, y) is x + y."""
    figures.attach(figures.loss_curves({"a": [1.0, 0.5]}, title="old"), "the old path")
    attach_image(None, "nothing was drawn")
    attach_image(loss_curves({"b": [1.0, 0.25]}, title="new"), "the new path")
    for k in range(3):
        attach_image(loss_curves({"c": [float(k)]}, title="more"), f"past the cap {k}")
    x = torch.arange(4.0)
    assert_close(student.add(x, x), (x + x).double(), dtype=torch.float32, what="add(x, x)")
'''


def test_pictures_reach_the_running_test_by_the_old_and_the_new_path(grader, tmp_path):
    course = make_course(tmp_path / "course")
    (course / "solutions" / "tiny" / "tests" / "public" / "test_public.py").write_text(PICTURES)
    sub = tmp_path / "tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(GOOD)]), sub)
    result = grader.grade(Path(sub), "tiny", GradeOptions(device="cpu", course=course))
    assert result.status == "graded", result.error
    test = next(t for t in result.tests if t.name == "test_add_public")
    assert test.passed, test.message
    # In order, None skipped, at most three per test (the harness's MAX_IMAGES_PER_TEST).
    assert [p.alt for p in test.images] == ["the old path", "the new path", "past the cap 0"]
    assert all(p.png_base64 for p in test.images)
