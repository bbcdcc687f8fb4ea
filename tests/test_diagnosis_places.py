"""A known mistake is named once wherever a student reads a failed test: a real grading of
a mutant whose fingerprints validate recorded, read back through feedback.md, the terminal
table, results.json, the service's student and staff views and the client's table."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from conftest import ROOT

AID = "01_tensors"
MUTANT = "standardize_unbiased_var"


def _mutant():
    from autograder.validate import read_mutants

    return next(m for m in read_mutants(ROOT / "solutions" / AID / "mutants") if m.name == MUTANT)


@pytest.fixture(scope="module")
def graded(grader, tmp_path_factory):
    """The 01 solution with the mutant's standardize, graded as the batch grades it."""
    from autograder.config import assignment_paths
    from autograder.grader import GradeOptions
    from autograder.submission import load_submission

    sub = load_submission(ROOT / "solutions" / AID / f"{AID}.ipynb", AID)
    path = tmp_path_factory.mktemp("diag") / f"{AID}.py"
    path.write_text("\n\n".join(c.source for c in sub.cells) + "\n\n" + _mutant().source, encoding="utf-8")
    result = grader.grade(path, AID, GradeOptions(device="cpu", course=ROOT))
    assert assignment_paths(AID, ROOT).hidden_tests is not None
    return result


def _said(graded):
    named = [t for t in graded.tests if t.diagnosis is not None]
    assert named, "no failed test named the mistake: run `.venv/bin/autograder validate 01_tensors` to record it"
    assert {t.diagnosis.mistake for t in named} == {MUTANT}
    misconception = _mutant().misconceptions["en"]
    for t in named:
        assert misconception in t.diagnosis.said and not t.passed
    return named


def test_the_grading_names_the_mistake_on_a_public_test(graded):
    named = _said(graded)
    assert any(t.visibility == "public" for t in named)
    assert not any(t.diagnosis for t in graded.tests if t.passed)


def test_feedback_md_and_results_json_say_it_once_per_failed_test(graded, tmp_path):
    from autograder.feedback import render_markdown

    named = _said(graded)
    said = named[0].diagnosis.said
    md = render_markdown(graded)
    assert md.count(said) == len(named)
    graded.write_json(tmp_path / "results.json")
    tests = json.loads((tmp_path / "results.json").read_text())["tests"]
    by_name = {t["name"]: t for t in tests}
    for t in named:
        assert by_name[t.name]["output"].count(said) == 1, t.name
    assert "observations" not in json.dumps(tests)


def test_the_terminal_table_says_it_once_even_past_its_line_cap(graded):
    import dataclasses

    from autograder.feedback import TERMINAL_LINES, print_table

    named = _said(graded)
    said = named[0].diagnosis.said
    out = io.StringIO()
    print_table(graded, Console(file=out, width=400, color_system=None))
    assert out.getvalue().count(said) == len(named)
    # A message longer than the table shows: the sentence is still there, once.
    long = dataclasses.replace(named[0], message="\n".join(f"line {i}" for i in range(3 * TERMINAL_LINES)))
    out = io.StringIO()
    print_table(dataclasses.replace(graded, tests=[long]), Console(file=out, width=400, color_system=None))
    assert out.getvalue().count(said) == 1 and "line 0" in out.getvalue()


def test_a_message_past_the_output_cap_keeps_the_sentence(graded):
    import dataclasses

    from autograder.results import OUTPUT_CAP

    t = _said(graded)[0]
    long = dataclasses.replace(t, message="x" * (2 * OUTPUT_CAP), output="printed\n")
    text = long.student_text()
    assert text.count(t.diagnosis.said) == 1 and len(text) < OUTPUT_CAP + 200


@pytest.mark.parametrize("staff", [False, True])
def test_the_service_views_and_the_client_table_say_it_once(graded, staff):
    from autograder.service.views import result_view
    from autograder.submit_client import view_to_result
    from autograder.feedback import print_table

    named = _said(graded)
    said = named[0].diagnosis.said
    view = result_view(graded, title="t", show_hidden=True, staff=staff, late_days=0, per_day=0.0, due=None)
    rows = {r["name"]: r for r in view["results"]}
    for t in named:
        assert rows[t.name]["output"].count(said) == 1 and rows[t.name]["diagnosis"] == said, t.name
    assert all(r["diagnosis"] is None for r in view["results"] if r["status"] == "passed")
    assert view["feedback_md"].count(said) == len(named)
    if staff:
        return
    # `autograder submit`'s table, from the API's answer: hidden tests' lines as the grader says them.
    sub = {"assignment": AID, "filename": "x.py", "sha256": "", "status": "graded", "max_score": graded.max_score,
           "results": view["results"]}
    back = view_to_result(sub)
    for t, b in zip(graded.tests, back.tests):
        assert b.student_text().count(said) == t.student_text().count(said), t.name
        if t.visibility == "hidden" and not t.passed:
            assert b.student_text() == t.student_text(), t.name
    out = io.StringIO()
    print_table(back, Console(file=out, width=400, color_system=None))
    assert out.getvalue().count(said) == len(named)
