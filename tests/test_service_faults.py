"""Crash safety of ``autograder serve``: SIGTERM and SIGKILL while submissions are queued and
grading, then a restart. Nothing accepted is lost, nothing is graded twice, the CSV has one
row per roster student, and a stopped server leaves no process behind."""

from __future__ import annotations

import csv
import io
import signal
import sqlite3
import time

import pytest

from batch_fixtures import alive, descendants
from service_helpers import ROOT, Server, make_course, make_roster, submit, wait_done

pytestmark = pytest.mark.slow

SAMPLE = ROOT / "tests/sample_class/01_tensors"
CLASS = ["alice", "bob", "carol", "dave", "eve"]


def _rows(db):
    con = sqlite3.connect(db)
    try:
        return {r[0]: r[1:] for r in con.execute("SELECT id, status, grades, attempts FROM submissions")}
    finally:
        con.close()


def _wait_grading(server, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with server.client() as c:
            if c.get("/healthz").json()["grading"]:
                return
        time.sleep(0.2)
    raise AssertionError("nothing started grading")


def test_sigterm_then_sigkill_then_restart_grades_everything_exactly_once(tmp_path):
    course = make_course(tmp_path, visibility="visible")
    db = tmp_path / "svc.db"
    tokens, staff = make_roster(tmp_path, db, CLASS + ["frank"])
    server = Server(course, db, tmp_path / "data")
    try:
        _scenario(server, db, tokens, staff)
    finally:
        server.ensure_stopped()


def _scenario(server, db, tokens, staff):
    server.start()
    ids = {}
    for name, f in (("alice", "alice.ipynb"), ("bob", "bob.py"), ("carol", "carol.py"), ("dave", "dave.py")):
        with server.client(tokens[name]) as c:
            r = submit(c, "01_tensors", f, (SAMPLE / f).read_bytes())
            assert r.status_code == 202
            ids[r.json()["id"]] = name

    # 1. SIGTERM while one grades and three wait: exits in time, leaves no process, puts back.
    _wait_grading(server)
    tree = descendants(server.proc.pid)
    assert tree, "the grading processes should be children of the server"
    took = server.stop(signal.SIGTERM)
    assert took < 30
    time.sleep(0.5)
    assert [p for p in tree if alive(p)] == []
    rows = _rows(db)
    assert set(rows) == set(ids) and {r[0] for r in rows.values()} == {"queued"}
    assert all(r[1] == 0 for r in rows.values())

    # 2. Restart, wait for a grade and the next grading, then SIGKILL.
    server.start()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        statuses = [r[0] for r in _rows(db).values()]
        if "graded" in statuses and "grading" in statuses:
            break
        time.sleep(0.3)
    else:
        raise AssertionError(f"no graded + grading state reached: {_rows(db)}")
    tree = descendants(server.proc.pid)
    server.stop(signal.SIGKILL)
    deadline = time.monotonic() + 10  # the grading processes die with the server (PDEATHSIG)
    while [p for p in tree if alive(p)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [p for p in tree if alive(p)] == []

    # 3. Restart: what was queued or grading is graded, once.
    server.start()
    with server.client(staff) as c:
        for sid in ids:
            assert wait_done(c, sid, timeout=300)["status"] in ("graded", "ungradable")
        r = c.get("/api/v1/gradebook/01_tensors.csv")
    server.stop()
    rows = _rows(db)
    assert {r[0] for r in rows.values()} <= {"graded", "ungradable"}
    assert [r[1] for r in rows.values()] == [1, 1, 1, 1]  # no submission ever got two grades
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert sorted(row["student"] for row in table) == sorted(tokens)
    assert {row["student"]: row["status"] for row in table}["eve"] == "missing"
