"""The class view of known mistakes (mistake_counts.py) and its writers: the class report's
section and the CSV's ``mistakes:EXERCISE`` columns, on results built by hand; the end-to-end
test grades a known mutant for real and reads what the batch's writers make of it."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from autograder import i18n
from autograder.config import AssignmentConfig, assignment_paths
from autograder.csv_export import write_csv
from autograder.gradebook import Gradebook
from autograder.mistake_counts import count, diagnosed
from autograder.report import build_html
from autograder.results import Diagnosis, GradeResult, TestResult
from batch_fixtures import make_course

SIGN = Diagnosis("add_subtracts", "add",
                 {"en": "You subtracted instead of adding.", "ko": "더하지 않고 뺐습니다."},
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
    assert add[0].text("ko") == "더하지 않고 뺐습니다."
    assert add[0].text("en") == "You subtracted instead of adding."
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


# ---------------------------------------------------------------------------- graded for real

MUTANT = "solutions/01_tensors/mutants/standardize_unbiased_var.py"
DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.slow
def test_a_known_mistake_graded_for_real_is_counted_in_the_csv_and_the_report(grader, course, make_submission,
                                                                               tmp_path):
    """Two students submit a known mutant's code, one the solution: each is graded by the real
    grader (the committed fingerprints diagnose it), then written as ``batch`` writes them."""
    from autograder.batch import write_csv_file
    from autograder.grader import GradeOptions
    from autograder.report import write_report

    paths = assignment_paths("01_tensors", course)
    cfg = AssignmentConfig.load(paths.config)
    mutant = (course / MUTANT).read_text(encoding="utf-8")
    options = GradeOptions(device="cpu", course=course)
    submissions = {"ana": make_submission(mutant, name="ana.py"),
                   "ben": make_submission("# my own copy\n" + mutant, name="ben.py"),
                   "cho": make_submission("", name="cho.py")}
    with Gradebook(tmp_path / "g.db") as gb:
        for i, (student, path) in enumerate(submissions.items()):
            result = grader.grade(path, "01_tensors", options)
            gb.set_current("01_tensors", student, path.name, str(i), "suite", None)
            gb.record("01_tensors", student, str(i), "suite", result, 0.1)
        entries = gb.entries(cfg)
    results = {e.student: e.result for e in entries}
    assert results["cho"].score == cfg.total_points
    named = {t.diagnosis.mistake for t in results["ana"].tests if t.diagnosis is not None}
    assert named == {"standardize_unbiased_var"}, "the mutant's failed tests are not diagnosed as it"
    # 1 mistake, 2 students: in the aggregation, the CSV and the report.
    got = count(results.items(), cfg.exercises)
    assert [(ex, [(r.mistake, r.students) for r in rows]) for ex, rows in got.items()] == [
        ("standardize", [("standardize_unbiased_var", ("ana", "ben"))])]
    write_csv_file(entries, cfg, tmp_path / "class.csv")
    with (tmp_path / "class.csv").open(newline="", encoding="utf-8") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert [rows[s]["mistakes:standardize"] for s in ("ana", "ben", "cho")] == [
        "standardize_unbiased_var", "standardize_unbiased_var", ""]
    assert all(rows[s][f"mistakes:{ex}"] == "" for s in rows for ex in cfg.exercises if ex != "standardize")
    write_report(entries, cfg, tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count("data-mistake=") == 1 and 'data-mistake="standardize_unbiased_var" data-count="2"' in page
    misconception = got["standardize"][0].text("en")
    assert misconception and misconception in page.replace("&#x27;", "'") and "ana, ben" in page
    if os.environ.get("AUTOGRADER_DOCS_SHOTS"):
        docs_shot(tmp_path / "report.html", tmp_path)


def docs_shot(page: Path, tmp_path: Path) -> None:
    """The README's screenshot of the report's known mistakes (AUTOGRADER_DOCS_SHOTS=1): the
    report in headless chromium, scrolled to the section (a URL fragment leaves a headless
    --screenshot blank); checked not blank, saved with a palette to stay small."""
    from PIL import Image

    from browser_helpers import chromium

    driver = chromium(60)
    try:
        driver.set_window_size(1000, 760)
        driver.get(page.as_uri())
        driver.execute_script("document.getElementById('mistakes-h').scrollIntoView()")
        shot = tmp_path / "mistakes.png"
        assert driver.save_screenshot(str(shot))
    finally:
        driver.quit()
    img = Image.open(shot).convert("RGB")
    colours = img.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 20 and sum(n for n, c in colours if c != (255, 255, 255)) > 0.01 * img.size[0] * img.size[1]
    img.convert("P", palette=Image.Palette.ADAPTIVE, colors=96).save(DOCS / "screenshot-class-mistakes.png",
                                                                      optimize=True)
