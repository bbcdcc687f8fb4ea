"""Regrade previews on a real server (127.0.0.1): a dry run after a test fix says whose score
would change and by how much without touching a grade; apply writes exactly the preview."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from service_helpers import ROOT, Server, make_course, make_roster, submit, wait_done

BROKEN_PY = b"def f(:\n    pass\n"  # a syntax error: graded 0 before and after the fix
FIXED = "test_to_numpy_basic"


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("preview")
    course = make_course(tmp, "graded_per_window = 5\nwindow_hours = 1\n")
    db = tmp / "svc.db"
    tokens, staff = make_roster(tmp, db)
    server = Server(course, db, tmp / "data")
    try:
        server.start()
        server.tokens, server.staff, server.db_path = tokens, staff, db
        yield server
        server.stop()
    finally:
        server.ensure_stopped()


def stored(db, ids) -> dict:
    with sqlite3.connect(db) as conn:
        return {i: tuple(conn.execute("SELECT raw, result, grades FROM submissions WHERE id=?", (i,)).fetchone())
                for i in ids}


def wait_preview(c, pid: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = c.get(f"/api/v1/previews/{pid}").json()
        if view["done"] == view["total"]:
            return view
        time.sleep(0.5)
    raise AssertionError(f"preview {pid} not done in {timeout} s: {view}")


def test_preview_says_whose_score_changes_and_apply_writes_it(svc):
    sources = {"grace": ("bob.py", (ROOT / "tests/sample_class/01_tensors/bob.py").read_bytes()),
               "carol": ("carol.py", (ROOT / "tests/sample_class/01_tensors/carol.py").read_bytes()),
               "dave": ("dave.py", BROKEN_PY)}
    ids, before = {}, {}
    for student, (name, data) in sources.items():
        with svc.client(svc.tokens[student]) as c:
            r = submit(c, "01_tensors", name, data)
            assert r.status_code == 202, r.text
            ids[student] = r.json()["id"]
    with svc.client(svc.staff) as c:  # staff see the whole score (hidden tests too)
        for student, sid in ids.items():
            before[student] = wait_done(c, sid)
            assert before[student]["status"] == "graded", before[student]
    fixed = {s: next((t for t in b["results"] if t["name"] == FIXED), None) for s, b in before.items()}
    assert fixed["grace"]["status"] == "passed"  # bob.py is right: the fix will cost it this test's points
    # What the fix changes, from the first grading: a passed test_to_numpy_basic now fails.
    expect = {s: -t["score"] for s, t in fixed.items() if t is not None and t["status"] == "passed" and t["score"]}
    assert "grace" in expect and "dave" not in expect

    public = svc.course / "solutions/01_tensors/tests/public/test_public.py"
    original = public.read_text()
    grades_then = stored(svc.db_path, ids.values())
    try:
        public.write_text(original + f"\n\n@pytest.mark.exercise('to_numpy')\ndef {FIXED}(student):\n"
                          "    assert False, 'the fixed test'\n")
        with svc.client(svc.staff) as c:
            r = c.post("/api/v1/previews", json={"assignment": "01_tensors"})
            assert r.status_code == 202, r.text
            pid = r.json()["preview"]
            assert r.json()["jobs"] == 3
            with svc.client(svc.tokens["grace"]) as student:  # staff only
                assert student.get(f"/api/v1/previews/{pid}").status_code == 403
            view = wait_preview(c, pid)
            # The dry run touched no grade.
            assert stored(svc.db_path, ids.values()) == grades_then
            rows = {r["student"]: r for r in view["rows"]}
            assert {s for s, r in rows.items() if r["changed"]} == set(expect)
            assert view["changed"] == len(expect)
            assert [r["changed"] for r in view["rows"]] == sorted((r["changed"] for r in view["rows"]), reverse=True)
            for s, r in rows.items():
                assert r["status"] == "done" and r["score_now"] == before[s]["score"]
                assert r["score_preview"] == pytest.approx(before[s]["score"] + expect.get(s, 0.0)), (s, r)
                flips = [(f["name"], f["before"], f["after"]) for f in r["flips"]]
                assert flips == ([(FIXED, "passed", "failed")] if s in expect else []), (s, flips)

            r = c.post(f"/api/v1/previews/{pid}/apply")
            assert r.status_code == 200, r.text
            assert sorted(r.json()["applied"]) == sorted(ids.values()) and r.json()["queued"] == []
            assert c.get(f"/api/v1/previews/{pid}").status_code == 404  # applied: gone
            after = {s: c.get(f"/api/v1/submissions/{sid}").json() for s, sid in ids.items()}
        for s, sub in after.items():
            assert sub["status"] == "graded" and sub["score"] == rows[s]["score_preview"], (s, sub)
        now = stored(svc.db_path, ids.values())
        assert all(now[i][2] == grades_then[i][2] + 1 for i in ids.values())  # one more grading recorded
        with sqlite3.connect(svc.db_path) as conn:
            audit = conn.execute("SELECT actor, detail FROM audit WHERE action='regrade-apply'").fetchall()
        assert len(audit) == 1 and audit[0][0] == "prof"
        assert sorted(json.loads(audit[0][1])["applied"]) == sorted(ids.values())
    finally:
        public.write_text(original)


def test_apply_regrades_what_changed_since_and_discard_drops(svc):
    """A preview taken, then the submission graded again: apply does not write the stale
    preview but queues a normal regrade; a discarded preview is gone."""
    with svc.client(svc.staff) as c:
        r = c.post("/api/v1/previews", json={"assignment": "01_tensors", "student": "dave"})
        pid = r.json()["preview"]
        wait_preview(c, pid)
        assert c.post("/api/v1/regrade", json={"assignment": "01_tensors", "student": "dave"}).json() == {"queued": 1}
        sid = wait_preview(c, pid)["rows"][0]["submission"]
        wait_done(c, sid)
        assert wait_preview(c, pid)["rows"][0]["stale"] is True
        r = c.post(f"/api/v1/previews/{pid}/apply")
        assert r.json() == {"applied": [], "queued": [sid]}
        assert wait_done(c, sid)["status"] == "graded"
        other = c.post("/api/v1/previews", json={"assignment": "01_tensors", "student": "dave"}).json()["preview"]
        assert c.delete(f"/api/v1/previews/{other}").json() == {"preview": other, "discarded": True}
        assert c.get(f"/api/v1/previews/{other}").status_code == 404
        assert c.post("/api/v1/previews", json={"assignment": "01_tensors", "student": "nobody"}).status_code == 404


def test_a_schema_1_database_migrates_to_previews(tmp_path):
    """A database written before previews existed gains the table on start, its rows kept."""
    from autograder.service.db import MIGRATIONS, SCHEMA_VERSION, _statements, open_db

    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    for statement in _statements(MIGRATIONS[0]):
        old.execute(statement)
    old.execute("INSERT INTO meta VALUES ('schema', '1')")
    old.execute("INSERT INTO users (id, role, created_at) VALUES ('prof', 'staff', 'now')")
    old.commit()
    old.close()
    db = open_db(path)
    assert SCHEMA_VERSION == 2
    assert db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == "2"
    assert db.execute("SELECT COUNT(*) FROM previews").fetchone()[0] == 0
    assert [tuple(r) for r in db.execute("SELECT id FROM users")] == [("prof",)]
