"""``autograder serve --executor ray``: a submission graded as a Ray task (Ray started by the
server on this machine), on the tiny course; SIGTERM leaves no process (Ray's included)."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from batch_fixtures import GOOD, alive, descendants, make_course
from service_helpers import Server, make_roster, submit, wait_done

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
        assert (full["score"], full["max_score"]) == (10, 10) and full["final"] == 10 * (1 - min(1.0, 0.25 * full["late_days"]))
        # Each process by pid and start time: on a busy host a pid freed by the stop can be
        # reused within seconds by an unrelated process.
        tree = {p: _started(p) for p in descendants(server.proc.pid)}
        assert tree  # Ray's processes
        assert server.stop(signal.SIGTERM) < 30
        deadline = time.monotonic() + 30
        while _left(tree) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _left(tree) == [], [_cmdline(p) for p in _left(tree)]
    finally:
        server.ensure_stopped()


def _started(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _left(tree: dict[int, str | None]) -> list[int]:
    return [p for p, start in tree.items() if start is not None and _started(p) == start and alive(p)]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:200]
    except OSError:
        return "?"
