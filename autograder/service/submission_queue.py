"""The durable grading queue: rows of ``submissions`` with status ``queued``.

Order: round robin across students (the student served longest ago goes first), each
student's own submissions oldest first, and at most one submission of a student grading at a
time, so one student's burst does not delay the others.

State machine of a row (``attempts`` counts gradings started)::

    queued --claim--> grading --finish--> graded | ungradable | not_graded
                         |--fault (first)--> queued
                         |--stuck (stopped at its bound)--> not_graded
                         '--stop/crash-----> queued  (the interrupted attempt is not counted)

``finish`` commits the result in one transaction and only while the row is still
``grading`` under the same attempt, so a submission never ends with two grades.
"""

from __future__ import annotations

import sqlite3
import threading

from autograder.service.db import stamp, transaction

MAX_ATTEMPTS = 2  # the grading machinery failing twice makes a submission not_graded


class Wakeup:
    """Tells the grading slots that there may be work (a new upload, a regrade)."""

    def __init__(self):
        self._cv = threading.Condition()
        self._n = 0

    def notify(self) -> None:
        with self._cv:
            self._n += 1
            self._cv.notify_all()

    def wait(self, timeout: float) -> None:
        with self._cv:
            seen = self._n
            self._cv.wait_for(lambda: self._n != seen, timeout=timeout)


def _order(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every queued row in the order they will be graded (round robin by student)."""
    rows = conn.execute("SELECT id, student, seq FROM submissions WHERE status='queued' ORDER BY seq").fetchall()
    if not rows:
        return []
    served = {r["student"]: r["last"] for r in conn.execute(
        "SELECT student, MAX(CASE WHEN status='grading' THEN '~' ELSE started_at END) AS last "
        "FROM submissions WHERE started_at IS NOT NULL GROUP BY student")}
    per: dict[str, list[sqlite3.Row]] = {}
    for r in rows:
        per.setdefault(r["student"], []).append(r)
    students = sorted(per, key=lambda s: (served.get(s) or "", per[s][0]["seq"]))
    out = []
    for k in range(max(len(v) for v in per.values())):
        out += [per[s][k] for s in students if k < len(per[s])]
    return out


def positions(conn: sqlite3.Connection) -> dict[str, int]:
    """1-based queue position of each queued submission."""
    return {r["id"]: i for i, r in enumerate(_order(conn), 1)}


def claim(conn: sqlite3.Connection) -> sqlite3.Row | None:
    """Take the next submission to grade (status -> grading), or None."""
    with transaction(conn):
        busy = {r[0] for r in conn.execute("SELECT DISTINCT student FROM submissions WHERE status='grading'")}
        nxt = next((r for r in _order(conn) if r["student"] not in busy), None)
        if nxt is None:
            return None
        conn.execute("UPDATE submissions SET status='grading', attempts=attempts+1, started_at=? WHERE id=?",
                     (stamp(), nxt["id"]))
        return conn.execute("SELECT * FROM submissions WHERE id=?", (nxt["id"],)).fetchone()


def requeue_interrupted(conn: sqlite3.Connection) -> int:
    """Put back what was grading when the server stopped or died; returns how many."""
    with transaction(conn):
        return conn.execute("UPDATE submissions SET status='queued', attempts=MAX(0, attempts-1) "
                            "WHERE status='grading'").rowcount


def finish(conn: sqlite3.Connection, sub_id: str, attempt: int, status: str, *, result: str | None = None,
           raw: float | None = None, max_score: float | None = None, worker: str = "",
           fault: str | None = None) -> bool:
    """Commit a grading's end; False when the row moved on meanwhile (nothing written)."""
    with transaction(conn):
        return conn.execute(
            "UPDATE submissions SET status=?, result=?, raw=?, max_score=?, worker=?, fault=?, graded_at=?, "
            "grades=grades+? WHERE id=? AND status='grading' AND attempts=?",
            (status, result, raw, max_score, worker, fault, stamp(), 1 if status in ("graded", "ungradable") else 0,
             sub_id, attempt)).rowcount == 1


def fault(conn: sqlite3.Connection, sub_id: str, attempt: int, why: str, retry: bool = True) -> str:
    """The grading machinery failed on this submission: queue it again, or give up after
    MAX_ATTEMPTS (``not_graded``). ``retry=False`` gives up now (a grading stopped at its
    bound would stall a slot as long again). Returns the new status."""
    if retry and attempt < MAX_ATTEMPTS:
        with transaction(conn):
            conn.execute("UPDATE submissions SET status='queued', fault=? WHERE id=? AND status='grading' "
                          "AND attempts=?", (why, sub_id, attempt))
        return "queued"
    finish(conn, sub_id, attempt, "not_graded", fault=why)
    return "not_graded"


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    got = dict(conn.execute("SELECT status, COUNT(*) FROM submissions WHERE status IN ('queued', 'grading') "
                            "GROUP BY status").fetchall())
    return {"queued": got.get("queued", 0), "grading": got.get("grading", 0)}
