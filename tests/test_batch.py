"""`autograder batch`: discovery, grading, cache, regrade, exports, resume after SIGKILL."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from autograder.batch import BatchOptions, discover, parse_timestamp, run_batch
from autograder.config import ConfigError
from batch_fixtures import BAD_ADD, CRASH, GOOD, NO_SCALE, alive, descendants, make_class, make_course

UTC = dt.timezone.utc


# --------------------------------------------------------------------------- discovery

def test_parse_timestamp_formats():
    want = dt.datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
    assert parse_timestamp("2026-12-02 10:30:00 UTC\n") == want
    assert parse_timestamp("2026-12-02T10:30:00Z") == want
    assert parse_timestamp("2026-12-02 10:30:00") == want  # nbgrader's naive times are UTC
    assert parse_timestamp("2026-12-02T11:30:00+01:00") == want
    with pytest.raises(ValueError):
        parse_timestamp("yesterday")


def test_discover_flat_folder(tmp_path):
    for name in ("bob.py", "alice.ipynb", "carol.zip", "notes.txt", ".hidden.py"):
        (tmp_path / name).write_text("x")
    found = discover(tmp_path, "tiny")
    assert [(f.student, f.path.name, f.submitted_at) for f in found] == [
        ("alice", "alice.ipynb", None), ("bob", "bob.py", None), ("carol", "carol.zip", None)]


def test_discover_nbgrader_layout(tmp_path):
    sub = tmp_path / "submitted"
    (sub / "ann" / "tiny").mkdir(parents=True)
    (sub / "ann" / "tiny" / "tiny.ipynb").write_text("{}")
    (sub / "ann" / "tiny" / "timestamp.txt").write_text("2026-12-02 10:30:00.5 UTC")
    (sub / "ben" / "tiny").mkdir(parents=True)  # no timestamp: no late penalty
    (sub / "ben" / "other_assignment").mkdir(parents=True)
    for root in (tmp_path, sub):  # the course folder or submitted/ itself
        found = discover(root, "tiny")
        assert [f.student for f in found] == ["ann", "ben"]
        assert found[0].path == sub / "ann" / "tiny"
        assert found[0].submitted_at == dt.datetime(2026, 12, 2, 10, 30, 0, 500000, tzinfo=UTC)
        assert found[1].submitted_at is None


def test_discover_says_what_is_wrong(tmp_path):
    with pytest.raises(ConfigError, match="no submissions"):
        discover(tmp_path, "tiny")
    (tmp_path / "ann.py").write_text("x")
    (tmp_path / "ann.ipynb").write_text("x")
    with pytest.raises(ConfigError, match="more than one submission"):
        discover(tmp_path, "tiny")
    (tmp_path / "ann.ipynb").unlink()
    (tmp_path / "ben" / "tiny").mkdir(parents=True)
    (tmp_path / "ben" / "tiny" / "timestamp.txt").write_text("soon")
    with pytest.raises(ConfigError, match="timestamp"):
        discover(tmp_path, "tiny")
    with pytest.raises(ConfigError, match="not a folder"):
        discover(tmp_path / "ann.py", "tiny")


# --------------------------------------------------------------------------- grading

@pytest.fixture
def tiny_class(tmp_path):
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    expected = make_class(subs, {"ann": GOOD, "ben": NO_SCALE, "cat": BAD_ADD, "dan": CRASH})
    return course, subs, expected


def _opts(course, subs, tmp_path, **kw) -> BatchOptions:
    base = dict(submissions=subs, assignment="tiny", course=course, jobs=2, gradebook=tmp_path / "g.db",
                csv=tmp_path / "g.csv", feedback_dir=tmp_path / "fb", report=tmp_path / "report.html",
                device="cpu")
    return BatchOptions(**{**base, **kw})


def _csv(path: Path) -> dict[str, dict]:
    return {r["student"]: r for r in csv.DictReader(path.open())}


@pytest.mark.slow
def test_batch_grades_caches_and_regrades(tiny_class, tmp_path):
    course, subs, expected = tiny_class
    quiet = Console(file=open(os.devnull, "w"))
    s1 = run_batch(_opts(course, subs, tmp_path), quiet)
    assert (s1.total, s1.graded, s1.cached, s1.faults) == (4, 4, 0, {})
    assert {e.student: e.raw for e in s1.entries} == expected
    assert len(s1.workers) == 1 and sum(s1.workers.values()) == 4
    rows = _csv(tmp_path / "g.csv")
    assert {k: float(v["final"]) for k, v in rows.items()} == expected
    assert rows["ben"]["add"] == "6" and rows["ben"]["scale"] == "0"
    assert rows["dan"]["status"] == "ungradable"
    fb = (tmp_path / "fb" / "ben" / "feedback.md").read_text()
    assert "6 / 10" in fb and "test_scale_hidden" in fb
    assert "max abs" not in fb.split("test_scale_hidden")[1]  # hidden test: no details for students
    assert json.loads((tmp_path / "fb" / "ann" / "results.json").read_text())["score"] == 10
    assert "plot-histogram" in (tmp_path / "report.html").read_text()

    # Unchanged: everything comes from the gradebook.
    s2 = run_batch(_opts(course, subs, tmp_path), quiet)
    assert (s2.graded, s2.cached) == (0, 4)

    # One student resubmits: only that one is graded.
    (subs / "ben.py").write_text(GOOD)
    s3 = run_batch(_opts(course, subs, tmp_path), quiet)
    assert (s3.graded, s3.cached) == (1, 3)
    assert {e.student: e.raw for e in s3.entries}["ben"] == 10

    # --student regrades one even though nothing changed.
    s4 = run_batch(_opts(course, subs, tmp_path, student="cat"), quiet)
    assert (s4.total, s4.graded, s4.cached) == (1, 1, 0)
    assert len(s4.entries) == 4  # the exports still cover the class

    # Editing a hidden test regrades everyone under the new suite.
    hidden = course / "solutions/tiny/tests/hidden/test_hidden.py"
    hidden.write_text(hidden.read_text().replace("student.scale(x, 3.0), 3 * x", "student.scale(x, 3.0), 3 * x + 1"))
    s5 = run_batch(_opts(course, subs, tmp_path), quiet)
    assert (s5.graded, s5.cached) == (4, 0)
    assert {e.student: e.raw for e in s5.entries} == {"ann": 6, "ben": 6, "cat": 0, "dan": 0}
    db = sqlite3.connect(tmp_path / "g.db")
    assert db.execute("select count(distinct suite_hash) from grades").fetchone()[0] == 2
    assert db.execute("select count(*) from current").fetchone()[0] == 4


@pytest.mark.slow
def test_late_penalty_from_nbgrader_timestamps(tmp_path):
    # A reference solution that loses points: the batch still grades, and says so.
    course = make_course(tmp_path / "course", solution=NO_SCALE)
    for student, stamp in (("ann", "2026-11-30 12:00:00 UTC"), ("ben", "2026-12-02 06:00:00 UTC")):
        folder = tmp_path / "submitted" / student / "tiny"
        folder.mkdir(parents=True)
        (folder / "tiny.py").write_text(GOOD)
        (folder / "timestamp.txt").write_text(stamp)
    console = Console(record=True, width=200, file=open(os.devnull, "w"))
    summary = run_batch(_opts(course, tmp_path, tmp_path, jobs=1), console)
    assert "the reference solution scored 6/10 on this suite (failed: test_scale_hidden)" in console.export_text()
    rows = _csv(tmp_path / "g.csv")
    assert rows["ann"]["final"] == "10" and rows["ann"]["late_days"] == "0"
    # Due 2026-12-01 00:00 UTC, 25% a day: 1.25 days late counts 2 days.
    assert (rows["ben"]["raw"], rows["ben"]["late_days"], rows["ben"]["penalty"], rows["ben"]["final"]) == \
        ("10", "2", "5", "5")
    assert [e.final for e in summary.entries] == [10, 5]
    assert "Late submission" in (tmp_path / "fb" / "ben" / "feedback.md").read_text()
    assert json.loads((tmp_path / "fb" / "ben" / "results.json").read_text())["score"] == 5


# --------------------------------------------------------------------------- SIGKILL

@pytest.mark.slow
def test_resume_after_sigkill_grades_only_what_is_missing(tmp_path):
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    sources = {f"s{i:02d}": (GOOD, NO_SCALE, BAD_ADD)[i % 3] for i in range(8)}
    expected = make_class(subs, sources, sleep=1.0)  # paces the batch: about 1 s per submission
    db = tmp_path / "g.db"
    cmd = [sys.executable, "-m", "autograder.cli", "--course", str(course), "batch", str(subs),
           "--assignment", "tiny", "--jobs", "1", "--gradebook", str(db), "--csv", str(tmp_path / "g.csv"),
           "--device", "cpu"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        done = 0
        while time.monotonic() < deadline and done < 3:
            time.sleep(0.2)
            if db.exists():
                try:
                    done = sqlite3.connect(db).execute("select count(*) from grades").fetchone()[0]
                except sqlite3.OperationalError:
                    pass  # the schema is being created
            assert proc.poll() is None, "the batch ended before it could be killed"
        assert done >= 3, "the batch graded nothing within 120 s"
        helpers = descendants(proc.pid)
        assert helpers, "the batch should run a grading process and its zygote"
        proc.send_signal(signal.SIGKILL)  # the coordinator only: its helpers must not outlive it
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    deadline = time.monotonic() + 15
    while any(alive(p) for p in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in helpers if alive(p)], "grading processes outlived the killed batch"

    killed_at = sqlite3.connect(db).execute("select count(*) from grades").fetchone()[0]
    assert 3 <= killed_at < len(sources)
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    text = " ".join(rerun.stdout.split())
    assert f"{len(sources) - killed_at} graded now, {killed_at} already in" in text
    con = sqlite3.connect(db)
    assert con.execute("select count(*), count(distinct student) from grades").fetchone() == (8, 8)
    rows = _csv(tmp_path / "g.csv")
    assert {k: float(v["raw"]) for k, v in rows.items()} == expected


@pytest.mark.slow
def test_a_grading_process_killed_mid_grade_is_replaced(tmp_path):
    import threading

    from autograder.executors import GradeSpec, Job, LocalExecutor

    course = make_course(tmp_path / "course")
    make_class(tmp_path / "subs", {"ann": GOOD}, sleep=3.0)
    executor = LocalExecutor(GradeSpec("tiny", str(course), device="cpu"), jobs=1)
    executor.start()
    first = executor.procs[0]
    zygote = first.wait_ready()["zygote_pid"]
    outcomes = []
    # Killed while the worker sleeps in the student's import: the job goes to a fresh process.
    killer = threading.Timer(1.5, os.kill, (first.proc.pid, signal.SIGKILL))
    killer.start()
    try:
        executor.run([Job("ann", tmp_path / "subs" / "ann.py")], outcomes.append)
    finally:
        killer.cancel()
        executor.close()
    [o] = outcomes
    assert o.fault is None and o.result["status"] == "graded"
    assert sum(t["score"] for t in o.result["tests"]) == 10
    assert o.worker.rsplit("/", 1)[1] != str(first.proc.pid)
    deadline = time.monotonic() + 10
    while alive(zygote) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(zygote), "the dead grading process's zygote lived on"
