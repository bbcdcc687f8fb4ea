"""Regrade previews: a dry run of a regrade, then apply or discard (trusted side).

After a test fix, staff take a preview of an assignment (or one student): one ``previews``
row per graded or ungradable submission. The grading slots grade these jobs with the tests
as they are now (after the normal queue: a slot takes a preview job only when no submission
is waiting for it), and keep the result in the job's row. A preview never changes a
submission's row, so it neither changes a grade nor counts against a student's window.

State of a job: ``queued --claim--> grading --finish--> done | not_graded`` (a grading
fault queues it again once, as for submissions; a stop puts it back).

``apply`` writes every finished job's result into its submission in one transaction, but
only where the submission's grade is still the one the preview started from (same
``grades`` count and ``graded_at``); the others (changed since, or not previewed yet) are
queued for a normal regrade. Both leave an audit entry. ``discard`` drops the jobs.
"""

from __future__ import annotations

import json
import secrets
import sqlite3

from autograder.results import result_from_dict
from autograder.service.db import Database, stamp, transaction
from autograder.service.submission_queue import MAX_ATTEMPTS

DONE = ("done", "not_graded")


def create(db: Database, actor: str, assignment: str, student: str | None) -> dict:
    """Queue a preview of every graded or ungradable submission of ``assignment`` (of one
    student when given); returns ``{"preview": id, "jobs": n}``."""
    conn = db.conn
    pid = secrets.token_urlsafe(9)
    with transaction(conn):
        sql = ("INSERT INTO previews (preview, assignment, submission, base_grades, base_graded_at, created_at, "
               "created_by) SELECT ?, assignment, id, grades, graded_at, ?, ? FROM submissions "
               "WHERE assignment=? AND status IN ('graded', 'ungradable')")
        args: tuple = (pid, stamp(), actor, assignment)
        if student:
            sql, args = sql + " AND student=?", args + (student,)
        n = conn.execute(sql + " ORDER BY seq", args).rowcount
        db.audit(actor, "regrade-preview", assignment=assignment, student=student, preview=pid, jobs=n)
    return {"preview": pid, "jobs": n}


def claim(conn: sqlite3.Connection) -> sqlite3.Row | None:
    """Take the oldest queued preview job (status -> grading): the job's columns with its
    submission's ``student``, ``kind`` and ``sha256`` (what grading needs), or None."""
    with transaction(conn):
        row = conn.execute("SELECT seq FROM previews WHERE status='queued' ORDER BY seq LIMIT 1").fetchone()
        if row is None:
            return None
        conn.execute("UPDATE previews SET status='grading', attempts=attempts+1 WHERE seq=?", (row["seq"],))
        return conn.execute(
            "SELECT p.*, s.student, s.kind, s.sha256, s.id AS id FROM previews p "
            "JOIN submissions s ON s.id = p.submission WHERE p.seq=?", (row["seq"],)).fetchone()


def finish(conn: sqlite3.Connection, seq: int, attempt: int, *, result: str, raw: float, max_score: float,
           worker: str) -> bool:
    with transaction(conn):
        return conn.execute(
            "UPDATE previews SET status='done', result=?, raw=?, max_score=?, worker=?, fault=NULL "
            "WHERE seq=? AND status='grading' AND attempts=?",
            (result, raw, max_score, worker, seq, attempt)).rowcount == 1


def fault(conn: sqlite3.Connection, seq: int, attempt: int, why: str, retry: bool = True) -> str:
    """As ``submission_queue.fault``: queued again once (unless ``retry`` is False), then not_graded."""
    status = "queued" if retry and attempt < MAX_ATTEMPTS else "not_graded"
    with transaction(conn):
        conn.execute("UPDATE previews SET status=?, fault=? WHERE seq=? AND status='grading' AND attempts=?",
                     (status, why, seq, attempt))
    return status


def requeue_interrupted(conn: sqlite3.Connection) -> int:
    with transaction(conn):
        return conn.execute("UPDATE previews SET status='queued', attempts=MAX(0, attempts-1) "
                            "WHERE status='grading'").rowcount


def _tests(result_json: str | None) -> dict[str, str]:
    if not result_json:
        return {}
    return {t.name: t.status for t in result_from_dict(json.loads(result_json)).tests}


def view(conn: sqlite3.Connection, pid: str) -> dict | None:
    """The preview as staff see it: per submission the score now and the previewed one, the
    tests whose status flips; changed ones first. None when there is no such preview."""
    jobs = conn.execute(
        "SELECT p.*, s.student, s.filename, s.status AS sub_status, s.raw AS sub_raw, s.result AS sub_result, "
        "s.grades AS sub_grades, s.graded_at AS sub_graded_at FROM previews p "
        "JOIN submissions s ON s.id = p.submission WHERE p.preview=? ORDER BY p.seq", (pid,)).fetchall()
    if not jobs:
        return None
    rows = []
    for j in jobs:
        done = j["status"] == "done"
        now_score = j["sub_raw"] if j["sub_status"] in ("graded", "ungradable") else None
        before, after = _tests(j["sub_result"]), _tests(j["result"]) if done else {}
        flips = [{"name": name, "before": before.get(name), "after": after.get(name)}
                 for name in list(before) + [n for n in after if n not in before]
                 if done and before.get(name) != after.get(name)]
        rows.append({"submission": j["submission"], "student": j["student"], "filename": j["filename"],
                     "status": j["status"], "score_now": now_score, "score_preview": j["raw"] if done else None,
                     "max_score": j["max_score"], "changed": done and (j["raw"] != now_score or bool(flips)),
                     "stale": (j["sub_grades"], j["sub_graded_at"]) != (j["base_grades"], j["base_graded_at"]),
                     "flips": flips, "fault": j["fault"]})
    rows.sort(key=lambda r: not r["changed"])  # stable: changed first, then submission order
    return {"preview": pid, "assignment": jobs[0]["assignment"], "created_at": jobs[0]["created_at"],
            "total": len(rows), "done": sum(r["status"] in DONE for r in rows),
            "changed": sum(r["changed"] for r in rows), "rows": rows}


def apply(db: Database, actor: str, pid: str) -> dict | None:
    """Write the previewed results (one transaction); queue the rest for a normal regrade.
    Returns ``{"applied": [ids], "queued": [ids]}``, or None when there is no such preview."""
    conn = db.conn
    with transaction(conn):
        jobs = conn.execute(
            "SELECT p.*, s.grades AS sub_grades, s.graded_at AS sub_graded_at, s.status AS sub_status "
            "FROM previews p JOIN submissions s ON s.id = p.submission WHERE p.preview=? ORDER BY p.seq",
            (pid,)).fetchall()
        if not jobs:
            return None
        applied, queued = [], []
        for j in jobs:
            same = (j["sub_grades"], j["sub_graded_at"]) == (j["base_grades"], j["base_graded_at"])
            if j["status"] == "done" and same and j["sub_status"] in ("graded", "ungradable"):
                status = result_from_dict(json.loads(j["result"])).status
                conn.execute("UPDATE submissions SET status=?, result=?, raw=?, max_score=?, worker=?, fault=NULL, "
                             "graded_at=?, grades=grades+1 WHERE id=?",
                             (status, j["result"], j["raw"], j["max_score"], j["worker"], stamp(), j["submission"]))
                applied.append(j["submission"])
            elif j["sub_status"] in ("graded", "ungradable"):
                conn.execute("UPDATE submissions SET status='queued', attempts=0, result=NULL, raw=NULL, "
                             "max_score=NULL, fault=NULL WHERE id=?", (j["submission"],))
                queued.append(j["submission"])
        conn.execute("DELETE FROM previews WHERE preview=?", (pid,))
        db.audit(actor, "regrade-apply", assignment=jobs[0]["assignment"], preview=pid, applied=applied,
                 queued=queued)
    return {"applied": applied, "queued": queued}


def discard(db: Database, actor: str, pid: str) -> bool:
    conn = db.conn
    with transaction(conn):
        n = conn.execute("DELETE FROM previews WHERE preview=?", (pid,)).rowcount
        if n:
            db.audit(actor, "regrade-discard", preview=pid, jobs=n)
    return bool(n)
