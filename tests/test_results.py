"""The result model: Gradescope's schema, and hidden tests that reveal nothing."""

from __future__ import annotations

import json

from autograder.feedback import render_markdown
from autograder.results import GradeResult, TestResult

SECRET = "expected tensor([0.1234, 0.5678]) at hidden_input = torch.arange(37)"


def sample() -> GradeResult:
    tests = [
        TestResult("test_public_ok", "1", ("softmax",), 3, 3, "passed", "public", "", "softmax works"),
        TestResult("test_public_bad", "2", ("standardize",), 0, 4, "failed", "public",
                   "standardize(x): values differ ...\nHint: population variance", "standardize basics",
                   output="debug print\n"),
        TestResult("test_hidden_bad", "3", ("softmax", "one_hot"), 0, 2, "failed", "hidden",
                   f"Traceback ... {SECRET}", "softmax and one_hot agree on random inputs."),
        TestResult("test_hidden_ok", "4", ("one_hot",), 1, 1, "passed", "hidden", "", "one_hot edge cases."),
    ]
    return GradeResult("01_tensors", "alice.ipynb", sha256="ab" * 32, tests=tests, execution_time=1.5,
                       notes=["cell 4 raised an error and was skipped"])


def test_gradescope_json_has_the_required_fields():
    data = sample().to_gradescope()
    assert data["score"] == 4.0 and data["execution_time"] == 1.5
    assert data["stdout_visibility"] in ("hidden", "visible")
    assert "cell 4 raised" in data["output"]
    assert [t["number"] for t in data["tests"]] == ["1", "2", "3", "4"]
    assert data["tests"][2]["tags"] == ["softmax", "one_hot"]
    assert data["tests"][0]["visibility"] == "visible" and data["tests"][2]["visibility"] == "after_published"
    assert data["extra_data"]["submission_sha256"] == "ab" * 32
    assert data["extra_data"]["per_exercise"]["softmax"] == {"score": 3.0, "max_score": 4.0}
    json.dumps(data)  # serialisable as is


def test_hidden_tests_show_name_points_and_author_line_only():
    res = sample()
    text = json.dumps(res.to_gradescope()) + render_markdown(res)
    assert SECRET not in text and "Traceback" not in text
    assert "Failed: softmax and one_hot agree on random inputs." in text
    assert "test_hidden_bad" in text
    assert "population variance" in text and "debug print" in text  # public tests show everything


def test_ungradable_result_scores_zero_with_the_reason():
    res = GradeResult("01_tensors", "x.ipynb", status="ungradable", error="the notebook file is damaged",
                      possible=100)
    data = res.to_gradescope()
    assert data["score"] == 0 and data["tests"] == [] and "damaged" in data["output"]
    md = render_markdown(res)
    assert "could not be graded" in md and "0 / 100" in md
