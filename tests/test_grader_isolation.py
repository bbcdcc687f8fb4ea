"""One grading process, several assignments: each run collects its own test files, even when
two assignments name them alike (tests/public/test_public.py), and whatever pytest options
its environment holds."""

from __future__ import annotations

import os
from pathlib import Path

from autograder.grader import GradeOptions

TOML = """[assignment]
id = "{aid}"
total_points = 2
exercises = ["answer"]

[tests.test_{aid}_public]
points = 1

[tests.test_{aid}_hidden]
points = 1
"""

TEST = """import pytest

@pytest.mark.exercise("answer")
def test_{aid}_{kind}(student):
    \"\"\"answer() returns {value}.\"\"\"
    assert student.answer() == {value}, "answer() differs\\nHint: return {value}"
"""


def _assignment(course: Path, aid: str, value: int) -> Path:
    sol = course / "solutions" / aid
    for kind in ("public", "hidden"):
        (sol / "tests" / kind).mkdir(parents=True)
        (sol / "tests" / kind / f"test_{kind}.py").write_text(TEST.format(aid=aid, kind=kind, value=value))
    (sol / "assignment.toml").write_text(TOML.format(aid=aid))
    sub = course / f"{aid}.py"
    sub.write_text(f"def answer():\n    return {value}\n")
    return sub


def test_same_test_file_names_in_two_assignments(grader, tmp_path):
    subs = {aid: _assignment(tmp_path, aid, value) for aid, value in (("a1", 1), ("a2", 2))}
    for _ in range(2):  # and again, in the same process
        for aid, sub in subs.items():
            res = grader.grade(sub, aid, GradeOptions(device="cpu", course=tmp_path))
            assert res.status == "graded", res.error
            assert sorted(t.name for t in res.tests) == [f"test_{aid}_hidden", f"test_{aid}_public"]
            assert res.score == 2


def test_the_environments_pytest_options_do_not_reach_a_grading(grader, tmp_path, monkeypatch):
    """pytest.main reads PYTEST_ADDOPTS: an operator's or a CI's options (stop at the first
    failure, write a report) would change how every submission is graded."""
    sub = _assignment(tmp_path, "a1", 1)
    sub.write_text("def answer():\n    return 0\n")  # fails both tests
    report = tmp_path / "leak.xml"
    monkeypatch.setenv("PYTEST_ADDOPTS", f"-x --junitxml={report}")
    res = grader.grade(sub, "a1", GradeOptions(device="cpu", course=tmp_path))
    assert res.status == "graded", res.error
    assert sorted((t.name, t.passed) for t in res.tests) == [("test_a1_hidden", False), ("test_a1_public", False)]
    assert not report.exists()
    assert os.environ["PYTEST_ADDOPTS"] == f"-x --junitxml={report}", "the caller's environment is left as it was"
