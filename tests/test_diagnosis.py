"""Known mistakes (diagnosis.py): observations, matching, the store, and what is said."""

from __future__ import annotations

import io
import shutil

import numpy as np
import pytest
import torch

from autograder import diagnosis, i18n
from autograder.config import assignment_paths
from autograder.diagnosis import Fingerprints, Mistake, observe, same, summary

from conftest import ROOT


def _obs(*values):
    return observe([("value", (v, None, None)) for v in values])


def test_summary_keeps_type_shape_samples_and_sums():
    t = torch.arange(100, dtype=torch.float32).reshape(10, 10)
    s = summary(t)
    assert s["t"] == "tensor" and s["dtype"] == "float32" and s["shape"] == [10, 10]
    assert len(s["sample"]) == diagnosis.SAMPLES and s["sample"][0] == 0.0 and s["sample"][-1] == 99.0
    assert s["sum"] == 4950.0 and s["abs"] == 4950.0
    assert summary(np.zeros((2, 3), np.int64))["t"] == "array"
    assert summary({"b": 1, "a": [True, None, "x"]}) == {
        "t": "dict", "n": 2, "items": {"a": {"t": "list", "n": 3, "items": [{"t": "bool", "v": True}, {"t": "none"},
                                                                            {"t": "str", "v": "x"}]},
                                       "b": {"t": "int", "v": 1}}}


def test_same_within_rounding_only():
    x = torch.randn(50, dtype=torch.float32, generator=torch.Generator().manual_seed(0))
    assert same(_obs(x), _obs(x * (1 + 1e-6)))  # another order of the same sums
    assert not same(_obs(x), _obs(x * 1.01))  # another mistake (or none)
    assert not same(_obs(x), _obs(x.double()))  # dtype differs
    assert not same(_obs(x), _obs(x.reshape(5, 10)))  # shape differs
    assert not same(_obs(x), _obs(x, x))  # not as many values
    assert not same([], [])  # nothing seen: never a match
    nan = torch.tensor([float("nan"), 1.0])
    assert same(_obs(nan), _obs(nan.clone())) and not same(_obs(nan), _obs(torch.tensor([0.0, 1.0])))
    raised = observe([("raised", ("IndexError", "index 3 is out of bounds"))])
    assert same(raised, observe([("raised", ("IndexError", "index 3 is out of bounds"))]))
    assert not same(raised, observe([("raised", ("IndexError", "index 4 is out of bounds"))]))


def _store() -> Fingerprints:
    a, b = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])
    texts = {"en": "You divided by N-1.", "ko": "N-1로 나누었습니다."}
    return Fingerprints(
        mistakes={"var_n1": Mistake("var_n1", "standardize", texts, on_hidden=True),
                  "var_n1_again": Mistake("var_n1_again", "standardize", texts, on_hidden=True, same_as="var_n1"),
                  "other": Mistake("other", "standardize", {"en": "Other.", "ko": "다른 실수."}, on_hidden=True),
                  "quiet": Mistake("quiet", "standardize", {"en": "Quiet.", "ko": "조용히."}, on_hidden=False)},
        tests={"test_a": {"var_n1": _obs(a), "var_n1_again": _obs(a), "other": _obs(b)},
               "test_b": {"var_n1": _obs(a), "other": _obs(a)},  # two mistakes, one set of values
               "test_hidden": {"quiet": _obs(b)}})


def test_diagnose_names_one_mistake_or_nothing():
    store = _store()
    with i18n.using("en"):
        d = store.diagnose("test_a", _obs(torch.tensor([1.0, 2.0])), hidden=False)
    assert d.mistake == "var_n1" and d.exercise == "standardize"  # its declared group's name
    assert d.said == "This looks like a known mistake: You divided by N-1."
    with i18n.using("ko"):
        assert store.diagnose("test_a", _obs(torch.tensor([1.0, 2.0])), hidden=False).said.endswith("N-1로 나누었습니다.")
    assert store.diagnose("test_a", _obs(torch.tensor([9.0, 9.0])), hidden=False) is None  # no match
    assert store.diagnose("test_b", _obs(torch.tensor([1.0, 2.0])), hidden=False) is None  # ambiguous
    assert store.diagnose("test_unknown", _obs(torch.tensor([1.0, 2.0])), hidden=False) is None
    b = _obs(torch.tensor([3.0, 4.0]))
    assert store.diagnose("test_hidden", b, hidden=False).mistake == "quiet"
    assert store.diagnose("test_hidden", b, hidden=True) is None  # silent on a hidden test


def test_store_round_trip_and_suite_digest(tmp_path):
    store = _store()
    path = tmp_path / "fingerprints.json"
    store.save(path)
    again = Fingerprints.load(path)
    assert again.mistakes == store.mistakes and again.tests == store.tests
    path.write_text("{not json")
    assert Fingerprints.load(path) is None  # a broken store names nothing, and costs no grading


def test_a_store_recorded_against_other_tests_is_not_used(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "solutions" / "01_tensors", course / "solutions" / "01_tensors",
                    ignore=shutil.ignore_patterns("mutants", "alternatives", "fingerprints.json"))
    paths = assignment_paths("01_tensors", course)
    store = _store()
    store.suite_digest = diagnosis.suite_digest(paths)
    store.save(paths.hidden_tests / diagnosis.FINGERPRINTS)
    assert diagnosis.for_assignment(paths).tests == store.tests
    test_file = next(paths.hidden_tests.glob("test_*.py"))
    test_file.write_text(test_file.read_text() + "\n# a changed test\n")
    assert diagnosis.for_assignment(paths) is None  # recorded against other tests: stale, never matched
    release = assignment_paths("01_tensors", ROOT, release=True)
    assert diagnosis.for_assignment(release) is None  # a student's release has none


@pytest.mark.parametrize("aid", ["01_tensors"])
def test_validate_records_what_each_mutant_returns(validation, aid):
    """validate grades with recording on: every failed test of a mutant carries observations,
    and the solution's passed tests too (no correct values may match a mistake)."""
    _checks, graded = validation(aid)
    mutant = next(r for label, r in graded.items() if label.startswith("mutant "))
    failed = [t for t in mutant.tests if not t.passed]
    assert failed and all(t.observations for t in failed if t.failure_kind not in ("missing",))
    assert all(t.observations is not None for t in graded["solution"].tests)
    assert "observations" not in graded["solution"].to_gradescope()["tests"][0]


ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / "assignment.toml").exists())


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_graded_mutants_are_named_where_students_read(validation, aid):
    """End to end, on validate's real gradings (the committed store, the real grader): every
    failed test of every mutant names its mistake (a silent one: on public tests only), once,
    in feedback.md and results.json; the solution's feedback names none."""
    from autograder.feedback import render_markdown
    from autograder.validate import read_mutants

    _checks, graded = validation(aid)
    paths = assignment_paths(aid, ROOT)
    store = diagnosis.for_assignment(paths)
    assert store is not None, f"{aid}: no current fingerprints; run `autograder validate {aid}` and commit them"
    for m in read_mutants(paths.mutants):
        result = graded[f"mutant {m.name}"]
        for t in result.tests:
            if t.passed:
                assert t.diagnosis is None
                continue
            named = t.visibility == "public" or m.on_hidden == "name"
            assert (t.diagnosis.mistake if t.diagnosis else None) == (store.group(m.name) if named else None), (
                f"{aid} mutant {m.name} on {t.name}")
            if named:
                assert t.student_text().count("This looks like a known mistake:") == 1
                assert t.diagnosis.texts == store.mistakes[store.group(m.name)].texts
        said = [t.diagnosis.said for t in result.tests if t.diagnosis]
        markdown = render_markdown(result)
        assert all(markdown.count(s) >= 1 for s in said)
        gradescope = result.to_gradescope()["tests"]
        assert sum("This looks like a known mistake:" in t["output"] for t in gradescope) == len(said)
    assert "known mistake" not in render_markdown(graded["solution"])


def test_release_says_when_the_fingerprints_no_longer_match_the_tests(tmp_path):
    from rich.console import Console

    from autograder.release import release_all

    course = tmp_path / "course"
    shutil.copytree(ROOT / "solutions" / "04_modules", course / "solutions" / "04_modules")
    out = Console(file=io.StringIO(), width=300)
    release_all(course, ["04_modules"], out)
    assert "no known mistake is named" not in out.file.getvalue()
    hidden = course / "solutions/04_modules/tests/hidden/test_hidden.py"
    hidden.write_text(hidden.read_text() + "\n# a changed test\n")
    release_all(course, ["04_modules"], out)
    assert "run `autograder validate 04_modules`" in out.file.getvalue()


def test_a_traceback_keeps_its_error_only():
    """A probe's report quotes the student's traceback: its file names and line numbers differ
    between students (and between how validate graded the mutant), its last line does not."""
    one = 'Traceback (most recent call last):\n  File "<cell 12>", line 3, in f\nValueError: bad\n'
    two = '  File "<mutant m>", line 20, in f\n    raise ValueError("bad")\nValueError: bad\n'
    assert summary(one) == summary(two) == {"t": "str", "v": "ValueError: bad"}
    assert summary("a plain message")["v"] == "a plain message"
