"""How `autograder validate` judges a mutant and a correct alternative (the end-to-end run of
the course is in test_course.py)."""

from __future__ import annotations

import pytest

from autograder.config import AssignmentConfig, ConfigError
from autograder.results import GradeResult, TestResult
from autograder.validate import (MIN_ALTERNATIVES, Alternative, Mutant, _judge_alternative, _judge_mutant,
                                 read_alternatives, read_mutants)

from conftest import ROOT

CFG = AssignmentConfig.load(ROOT / "solutions" / "01_tensors" / "assignment.toml")


TEACHES = "softmax(x): values differ ...\nHint: subtract the maximum first."


def result(*failing: tuple[str, tuple[str, ...]], visibility="public", message=TEACHES) -> GradeResult:
    tests = [TestResult(name, str(i), tags, 0, 1, "failed", visibility, message, "")
             for i, (name, tags) in enumerate(failing)]
    tests.append(TestResult("test_ok", "99", ("to_numpy",), 1, 1, "passed", "public", "", ""))
    return GradeResult("01_tensors", "m", tests=tests)


MUTANT = Mutant("softmax_bug", "softmax", "no max shift", "")


def test_a_mutant_caught_in_its_own_exercise_passes():
    check = _judge_mutant(MUTANT, result(("test_softmax_basic", ("softmax",))), CFG)
    assert check.ok and "test_softmax_basic" in check.detail


def test_a_mutant_only_hidden_tests_catch_fails():
    check = _judge_mutant(MUTANT, result(("test_softmax_large", ("softmax",)), visibility="hidden"), CFG)
    assert not check.ok and "no public test catches it" in check.detail


@pytest.mark.parametrize("message", ["values differ", "Hint: try harder", "softmax(x) is wrong"])
def test_a_public_message_must_name_the_exercise_and_hint(message):
    check = _judge_mutant(MUTANT, result(("test_softmax_basic", ("softmax",)), message=message), CFG)
    assert not check.ok and "must name 'softmax'" in check.detail


@pytest.mark.parametrize("failing,phrase", [
    ((), "no test caught it"),
    ((("test_softmax_basic", ("softmax",)), ("test_one_hot_basic", ("one_hot",))), "other exercises: test_one_hot_basic"),
])
def test_a_mutant_that_escapes_or_spills_over_fails(failing, phrase):
    check = _judge_mutant(MUTANT, result(*failing), CFG)
    assert not check.ok and phrase in check.detail


def test_unknown_exercise_and_missing_header_are_reported(tmp_path):
    assert "unknown exercise" in _judge_mutant(Mutant("m", "nope", "", ""), result(), CFG).detail
    (tmp_path / "bad.py").write_text("def softmax(x, dim=-1):\n    return x\n")
    with pytest.raises(ConfigError, match="# exercise: NAME"):
        read_mutants(tmp_path)


def test_the_course_mutants_name_real_exercises():
    mutants = read_mutants(ROOT / "solutions" / "01_tensors" / "mutants")
    assert {m.exercise for m in mutants} == set(CFG.exercises)
    assert all(m.bug for m in mutants)


# ------------------------------------------------------------------ correct alternatives
ALT = Alternative("softmax_logsumexp", "softmax", "exp(x - logsumexp(x))", "")


def test_an_alternative_with_full_marks_passes():
    res = GradeResult("01_tensors", "a", tests=[TestResult("test_ok", "1", ("softmax",), 1, 1, "passed",
                                                           "hidden", "", "")])
    check = _judge_alternative(ALT, res, CFG)
    assert check.ok, check.detail


def test_a_wrong_alternative_is_reported_with_the_test_name_and_message():
    message = "softmax(x[3, 4], dim=0): values differ: max abs error 0.5 at [1, 2]"
    res = result(("test_softmax_values", ("softmax",)), visibility="hidden", message=message)
    check = _judge_alternative(ALT, res, CFG)
    assert not check.ok
    assert "test_softmax_values (-1)" in check.detail and message in check.detail


def test_alternatives_need_an_approach_header_and_a_known_exercise(tmp_path):
    assert "unknown exercise" in _judge_alternative(Alternative("a", "nope", "x", ""), result(), CFG).detail
    (tmp_path / "a.py").write_text("# exercise: softmax\ndef softmax(x, dim=-1):\n    return x\n")
    with pytest.raises(ConfigError, match="# approach: "):
        read_alternatives(tmp_path)


def test_the_course_alternatives_cover_every_exercise_three_times():
    for aid in ("01_tensors",):
        cfg = AssignmentConfig.load(ROOT / "solutions" / aid / "assignment.toml")
        alts = read_alternatives(ROOT / "solutions" / aid / "alternatives")
        for exercise in cfg.exercises:
            assert sum(a.exercise == exercise for a in alts) >= MIN_ALTERNATIVES, exercise


def test_validate_grades_alternatives_and_names_what_a_wrong_one_lost(tmp_path):
    """End to end on a copy of 01: a 'correct' alternative that is wrong fails validate with
    the lost test's name and message; the too-few-alternatives check names the exercises."""
    import shutil

    from autograder.grader import Grader
    from autograder.validate import validate_assignment

    course = tmp_path / "course"
    shutil.copytree(ROOT / "solutions" / "01_tensors", course / "solutions" / "01_tensors",
                    ignore=shutil.ignore_patterns("mutants", "alternatives"))
    alts = course / "solutions" / "01_tensors" / "alternatives"
    alts.mkdir()
    (alts / "to_numpy_wrong.py").write_text(
        "# exercise: to_numpy\n# approach: goes through a Python list (loses the dtype)\nimport numpy as np\n\n"
        "def to_numpy(t):\n    return np.array(t.detach().cpu().tolist())\n")
    with Grader() as grader:
        checks = {c.what: c for c in validate_assignment(grader, course, "01_tensors")}
    few = checks[f"every exercise has {MIN_ALTERNATIVES} correct alternatives"]
    assert not few.ok and "to_numpy (1)" in few.detail and "softmax (0)" in few.detail
    wrong = checks["alternative to_numpy_wrong (to_numpy: goes through a Python list (loses the dtype))"]
    assert not wrong.ok
    assert "test_to_numpy_basic (-3)" in wrong.detail and "returned dtype float64" in wrong.detail
    assert "test_to_numpy_dtypes_shapes_devices" in wrong.detail


def test_judgements_are_written_in_the_commands_language():
    """`autograder --lang ko validate` labels and explains each check in Korean; the mutant's
    name and bug (the author's text) and the test names stay as written."""
    from autograder import i18n

    caught = result(("test_softmax_basic", ("softmax",)))
    english = _judge_mutant(MUTANT, caught, CFG)
    assert english.what == "mutant softmax_bug (softmax: no max shift)"
    assert english.detail == "caught by test_softmax_basic (-99 points)"
    with i18n.using("ko"):
        ok = _judge_mutant(MUTANT, caught, CFG)
        escaped = _judge_mutant(MUTANT, result(), CFG)
        hidden = _judge_mutant(MUTANT, result(("test_softmax_large", ("softmax",)), visibility="hidden"), CFG)
        alt = _judge_alternative(Alternative("a", "nope", "x", ""), result(), CFG)
    assert ok.ok and ok.what == "뮤턴트 softmax_bug (softmax: no max shift)"
    assert ok.detail == "test_softmax_basic이(가) 잡음 (-99점)"
    assert escaped.detail == "어떤 테스트도 잡지 못했습니다: 이 버그에서 실패하는 테스트를 추가하세요"
    assert "잡는 공개 테스트가 없습니다" in hidden.detail
    assert alt.what == "대안 풀이 a (nope: x)" and alt.detail == (f"알 수 없는 문제 'nope'을(를) 가리킵니다. {CFG.path}의 문제: "
                                                            + ", ".join(CFG.exercises))


def test_a_variant_reaches_a_grading_process_as_the_same_cells(tmp_path):
    """validate's second job grades files: the solution's notebook with the variant's cell
    appended loads to the cells the in-process grader grades (the variant's own label aside)."""
    import nbformat

    from autograder.submission import load_submission
    from autograder.validate import variants
    from autograder.variant_grading import _variant_notebook

    found, _, _ = variants(ROOT, "01_tensors")
    solution = nbformat.read(ROOT / "solutions" / "01_tensors" / "01_tensors.ipynb", as_version=4)
    for v in [v for v in found if v.cell is not None][:3] + [found[-1]]:
        loaded = load_submission(_variant_notebook(solution, v.cell, tmp_path / "v.ipynb"), "01_tensors")
        assert [c.source for c in loaded.cells] == [c.source for c in v.submission.cells], v.label
    assert found[0].label == "solution" and found[0].cell is None
    assert len(solution.cells) == len(nbformat.read(ROOT / "solutions" / "01_tensors" / "01_tensors.ipynb",
                                                    as_version=4).cells)  # the solution itself is left as read
