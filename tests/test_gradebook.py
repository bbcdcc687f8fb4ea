"""Gradebook: keys, no double counting, suite hash coverage, late penalties, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3

import pytest

from autograder.config import AssignmentConfig, assignment_paths
from autograder.cache_key import suite_hash
from autograder.csv_export import write_csv
from autograder.gradebook import Gradebook
from autograder.results import GradeResult, LatePenalty, TestResult, result_from_dict
from autograder.scoring import late_days, penalty_points
from batch_fixtures import make_course

UTC = dt.timezone.utc


def _result(points: dict[str, tuple[float, float, str]], status="graded") -> GradeResult:
    """points: test name -> (score, max, exercise)."""
    tests = [TestResult(name=n, number=str(i), exercises=(ex,), score=s, max_score=m,
                        status="passed" if s == m else "failed", visibility="hidden", message="" if s == m else
                        "add(x, 2x): max abs error 0.5", author_message="doc")
             for i, (n, (s, m, ex)) in enumerate(points.items(), 1)]
    return GradeResult(assignment_id="tiny", submission="x.py", sha256="abc", status=status, tests=tests,
                       possible=10)


@pytest.fixture
def tiny(tmp_path):
    course = make_course(tmp_path / "course")
    paths = assignment_paths("tiny", course)
    return course, paths, AssignmentConfig.load(paths.config)


def test_late_days_and_penalty():
    due = dt.datetime(2026, 12, 1, tzinfo=UTC)
    assert late_days(None, due) == 0
    assert late_days(due, due) == 0
    assert late_days(due + dt.timedelta(seconds=1), due) == 1  # a started day counts
    assert late_days(due + dt.timedelta(days=2, hours=1), due) == 3
    assert penalty_points(80, 2, 0.1) == 16
    assert penalty_points(80, 30, 0.1) == 80  # never below zero


def test_result_round_trip():
    r = _result({"test_a": (3, 3, "add"), "test_b": (0, 4, "scale")})
    back = result_from_dict(r.to_dict())
    assert back == r and back.tests[0].exercises == ("add",)
    r.title, r.late = "Tiny", LatePenalty(days=2, raw=3, penalty=1.5, final=1.5, due="2026-12-01", per_day=0.25)
    assert result_from_dict(r.to_dict()) == r


def test_record_is_idempotent_and_entries_apply_penalty(tiny, tmp_path):
    course, paths, cfg = tiny
    with Gradebook(tmp_path / "g.db") as gb:
        late = dt.datetime(2026, 12, 2, 12, tzinfo=UTC)  # 1.5 days late -> 2 days
        gb.set_current("tiny", "ann", "ann.py", "sha1", "suite1", late)
        gb.set_current("tiny", "ben", "ben.py", "sha2", "suite1", None)
        r = _result({"test_a": (3, 3, "add"), "test_b": (4, 4, "scale"), "test_c": (0, 3, "add")})
        for _ in range(3):  # a regrade replaces, never adds
            gb.record("tiny", "ann", "sha1", "suite1", r, 0.1)
        assert gb.count("tiny") == 1
        assert gb.has("tiny", "ann", "sha1", "suite1") and not gb.has("tiny", "ann", "sha1", "suite2")
        [ann] = gb.entries(cfg)  # ben is current but not graded yet: left out
        assert (ann.raw, ann.late_days, ann.penalty, ann.final) == (7, 2, 3.5, 3.5)
        assert ann.result.per_exercise()["add"] == (3, 6)
        gb.record("tiny", "ben", "sha2", "suite1", _result({}, status="ungradable"), 0.1)
        out = tmp_path / "grades.csv"
        with out.open("w", newline="") as f:
            write_csv(gb.entries(cfg), cfg, f)
    rows = list(csv.DictReader(out.open()))
    assert [r["student"] for r in rows] == ["ann", "ben"]
    assert rows[0]["add"] == "3" and rows[0]["scale"] == "4" and rows[0]["raw"] == "7"
    assert rows[0]["penalty"] == "3.5" and rows[0]["final"] == "3.5" and rows[0]["late_days"] == "2"
    assert rows[1]["status"] == "ungradable" and rows[1]["final"] == "0"
    # The file is a plain SQLite database any tool can read.
    n = sqlite3.connect(tmp_path / "g.db").execute("select count(*) from grades").fetchone()[0]
    assert n == 2


def test_a_new_submission_or_suite_replaces_the_current_grade(tiny, tmp_path):
    course, paths, cfg = tiny
    with Gradebook(tmp_path / "g.db") as gb:
        gb.set_current("tiny", "ann", "ann.py", "sha1", "suite1", None)
        gb.record("tiny", "ann", "sha1", "suite1", _result({"t": (3, 3, "add")}), 0.1)
        gb.set_current("tiny", "ann", "ann.py", "sha2", "suite1", None)  # resubmitted, not graded yet
        assert gb.entries(cfg) == []
        gb.record("tiny", "ann", "sha2", "suite1", _result({"t": (0, 3, "add")}), 0.1)
        [e] = gb.entries(cfg)
        assert e.raw == 0


def test_csv_neutralises_formulas(tiny, tmp_path):
    course, paths, cfg = tiny
    with Gradebook(tmp_path / "g.db") as gb:
        gb.set_current("tiny", "=HYPERLINK(1)", "x.py", "s", "u", None)
        gb.record("tiny", "=HYPERLINK(1)", "s", "u", _result({"t": (3, 3, "add")}), 0.1)
        out = io.StringIO(newline="")
        write_csv(gb.entries(cfg), cfg, out)
    assert list(csv.DictReader(io.StringIO(out.getvalue())))[0]["student"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("edit", ["tests/hidden/test_hidden.py", "tests/public/test_public.py",
                                  "assignment.toml", "probes.py", "tests/hidden/data.txt"])
def test_suite_hash_covers_what_changes_grades(tiny, edit):
    course, paths, cfg = tiny
    before = suite_hash(paths)
    assert suite_hash(paths) == before  # deterministic
    f = paths.config.parent / edit
    f.write_text((f.read_text() if f.exists() else "") + "\n# edited\n")
    after = suite_hash(assignment_paths("tiny", course))  # probes.py appears: paths change too
    assert after != before


def test_suite_hash_ignores_caches_and_mutants(tiny):
    course, paths, cfg = tiny
    before = suite_hash(paths)
    sol = paths.config.parent
    (sol / "tests" / "hidden" / "__pycache__").mkdir()
    (sol / "tests" / "hidden" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    (sol / "mutants").mkdir()
    (sol / "mutants" / "m.py").write_text("# exercise: add\n")
    assert suite_hash(paths) == before
