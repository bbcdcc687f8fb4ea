"""scoring.py: raw score, late days, penalty, final and the counted submission (no grading)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from autograder import scoring
from autograder.results import GradeResult, LatePenalty, TestResult
from autograder.scoring import Score, counted, late_days, penalty_points, raw_score, score
from autograder.service import views

UTC = dt.timezone.utc
ALL = lambda c: True  # noqa: E731 - every candidate is a graded submission
DUE = dt.datetime(2026, 12, 1, 23, 59, tzinfo=UTC)


def _result(*points: tuple[float, float], status: str = "graded") -> GradeResult:
    tests = [TestResult(name=f"test_{i}", number=str(i), exercises=("add",), score=s, max_score=m,
                        status="passed" if s == m else "failed", visibility="public", message="",
                        author_message="")
             for i, (s, m) in enumerate(points, 1)]
    return GradeResult(assignment_id="tiny", submission="x.py", sha256="abc", status=status, tests=tests,
                       possible=10)


def test_raw_score_is_the_tests_points_of_a_graded_result_only():
    assert raw_score(_result((3, 3), (1.5, 4))) == 4.5
    # An ungradable result scores 0 even when some tests ran before it failed.
    broken = _result((3, 3), (4, 4), status="ungradable")
    assert broken.score == 7 and raw_score(broken) == 0.0
    # Gradescope's score is the same rule (results.py holds it; scoring names it).
    assert broken.to_gradescope()["score"] == 0.0
    assert _result((3, 3)).to_gradescope()["score"] == 3


@pytest.mark.parametrize("submitted, days", [
    (None, 0),                                            # no submission time: not late
    (DUE - dt.timedelta(days=3), 0),
    (DUE, 0),                                             # exactly at the due date: on time
    (DUE + dt.timedelta(microseconds=1), 1),              # a started day counts as a day
    (DUE + dt.timedelta(days=1), 1),                      # exactly one day
    (DUE + dt.timedelta(days=1, seconds=1), 2),
    (DUE + dt.timedelta(days=2, hours=1), 3),
    (dt.datetime(2026, 12, 2, 8, 59, tzinfo=dt.timezone(dt.timedelta(hours=9))), 0),  # same instant, KST
    (dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))), 1),
])
def test_late_days_edges(submitted, days):
    assert late_days(submitted, DUE) == days


def test_no_due_date_is_never_late():
    assert late_days(DUE + dt.timedelta(days=400), None) == 0


def test_penalty_is_a_fraction_of_raw_per_day_capped_at_all_of_it():
    assert penalty_points(80, 0, 0.1) == 0
    assert penalty_points(80, 2, 0.1) == 16
    assert penalty_points(80, 10, 0.1) == 80
    assert penalty_points(80, 30, 0.1) == 80  # never below zero
    assert penalty_points(7, 3, 0.1) == 2.1  # rounded, not 2.1000000000000005
    assert penalty_points(0, 5, 0.25) == 0


def test_score_of_a_late_graded_result():
    s = score(_result((3, 3), (4, 4), (0, 3)), 2, 0.25)
    assert s == Score(raw=7, max_score=10, late_days=2, penalty=3.5, final=3.5)
    assert s.late(DUE, 0.25) == LatePenalty(days=2, raw=7, penalty=3.5, final=3.5, due=DUE.isoformat(),
                                            per_day=0.25)
    assert score(_result((3, 3)), 9, 0.25).final == 0  # capped: the final never goes below zero
    assert score(_result((3, 3)), 1, 0.0).final == 3  # no late policy


def test_an_ungradable_result_scores_zero_however_late():
    s = score(_result((3, 3), status="ungradable"), 3, 0.25)
    assert (s.raw, s.penalty, s.final, s.late_days, s.max_score) == (0, 0, 0, 3, 3)


def test_counted_last_and_best():
    # (name, final) oldest first.
    subs = [("a", 6.0), ("b", 9.0), ("c", 4.0)]
    final = lambda c: c[1]  # noqa: E731
    assert counted(subs, "last", final, graded=ALL) == ("c", 4.0)
    assert counted(subs, "best", final, graded=ALL) == ("b", 9.0)
    assert counted([], "last", final, graded=ALL) is None and counted([], "best", final, graded=ALL) is None
    assert counted([("only", 0.0)], "best", final, graded=ALL) == ("only", 0.0)


def test_counted_best_tie_takes_the_later():
    subs = [("a", 8.0), ("b", 5.0), ("c", 8.0), ("d", 2.0)]
    assert counted(subs, "best", lambda c: c[1], graded=ALL) == ("c", 8.0)


def test_best_is_by_final_so_a_late_penalty_can_make_an_earlier_one_count():
    on_time = score(_result((7, 10)), 0, 0.25)      # final 7
    late = score(_result((10, 10)), 2, 0.25)        # raw 10, final 5
    assert counted([on_time, late], "best", lambda s: s.final, graded=ALL) is on_time
    assert counted([on_time, late], "last", lambda s: s.final, graded=ALL) is late


def test_an_ungradable_submission_never_counts_over_a_graded_one():
    # (name, final, graded) oldest first: a graded 0 still beats an ungradable upload after it.
    subs = [("good", 30.0, True), ("wrong file", 0.0, False), ("zero", 0.0, True), ("empty", 0.0, False)]
    final, graded = (lambda c: c[1]), (lambda c: c[2])
    assert counted(subs, "last", final, graded=graded) == ("zero", 0.0, True)
    assert counted(subs, "best", final, graded=graded) == ("good", 30.0, True)
    assert counted(subs[:2], "last", final, graded=graded) == ("good", 30.0, True)
    assert counted(subs[:2], "best", final, graded=graded) == ("good", 30.0, True)
    # Only ungradable ones: the last counts (as 0), under either policy.
    only = [("a", 0.0, False), ("b", 0.0, False)]
    assert counted(only, "last", final, graded=graded) == ("b", 0.0, False)
    assert counted(only, "best", final, graded=graded) == ("b", 0.0, False)


def test_grade_statuses():
    assert scoring.GRADE_STATUSES == ("graded", "ungradable")


def _row(student: str, seq: int, result: GradeResult, late: int) -> dict:
    return {"id": f"{student}-{seq}", "student": student, "status": result.status, "received_at": (DUE + dt.timedelta(hours=seq)).isoformat(),
            "result": json.dumps(result.to_dict()), "late_days": late, "graded_at": "g",
            "worker": "w"}


def test_service_rows_are_decoded_once_and_scored_like_the_batch():
    """views.Counted.graded decodes and scores a service row; the CSV reads that score."""
    rows = [_row("ann", 1, _result((10, 10)), 1), _row("ann", 2, _result((6, 10)), 0)]
    grades = [views.Counted.graded(r, 0.25) for r in rows]
    assert [g.score for g in grades] == [score(_result((10, 10)), 1, 0.25), score(_result((6, 10)), 0, 0.25)]
    best = counted(grades, "best", lambda c: c.score.final, graded=ALL)
    assert best is grades[0] and best.late_days == 1 and best.score.final == 7.5
    cfg = type("Cfg", (), {"id": "tiny", "exercises": ["add"]})()
    table = views.gradebook_csv([best, views.Counted("ben", "missing")], cfg, 0.25)
    assert table.startswith("student,status,submitted_at,late_days,add,raw,max_score,penalty,final")
    rows_out = list(csv.DictReader(io.StringIO(table)))
    assert [(r["student"], r["status"], r["late_days"], r["raw"], r["penalty"], r["final"]) for r in rows_out] == [
        ("ann", "graded", "1", "10", "2.5", "7.5"), ("ben", "missing", "0", "0", "0", "0")]


def test_the_service_counted_set_uses_scoring(tmp_path):
    """Service.counted over a real database: "best" by final score (the late penalty can make
    an earlier one count), nothing after the hard close, and why a student has no grade."""
    from batch_fixtures import TOML, make_course

    from autograder.service.core import Service
    from autograder.service.config import ServiceConfig
    from autograder.service.db import stamp

    course = make_course(tmp_path / "course", solution=None)
    closes = dt.datetime(2026, 12, 10, tzinfo=UTC)
    (course / "solutions" / "tiny" / "assignment.toml").write_text(
        TOML + f'\n[service]\ncounts = "best"\ncloses = "{closes.isoformat()}"\n')
    svc = Service(ServiceConfig(course=course, db=tmp_path / "s.db", data=tmp_path / "data"))
    cfg, policy = svc.assignment("tiny")
    due = cfg.due
    conn = svc.db.conn
    for student in ("ann", "ben", "cat", "dan", "eve"):
        conn.execute("INSERT INTO users (id, role, created_at) VALUES (?, 'student', ?)", (student, stamp()))
    n = 0

    def submit(student: str, when: dt.datetime, status: str, result: GradeResult | None = None) -> None:
        nonlocal n
        n += 1
        conn.execute("INSERT INTO submissions (id, student, assignment, filename, kind, sha256, size, received_at, "
                     "late_days, status, result, graded_at) VALUES (?, ?, 'tiny', 'x.py', 'py', 'h', 1, ?, ?, ?, ?, ?)",
                     (f"s{n}", student, stamp(when), scoring.late_days(when, due), status,
                      json.dumps(result.to_dict()) if result else None, "g" if result else None))

    # ann: on time 7, then 10 two days late (final 5): the on-time one counts.
    submit("ann", due - dt.timedelta(hours=1), "graded", _result((7, 10)))
    submit("ann", due + dt.timedelta(days=1, hours=1), "graded", _result((10, 10)))
    # ben: 4, then 4 again: equals, the later counts; a full score after the close never does.
    submit("ben", due - dt.timedelta(hours=2), "graded", _result((4, 10)))
    submit("ben", due - dt.timedelta(hours=1), "graded", _result((4, 10)))
    submit("ben", closes + dt.timedelta(hours=1), "graded", _result((10, 10)))
    submit("cat", due, "queued")
    submit("dan", due, "not_graded")
    picked = {c.student: c for c in svc.counted(cfg, policy)}
    assert picked["ann"].score == score(_result((7, 10)), 0, 0.25)
    assert picked["ben"].received_at == due - dt.timedelta(hours=1) and picked["ben"].score.final == 4
    assert [(picked[s].status, picked[s].score) for s in ("cat", "dan", "eve")] == [
        ("queued", None), ("not_graded", None), ("missing", None)]
    table = list(csv.DictReader(io.StringIO(views.gradebook_csv(list(picked.values()), cfg,
                                                                cfg.late_penalty_per_day))))
    assert [(r["student"], r["status"], r["final"]) for r in table] == [
        ("ann", "graded", "7"), ("ben", "graded", "4"), ("cat", "queued", "0"), ("dan", "not_graded", "0"),
        ("eve", "missing", "0")]
    conn.close()


@pytest.mark.parametrize("counts", ["last", "best"])
def test_the_service_never_counts_an_ungradable_submission_over_a_graded_one(tmp_path, counts):
    """Service.counted on a real database, under each policy: a student with 30/30 then a wrong
    or empty upload that ended ungradable keeps the 30; one with only ungradable ones gets the
    last of them (0)."""
    from batch_fixtures import TOML, make_course

    from autograder.service.config import ServiceConfig
    from autograder.service.core import Service
    from autograder.service.db import stamp

    course = make_course(tmp_path / "course", solution=None)
    (course / "solutions" / "tiny" / "assignment.toml").write_text(TOML + f'\n[service]\ncounts = "{counts}"\n')
    svc = Service(ServiceConfig(course=course, db=tmp_path / "s.db", data=tmp_path / "data"))
    cfg, policy = svc.assignment("tiny")
    conn = svc.db.conn
    for student in ("ann", "ben"):
        conn.execute("INSERT INTO users (id, role, created_at) VALUES (?, 'student', ?)", (student, stamp()))
    rows = [("ann", _result((10, 10))), ("ann", _result((0, 10), status="ungradable")),
            ("ben", _result((0, 10), status="ungradable")), ("ben", _result((0, 10), status="ungradable"))]
    for n, (student, result) in enumerate(rows, 1):
        conn.execute("INSERT INTO submissions (id, student, assignment, filename, kind, sha256, size, received_at, "
                     "late_days, status, result, graded_at) VALUES (?, ?, 'tiny', 'x.py', 'py', 'h', 1, ?, 0, ?, ?, "
                     "'g')", (f"s{n}", student, stamp(cfg.due - dt.timedelta(hours=5 - n)), result.status,
                              json.dumps(result.to_dict())))
    picked = {c.student: c for c in svc.counted(cfg, policy)}
    assert (picked["ann"].submission_id, picked["ann"].status, picked["ann"].score.final) == ("s1", "graded", 10)
    assert (picked["ben"].submission_id, picked["ben"].status, picked["ben"].score.final) == ("s4", "ungradable", 0)
    assert svc.counted_ids("tiny") == {"s1", "s4"}
    conn.close()
