"""A grading that hangs the trusted grading process itself (not only the sandboxed worker) is
stopped at its bound by ``autograder serve``: the submission ends ``not_graded`` at once (not
your fault, not counted, not retried), the stuck process tree is ended, and the slot grades
the next submission on a fresh process.

A real server on 127.0.0.1 over the tiny course, whose hidden test blocks the trusted pytest
process when the student's ``scale`` answers with sevens (the reference does not, so the
warm-up passes)."""

from __future__ import annotations

import signal
import sqlite3
import time

import pytest

from batch_fixtures import GOOD, alive, descendants, make_course
from service_helpers import Server, make_roster, submit, wait_done

pytestmark = pytest.mark.slow

LIMIT_S = 10  # the grading's bound: a few seconds, far below what the hidden test sleeps

HANGS = "def add(x, y):\n    return x + y\n\n\ndef scale(x, a):\n    return x * 0 + 7.0\n"

HIDDEN = '''\
import os
import time
from pathlib import Path

import pytest
import torch

from autograder.compare import assert_close

MARK = Path(__file__).resolve().parent / "hanging.pid"


@pytest.mark.exercise("add")
def test_add_hidden(student):
    """add keeps float64."""
    x = torch.linspace(-1, 1, 5, dtype=torch.float64)
    assert_close(student.add(x, 2 * x), 3 * x, what="add(x, 2x)")


@pytest.mark.exercise("scale")
def test_scale_hidden(student):
    """scale(x, a) is a * x."""
    x = torch.linspace(-1, 1, 5, dtype=torch.float64)
    got = student.scale(x, 3.0)
    if bool((got == 7).all()):  # the stuck submission: the trusted side itself blocks
        MARK.write_text(str(os.getpid()))
        time.sleep(3600)
    assert_close(got, 3 * x, what="scale(x, 3)")
'''


def test_a_stuck_grading_is_stopped_marked_not_graded_and_the_slot_goes_on(tmp_path):
    course = make_course(tmp_path / "course")
    hidden = course / "solutions/tiny/tests/hidden"
    (hidden / "test_hidden.py").write_text(HIDDEN)
    db = tmp_path / "svc.db"
    tokens, staff = make_roster(tmp_path, db, ["ann", "bob"])
    # With the warm-up: the first grading's bound (a few seconds) does not pay the suite's imports.
    server = Server(course, db, tmp_path / "data", extra=("--submission-timeout", str(LIMIT_S)), warmup=True)
    try:
        server.start()
        with server.client(tokens["ann"]) as c:
            r = submit(c, "tiny", "tiny.py", HANGS.encode())
            assert r.status_code == 202
            stuck_id = r.json()["id"]
        with server.client(tokens["bob"]) as c:
            r = submit(c, "tiny", "tiny.py", GOOD.encode())
            assert r.status_code == 202
            next_id = r.json()["id"]

        # The grading process blocks in the hidden test: its tree as it hangs.
        mark = hidden / "hanging.pid"
        deadline = time.monotonic() + 240  # the grading process warms up first (torch, the reference)
        while not mark.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert mark.exists(), "the stuck submission's hidden test never ran"
        time.sleep(0.2)  # the pid is written before the sleep starts
        grader = int(mark.read_text())
        hung_at = time.monotonic()
        stuck_tree = {grader} | descendants(grader)
        assert grader in descendants(server.proc.pid), "the hanging test should run in the server's grading process"

        with server.client(tokens["ann"]) as c:
            sub = wait_done(c, stuck_id, timeout=LIMIT_S + 120)
        stopped_after = time.monotonic() - hung_at
        assert sub["status"] == "not_graded", sub
        assert "not your fault" in sub["feedback_md"] and "fault" not in sub  # the reason is staff's
        assert stopped_after < LIMIT_S + 60, f"stopped {stopped_after:.0f} s after it hung (bound {LIMIT_S} s)"
        with server.client(staff) as c:
            full = c.get(f"/api/v1/submissions/{stuck_id}").json()
        assert full["fault"].startswith("not graded: the grading process did not finish grading"), full["fault"]
        assert f"within {LIMIT_S} s" in full["fault"], full["fault"]
        con = sqlite3.connect(db)
        try:
            attempts = con.execute("SELECT attempts FROM submissions WHERE id=?", (stuck_id,)).fetchone()[0]
        finally:
            con.close()
        assert attempts == 1, "a grading stopped at its bound is not retried (it would stall a slot again)"
        deadline = time.monotonic() + 10
        while [p for p in stuck_tree if alive(p)] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [p for p in stuck_tree if alive(p)] == [], "the stuck grading process (or its zygote) lived on"

        # The slot goes on: the next submission is graded, on a fresh grading process.
        with server.client(tokens["bob"]) as c:
            sub = wait_done(c, next_id, timeout=240)
        assert sub["status"] == "graded", sub
        with server.client(staff) as c:
            full = c.get(f"/api/v1/submissions/{next_id}").json()
        assert (full["score"], full["max_score"]) == (10, 10), full

        tree = descendants(server.proc.pid)
        assert server.stop(signal.SIGTERM) < 30
        deadline = time.monotonic() + 10
        while [p for p in tree if alive(p)] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [p for p in tree if alive(p)] == []
    finally:
        server.ensure_stopped()
