"""Hostile submissions checked beyond their grade: what the output cap keeps, and what a
forged results.json next to the CLI does. The attack corpus (tests/attacks/, graded by
test_attacks.py on both backends) holds the rest.

Every submission here is the real solution plus a patch, so a correct grader gives
exactly the points of the functions the patch leaves alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


from autograder.grader import GradeOptions

from conftest import IS_ROOT, ROOT

AID = "01_tensors"


def grade(grader, path: Path):
    return grader.grade(path, AID, GradeOptions(device="cpu"))


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


# The corpus's forged-results attack, here run through the CLI in a folder of its own.
RESULTS_WRITER = (ROOT / "tests" / "attacks" / "forged_results_files.py").read_text(encoding="utf-8")
FORGED = {"score": 100, "tests": [], "output": "ag-attack: forged results"}


def test_results_written_by_the_student_are_ignored(tmp_path, make_submission):
    sub = make_submission(RESULTS_WRITER)
    work = tmp_path / "cwd"
    work.mkdir()
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(ROOT), "grade", str(sub),
                           "--device", "cpu"], cwd=work, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((work / "results.json").read_text())
    assert FORGED["output"] not in json.dumps(data)
    failed = {tag for t in data["tests"] if t["status"] == "failed" for tag in t["tags"]}
    assert failed == {"to_numpy"} and 0 < data["score"] < 100
    if IS_ROOT:  # the worker's /tmp is private and it cannot write anywhere it could be read back
        assert not Path("/tmp/results.json").exists() or json.loads(Path("/tmp/results.json").read_text()) != FORGED
        assert not (tmp_path / "results.json").exists()
