"""``autograder serve --executor ray``: a submission graded as a Ray task (Ray started by the
server on this machine), on the tiny course; SIGTERM leaves no process (Ray's included)."""

from __future__ import annotations

import signal
import time

import pytest

from batch_fixtures import GOOD, make_course
from service_helpers import Server, alive, descendants, make_roster, submit, wait_done

pytestmark = pytest.mark.slow


def test_serve_with_the_ray_executor(tmp_path):
    course = make_course(tmp_path / "course")
    db = tmp_path / "svc.db"
    tokens, staff = make_roster(tmp_path, db, ["ann"])
    server = Server(course, db, tmp_path / "data", extra=("--executor", "ray"))
    try:
        server.start()
        with server.client(tokens["ann"]) as c:
            r = submit(c, "tiny", "tiny.py", GOOD.encode())
            assert r.status_code == 202
            sub = wait_done(c, r.json()["id"], timeout=300)
        assert sub["status"] == "graded" and (sub["score"], sub["max_score"]) == (3, 3)  # public only, for now
        assert sub["hidden_pending"] and sub["final"] is None
        with server.client(staff) as c:
            full = c.get(f"/api/v1/submissions/{sub['id']}").json()
        assert (full["score"], full["max_score"]) == (10, 10) and full["final"] == 10 * (1 - 0.25 * full["late_days"])
        tree = descendants(server.proc.pid)
        assert tree  # Ray's processes
        assert server.stop(signal.SIGTERM) < 30
        deadline = time.monotonic() + 10
        while [p for p in tree if alive(p)] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [p for p in tree if alive(p)] == []
    finally:
        server.ensure_stopped()
