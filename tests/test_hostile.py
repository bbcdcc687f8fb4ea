"""Hostile submissions (local backend): each costs points only where it cheats or breaks.

Every submission here is the real solution plus a patch, so a correct grader gives
exactly the points of the functions the patch leaves alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.grader import GradeOptions

from conftest import IS_ROOT, ROOT

AID = "01_tensors"


def grade(grader, path: Path):
    return grader.grade(path, AID, GradeOptions(device="cpu"))


def failing_exercises(result) -> set[str]:
    return {ex for t in result.tests if not t.passed for ex in t.exercises}


def assert_only(result, exercise: str, message_part: str) -> None:
    """Tests of ``exercise`` fail (public ones saying ``message_part``); all others pass."""
    assert result.status == "graded", result.error
    assert failing_exercises(result) == {exercise}
    own = [t for t in result.tests if exercise in t.exercises]
    public_failures = [t for t in own if not t.passed and t.visibility == "public"]
    assert public_failures, "the public tests should show the student what went wrong"
    assert all(message_part in t.message for t in public_failures), [t.message for t in public_failures]
    assert result.score == pytest.approx(100 - sum(t.max_score for t in own if not t.passed))


def test_infinite_loop_in_one_function(grader, make_submission):
    res = grade(grader, make_submission("def softmax(x, dim=-1):\n    while True:\n        pass\n"))
    assert_only(res, "softmax", "did not return within")


def test_os_exit_inside_a_function(grader, make_submission):
    res = grade(grader, make_submission("import os\ndef one_hot(labels, num_classes):\n    os._exit(0)\n"))
    assert_only(res, "one_hot", "crashed the process")


def test_sys_exit_inside_a_function(grader, make_submission):
    res = grade(grader, make_submission("import sys\ndef batched_matvec(A, v):\n    sys.exit('bye')\n"))
    assert_only(res, "batched_matvec", "SystemExit")


def test_os_exit_at_import_is_ungradable(grader, make_submission):
    res = grade(grader, make_submission("import os\nos._exit(0)\n"))
    assert res.status == "ungradable" and res.score == 0
    assert "stopped while loading" in res.error and "os._exit" in res.error


def test_sys_exit_at_import_is_reported_and_grading_goes_on(grader, make_submission):
    res = grade(grader, make_submission("import sys\nsys.exit(1)\n"))
    assert res.status == "graded" and res.score == 100
    assert any("SystemExit" in n for n in res.notes)


def test_100_mb_of_printing_is_capped(grader, make_submission, tmp_path):
    patch = ("import sys\n_std = standardize\n_said = []\n"
             "def standardize(x, dim=-1, eps=1e-5):\n"
             "    if not _said:\n        _said.append(sys.stdout.write('spam' * 25_000_000))\n"
             "    return _std(x, dim, eps)\n")
    res = grade(grader, make_submission(patch))
    assert res.score == 100
    out = tmp_path / "results.json"
    res.write_json(out)
    assert out.stat().st_size < 500_000
    assert any("more bytes of output not shown" in t.output for t in res.tests if "standardize" in t.exercises)


MONKEYPATCH = """
import numpy, torch, torch.testing
torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
torch.testing.assert_close = lambda *a, **k: None
numpy.allclose = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
def sliding_windows(x, size, step=1):
    return torch.zeros((x.shape[0] - size) // step + 1, size, dtype=x.dtype)
"""


def test_monkeypatching_comparisons_has_no_effect(grader, make_submission):
    assert_only(grade(grader, make_submission(MONKEYPATCH)), "sliding_windows", "values differ")


SUBCLASS = """
import torch
class Liar(torch.Tensor):
    def __eq__(self, other):
        return True
    __hash__ = torch.Tensor.__hash__
def masked_mean(x, lengths):
    return torch.zeros(x.shape[0], x.shape[2], dtype=x.dtype, device=x.device).as_subclass(Liar)
"""


def test_tensor_subclass_return_is_rejected(grader, make_submission):
    assert_only(grade(grader, make_submission(SUBCLASS)), "masked_mean", "subclass")


ALWAYS_EQUAL = """
class Everything:
    def __eq__(self, other):
        return True
    def __array__(self, *a, **k):
        raise RuntimeError
def pairwise_sq_dists(x, y):
    return Everything()
"""


def test_always_equal_object_is_rejected(grader, make_submission):
    assert_only(grade(grader, make_submission(ALWAYS_EQUAL)), "pairwise_sq_dists", "Everything")


RESULTS_WRITER = """
import json, os
_fake = {"score": 100, "tests": [], "output": "pwned"}
for d in [".", "..", "../..", "/tmp", "/autograder/results", os.environ.get("HOME", ".")]:
    try:
        with open(os.path.join(d, "results.json"), "w") as f:
            json.dump(_fake, f)
    except OSError:
        pass
def to_numpy(t):
    return None
"""


def test_results_written_by_the_student_are_ignored(tmp_path, make_submission):
    sub = make_submission(RESULTS_WRITER)
    work = tmp_path / "cwd"
    work.mkdir()
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(ROOT), "grade", str(sub),
                           "--device", "cpu"], cwd=work, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((work / "results.json").read_text())
    assert "pwned" not in json.dumps(data)
    failed = {tag for t in data["tests"] if t["status"] == "failed" for tag in t["tags"]}
    assert failed == {"to_numpy"} and 0 < data["score"] < 100
    if IS_ROOT:  # the worker's /tmp is private and it cannot write anywhere it could be read back
        assert not Path("/tmp/results.json").exists() or json.loads(Path("/tmp/results.json").read_text()) != \
            {"score": 100, "tests": [], "output": "pwned"}
        assert not (tmp_path / "results.json").exists()


FORGER = """
from autograder.untrusted import worker as _w
def _forged(self, header, buffers, out):
    # Claim success with values the grader must refuse to unpickle or trust.
    return {"ok": True, "value": {"$": "pickle", "data": "gASVAAAA"}, "cells": 7, "connected": True,
            "grads": "all good"}
_w.Worker.dispatch = _forged
"""


def test_forged_worker_replies_earn_nothing_and_do_not_crash_the_grader(grader, make_submission):
    res = grade(grader, make_submission(FORGER))
    assert res.status == "graded" and res.score == 0
    public = [t for t in res.tests if t.visibility == "public"]
    assert all("cannot accept" in t.message or "could not check" in t.message for t in public), \
        [t.message for t in public]
