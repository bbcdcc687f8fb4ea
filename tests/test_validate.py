"""How `autograder validate` judges a mutant (the end-to-end run is in test_course.py)."""

from __future__ import annotations

import pytest

from autograder.config import AssignmentConfig, ConfigError
from autograder.results import GradeResult, TestResult
from autograder.validate import Mutant, _judge_mutant, read_mutants

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
