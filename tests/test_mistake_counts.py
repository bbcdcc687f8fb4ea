"""The class view of known mistakes (mistake_counts.py) and its writers: the class report's
section and the CSV's ``mistakes:EXERCISE`` columns, on results built by hand; the end-to-end
test grades a known mutant for real and reads what the batch's writers make of it."""

from __future__ import annotations

import csv
import io

import pytest

from autograder import i18n
from autograder.config import AssignmentConfig, assignment_paths
from autograder.csv_export import write_csv
from autograder.gradebook import Gradebook
from autograder.mistake_counts import count, diagnosed
from autograder.report import build_html
from autograder.results import Diagnosis, GradeResult, TestResult
from batch_fixtures import make_course

SIGN = Diagnosis("add_subtracts", "add", {"en": "You subtracted instead of adding.", "ko": "더하지 않고 뺐습니다."},
                 "This looks like a known mistake: You subtracted instead of adding.")
SWAP = Diagnosis("add_swapped", "add", {"en": "You swapped the arguments."})
OFFSET = Diagnosis("scale_adds", "scale", {"en": "You added the factor instead of multiplying by it."})


def _test(name: str, ex: str, diagnosis: Diagnosis | None = None, passed: bool = False) -> TestResult:
    return TestResult(name, "1", (ex,), 1.0 if passed else 0.0, 1.0, "passed" if passed else "failed", "hidden",
                      "" if passed else f"{name} failed", "doc", diagnosis=None if passed else diagnosis)


def _result(*tests: TestResult, status: str = "graded") -> GradeResult:
    return GradeResult("tiny", "x.py", sha256="s", status=status, tests=list(tests), possible=3)


CLASS = {
    # Two tests show the same mistake: alice counts once for it.
    "alice": _result(_test("test_add_public", "add", SIGN), _test("test_add_hidden", "add", SIGN),
                     _test("test_scale_hidden", "scale", OFFSET)),
    "bob": _result(_test("test_add_public", "add", SIGN), _test("test_add_hidden", "add"),
                   _test("test_scale_hidden", "scale", passed=True)),
    "carol": _result(_test("test_add_public", "add", SWAP), _test("test_add_hidden", "add", SIGN),
                     _test("test_scale_hidden", "scale", passed=True)),
    "dave": _result(_test("test_add_public", "add", passed=True)),  # no mistake
    "erin": _result(status="ungradable"),
}


def test_count_per_exercise_most_common_first_each_student_once():
    got = count(CLASS.items(), ["add", "scale"])
    assert list(got) == ["add", "scale"]
    add = got["add"]
    assert [(r.mistake, r.count, r.students) for r in add] == [
        ("add_subtracts", 3, ("alice", "bob", "carol")), ("add_swapped", 1, ("carol",))]
    assert [(r.mistake, r.students) for r in got["scale"]] == [("scale_adds", ("alice",))]
    # The misconception in the viewer's language; English where the course wrote no other.
    assert add[0].text("ko") == "더하지 않고 뺐습니다." and add[0].text("en") == "You subtracted instead of adding."
    assert add[1].text("ko") == "You swapped the arguments."


def test_ties_go_by_name_and_an_exercise_without_mistakes_is_left_out():
    results = [("x", _result(_test("t", "add", SWAP))), ("y", _result(_test("t", "add", SIGN)))]
    got = count(results, ["scale", "add"])
    assert list(got) == ["add"] and [r.mistake for r in got["add"]] == ["add_subtracts", "add_swapped"]
    assert count([("dave", CLASS["dave"]), ("erin", CLASS["erin"])], ["add"]) == {}


def test_a_diagnosis_without_its_exercise_counts_under_the_tests():
    older = Diagnosis("add_subtracts", "", {"en": "x"})  # recorded before diagnoses named their exercise
    assert diagnosed(_result(_test("t", "add", older))) == {"add": ["add_subtracts"]}
    assert diagnosed(CLASS["alice"]) == {"add": ["add_subtracts"], "scale": ["scale_adds"]}
    assert diagnosed(CLASS["erin"]) == {}


@pytest.fixture
def tiny_class(tmp_path):
    """The CLASS in a gradebook of the tiny course, read back as the batch's writers get it."""
    course = make_course(tmp_path / "course")
    cfg = AssignmentConfig.load(assignment_paths("tiny", course).config)
    with Gradebook(tmp_path / "g.db") as gb:
        for i, (student, result) in enumerate(CLASS.items()):
            gb.set_current("tiny", student, "x.py", str(i), "suite", None)
            gb.record("tiny", student, str(i), "suite", result, 0.1)
        return gb.entries(cfg), cfg


def test_csv_has_a_mistakes_column_per_exercise_at_the_end(tiny_class):
    entries, cfg = tiny_class
    out = io.StringIO(newline="")
    write_csv(entries, cfg, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    # The columns before stay where they were; one mistakes column per exercise follows.
    assert rows[0] == ["student", "status", "submitted_at", "late_days", "add", "scale", "raw", "max_score",
                       "penalty", "final", "submission_sha256", "mistakes:add", "mistakes:scale"]
    by = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert by["alice"]["mistakes:add"] == "add_subtracts" and by["alice"]["mistakes:scale"] == "scale_adds"
    assert by["bob"]["mistakes:add"] == "add_subtracts" and by["carol"]["mistakes:add"] == "add_subtracts; add_swapped"
    assert by["dave"]["mistakes:add"] == by["erin"]["mistakes:add"] == by["bob"]["mistakes:scale"] == ""


def test_report_lists_known_mistakes_with_counts_and_students(tiny_class):
    entries, cfg = tiny_class
    page = build_html(entries, cfg)
    section = page[page.index('id="mistakes-h"'):page.index('id="students"')]
    assert "Known mistakes" in section
    first = section.index('data-mistake="add_subtracts" data-count="3"')
    assert first < section.index('data-mistake="add_swapped" data-count="1"')  # most common first
    assert "You subtracted instead of adding." in section and "alice, bob, carol" in section
    assert 'data-exercise="scale"' in section and "scale_adds" in section
    with i18n.using("ko"):
        ko = build_html(entries, cfg)
    assert "알려진 실수" in ko and "더하지 않고 뺐습니다." in ko


def test_report_escapes_students_and_says_when_nothing_matched(tmp_path):
    course = make_course(tmp_path / "course")
    cfg = AssignmentConfig.load(assignment_paths("tiny", course).config)
    hostile = "<script>alert(1)</script>"
    with Gradebook(tmp_path / "g.db") as gb:
        gb.set_current("tiny", hostile, "x.py", "1", "suite", None)
        gb.record("tiny", hostile, "1", "suite", CLASS["bob"], 0.1)
        gb.set_current("tiny", "dave", "x.py", "2", "suite", None)
        gb.record("tiny", "dave", "2", "suite", CLASS["dave"], 0.1)
        page = build_html(gb.entries(cfg), cfg)
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        gb.set_current("tiny", hostile, "x.py", "3", "suite", None)
        gb.record("tiny", hostile, "3", "suite", CLASS["dave"], 0.1)
        assert 'id="no-mistakes"' in build_html(gb.entries(cfg), cfg)
