"""What the submission service does, without HTTP: docs/SERVICE.md's operations.

``Service`` is the one place where the service's rules live: who may see and do what,
deadlines and the rate window, the queue, visibility, regrades, the counted submissions.
Its operations take a ``User`` (auth.py) and plain parameters (ids, form values, bytes)
and return data; a refusal is a ``ServiceError`` with the contract's status code and a
sentence saying what to do. The JSON API (api.py) and the web pages (pages.py) are thin
adapters over it: they authenticate, parse, call one operation and render. Every method
blocks (SQLite, scrypt): the adapters call them in the thread pool, never in the event loop.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import secrets
import sqlite3
import time
import unicodedata
import zipfile
from pathlib import PurePosixPath
from typing import Callable

from autograder import i18n, mistake_counts, report, scoring, upload_check
from autograder.config import ConfigError, assignment_paths
from autograder.service import (diagnoses, dispatch, messages, policies, previews, roster, similarity_runs,
                                submission_queue, views, wheel)
from autograder.service.auth import Authenticator, User
from autograder.service.config import ServiceConfig
from autograder.service.db import Database, now, stamp, transaction
from autograder.service.store import BlobStore


class ServiceError(Exception):
    """A refused operation: ``status`` is the contract's code (docs/SERVICE.md), ``message``
    what happened and what to do, ``headers`` what the answer must carry (``Retry-After``).
    ``localized(lang)``, when given, is the whole message in another language (the adapters
    use it instead of the English sentence), and ``headline`` an N_-marked headline of its own
    (messages.py) instead of the status code's."""

    def __init__(self, status: int, message: str, headers: dict | None = None, *,
                 localized: Callable[[str], str] | None = None, headline: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.localized = localized
        self.headline = headline


# ---------------------------------------------------------------------------- input checks

def clean_filename(name: str) -> str:
    """The name as sent, path components dropped and control characters removed."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    if base in ("", ".", ".."):
        return "submission"
    return base[:200]


def sniff(data: bytes, filename: str) -> str | None:
    """``ipynb`` | ``py`` | ``zip`` by content (the name only breaks a tie between JSON
    and Python text), or None for anything else (an image, a PDF, binary)."""
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if b"\x00" in data[:65536]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    lower = filename.lower()
    if lower.endswith(".ipynb") or (not lower.endswith(".py") and text.lstrip().startswith("{")):
        return "ipynb"  # a broken notebook is accepted and ends ungradable, with the loader's reason
    return "py"


def _iso(when: dt.datetime | None) -> str | None:
    return when.astimezone(dt.timezone.utc).isoformat() if when else None


def _human(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{math.ceil(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


# ---------------------------------------------------------------------------- the service

class Service:
    def __init__(self, config: ServiceConfig, log=print):
        self.config = config
        self.log = log
        self.db = Database(config.db)
        self.course = policies.Course(config.course)
        self.store = BlobStore(config.data)
        self.auth = Authenticator()
        self.wakeup = submission_queue.Wakeup()
        self.pool = dispatch.Dispatcher(config, self.db, self.course, self.store, self.wakeup, log=log)
        self.similarity = similarity_runs.SimilarityRuns(config.data / "similarity", config.course)
        self.lookups = diagnoses.Throttle()

    # ------------------------------------------------------------ who is asking
    def token_user(self, authorization: str | None) -> User | None:
        """The user an ``Authorization: Bearer <token>`` value names, or None."""
        return self.auth.user(self.db.conn, authorization)

    def authenticate(self, authorization: str | None) -> User:
        """The token's user, or 401."""
        user = self.token_user(authorization)
        if user is None:
            raise ServiceError(401, "no valid token: send `Authorization: Bearer <your token>` (a revoked token "
                                    "no longer works; ask course staff for a new one)")
        return user

    def session_user(self, session: dict) -> User | None:
        """A web page's logged-in user (the cookie session of sessions.py), while their token is
        the one they logged in with and not revoked."""
        uid, token_id = session.get("user"), session.get("token_id")
        if not uid or not token_id:
            return None
        row = self.db.conn.execute("SELECT id, role, name FROM users WHERE id=? AND token_id=? AND revoked=0",
                                   (uid, token_id)).fetchone()
        return User(row["id"], row["role"], row["name"]) if row else None

    def require_staff(self, u: User) -> User:
        if u.role != "staff":
            raise ServiceError(403, "this route is for course staff")
        return u

    def require_student(self, u: User) -> User:
        """The submitter's role check (403), before the upload's body is read."""
        if u.role != "student":
            raise ServiceError(403, "staff tokens cannot submit: use a student's token (or `roster add` a test "
                                    "student)")
        return u

    # ------------------------------------------------------------ helpers
    def assignment(self, aid: str | None):
        got = self.course.get(aid) if aid else None
        if got is None:
            raise ServiceError(404, f"unknown assignment {aid!r}; GET /api/v1/assignments lists them")
        return got

    def _roster_student(self, student: str | None) -> None:
        if student is not None and self.db.conn.execute("SELECT 1 FROM users WHERE id=?",
                                                        (student,)).fetchone() is None:
            raise ServiceError(404, f"no student {student!r} in the roster")

    def deadlines(self, conn: sqlite3.Connection, student: str, cfg, policy) -> policies.Deadlines:
        row = conn.execute("SELECT due, closes, extra FROM extensions WHERE student=? AND assignment=?",
                           (student, cfg.id)).fetchone()
        return policies.deadlines(cfg, policy, policies.Extension.from_row(row))

    def counted_times(self, conn: sqlite3.Connection, student: str, aid: str) -> list[dt.datetime]:
        return [dt.datetime.fromisoformat(r[0]) for r in conn.execute(
            "SELECT received_at FROM submissions WHERE student=? AND assignment=? AND status != 'not_graded'",
            (student, aid))]

    def published(self, conn: sqlite3.Connection, aid: str) -> bool:
        return conn.execute("SELECT 1 FROM published WHERE assignment=?", (aid,)).fetchone() is not None

    def submission_json(self, conn: sqlite3.Connection, row, viewer: User, pos: dict[str, int]) -> dict:
        got = self.course.get(row["assignment"])
        out = {"id": row["id"], "student": row["student"], "assignment": row["assignment"],
               "filename": row["filename"], "sha256": row["sha256"], "received_at": row["received_at"],
               "status": row["status"], "position": pos.get(row["id"]) if row["status"] == "queued" else None,
               "late_days": row["late_days"], "score": None, "max_score": None, "final": None,
               "hidden_pending": False, "results": None, "feedback_md": None, "error": None}
        if got is None:
            return out
        cfg, policy = got
        d = self.deadlines(conn, row["student"], cfg, policy)
        show = policies.hidden_visible(cfg.hidden_visibility, d.due, self.published(conn, cfg.id), now())
        staff = viewer.role == "staff"
        out["hidden_pending"] = not (show or staff)
        if row["status"] in ("graded", "ungradable") and row["result"]:
            out.update(views.result_view(views.decode(row["result"]), title=cfg.title, show_hidden=show,
                                         staff=staff, late_days=row["late_days"],
                                         per_day=cfg.late_penalty_per_day, due=d.due))
        elif row["status"] == "not_graded":
            out["error"] = ("The grading machinery could not grade this submission. This is not your fault and "
                            "does not count against your submission limit: submit again, or wait for course "
                            "staff to regrade it.")
            out["feedback_md"] = "# Not graded\n\n" + out["error"] + "\n"
            if staff:
                out["fault"] = row["fault"]
        return out

    # ------------------------------------------------------------ everyone
    def health(self) -> dict:
        return {"status": "ok", **submission_queue.counts(self.db.conn)}

    def me(self, u: User) -> dict:
        return {"id": u.id, "role": u.role, "name": u.name}

    def assignments(self, u: User) -> list[dict]:
        conn = self.db.conn
        out = []
        t = now()
        for aid in self.course.ids():
            cfg, policy = self.course.get(aid)
            d = self.deadlines(conn, u.id, cfg, policy) if u.role == "student" else policies.deadlines(
                cfg, policy, policies.Extension())
            left = policies.left_in_window(self.counted_times(conn, u.id, aid), d, t) if u.role == "student" else None
            out.append({"id": aid, "title": cfg.title, "due": _iso(d.due), "closes": _iso(d.closes),
                        "max_score": cfg.total_points, "graded_left": left,
                        "hidden_visibility": cfg.hidden_visibility, "max_upload_mb": policy.max_upload_mb})
        return out

    def student_assignments(self, u: User) -> list[dict]:
        """``assignments`` with, for a student, when the window lets them submit next
        (``next_at``, None when now) and whether the assignment is ``closed`` for them."""
        conn, t = self.db.conn, now()
        out = []
        for a in self.assignments(u):
            cfg, policy = self.course.get(a["id"])
            d = self.deadlines(conn, u.id, cfg, policy)
            wait = policies.retry_after(self.counted_times(conn, u.id, a["id"]), d, t)
            a["next_at"] = t + dt.timedelta(seconds=wait) if wait else None
            a["closed"] = d.closed(t)
            out.append(a)
        return out

    def student_assignment(self, u: User, aid: str) -> dict:
        self.assignment(aid)  # 404 first
        return next(a for a in self.student_assignments(u) if a["id"] == aid)

    def release(self, u: User, aid: str) -> bytes:
        self.assignment(aid)
        folder = self.course.release_dir(aid)
        if folder is None:
            raise ServiceError(404, f"{aid} has no released folder yet (course staff: run `autograder release "
                                    f"{aid}`)")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(folder.rglob("*")):
                if f.is_file() and not f.is_symlink() and not {"__pycache__", ".hypothesis"} & set(f.parts):
                    z.write(f, f"{aid}/{f.relative_to(folder).as_posix()}")
        return buf.getvalue()

    def package(self) -> str | None:
        """The file name of the package wheel students install from this server
        (``/package/<name>``; wheel.py builds it into ``<data>/wheels``), or None."""
        found = wheel.find(self.config.data)
        return found.name if found else None

    def package_file(self, name: str) -> tuple[bytes, str]:
        """The package wheel's bytes, for ``/package/<name>`` (anyone: it is the public package)."""
        found = wheel.find(self.config.data)
        if found is None or found.name != name:
            raise ServiceError(404, f"no package {name!r} here" + (
                f": the package is /package/{found.name}" if found else
                " (course staff: build it with `make wheel DATA=<the server's --data folder>`)"))
        return found.read_bytes(), found.name

    def diagnose(self, u: User, aid: str, body: bytes, lang: str) -> dict:
        """The known mistakes a check()'s failed public tests match (diagnoses.py), in ``lang``:
        ``{"diagnoses": [{"test", "mistake", "exercise", "misconception", "said"}]}``."""
        try:
            failed = diagnoses.parse(body)
        except diagnoses.Malformed as e:
            raise ServiceError(422, str(e)) from None
        self.assignment(aid)
        wait = self.lookups.wait(u.id, time.monotonic())
        if wait is not None:
            raise ServiceError(429, f"too many look-ups of known mistakes: at most {self.lookups.limit} per "
                                    f"{self.lookups.window:g} s; check() works without them, try again in "
                                    f"{_human(wait)}", {"Retry-After": str(wait)}, headline=messages.TOO_MANY_LOOKUPS)
        return {"diagnoses": diagnoses.diagnose(assignment_paths(aid, self.course.root), failed, lang)}

    # ------------------------------------------------------------ submissions
    def max_upload_bytes(self) -> int:
        """The largest file any assignment accepts (a body above it is refused before it is parsed)."""
        sizes = [self.course.get(a)[1].max_upload_bytes for a in self.course.ids()]
        return max(sizes, default=20 << 20)

    def submit(self, u: User, aid: str, filename: str, data: bytes) -> dict:
        self.require_student(u)
        cfg, policy = self.assignment(aid)
        conn = self.db.conn
        t = now()
        d = self.deadlines(conn, u.id, cfg, policy)
        if d.closed(t):
            raise ServiceError(409, f"{aid} closed at {_iso(d.closes)}: no more submissions are accepted (ask "
                                    "course staff if you need an extension)")
        self._rate(conn, u, aid, d, t)
        if len(data) > policy.max_upload_bytes:
            raise ServiceError(413, f"the file is {len(data) / 2**20:.1f} MiB, over the {policy.max_upload_mb:g} "
                                    f"MiB limit of {aid}: submit only your notebook (clear large outputs first)")
        name = clean_filename(filename)
        kind = sniff(data, name)
        if kind is None:
            raise ServiceError(415, f"{name!r} is not a notebook (.ipynb), a Python file (.py) or a .zip by its "
                                    "content: submit your notebook file")
        self._this_assignment(cfg, policy, name, kind, data)
        sha = self.store.put(data)  # fsynced before the row that points at it is committed
        sub_id = "s_" + secrets.token_urlsafe(12)
        with transaction(conn):
            self._rate(conn, u, aid, d, t)  # again, under the write lock: two parallel uploads
            conn.execute("INSERT INTO submissions (id, student, assignment, filename, kind, sha256, size, "
                         "received_at, late_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (sub_id, u.id, aid, name, kind, sha, len(data), stamp(t), scoring.late_days(t, d.due)))
        self.wakeup.notify()
        return {"id": sub_id, "status": "queued", "position": submission_queue.positions(conn).get(sub_id)}

    def _expected(self, aid: str) -> upload_check.Expected:
        cfg = self.course.get(aid)[0]
        return upload_check.Expected(aid, frozenset(cfg.exercises))

    def _this_assignment(self, cfg, policy, name: str, kind: str, data: bytes) -> None:
        """422 for an upload that cannot be ``cfg``'s work (upload_check.py: empty, no code
        cells, another assignment's): nothing stored, no submission used, the window untouched."""
        others = [self._expected(a) for a in self.course.ids() if a != cfg.id]
        refusal = upload_check.check_upload(data, kind, self._expected(cfg.id), others, policy.max_upload_bytes)
        if refusal is None:
            return
        reason = refusal.reason
        if reason == "other_assignment" and not refusal.found:
            reason = "other_notebook"  # told by the notebook's metadata alone
        fields = {"uploaded": name, "assignment": cfg.id, "other": refusal.other or "",
                  "found": ", ".join(refusal.found[:5]) + (", ..." if len(refusal.found) > 5 else ""),
                  "expected": ", ".join(cfg.exercises)}

        def localized(lang: str) -> str:
            return messages.upload_refused(reason, lang, **fields)

        raise ServiceError(422, localized(i18n.DEFAULT), localized=localized,
                           headline=messages.NOT_THIS_ASSIGNMENT)

    def _rate(self, conn, u: User, aid: str, d: policies.Deadlines, t: dt.datetime) -> None:
        wait = policies.retry_after(self.counted_times(conn, u.id, aid), d, t)
        if wait is not None:
            raise ServiceError(429, f"you have used your {d.limit} submission(s) of {aid} per "
                                    f"{d.window.total_seconds() / 3600:g} h: try again in {_human(wait)}",
                               {"Retry-After": str(wait)})

    def list_submissions(self, u: User, assignment: str | None = None, student: str | None = None) -> list[dict]:
        """Newest first: a student's own (whatever ``student`` says); for staff all, or one student's."""
        conn = self.db.conn
        if assignment is not None:
            self.assignment(assignment)
        where, args = [], []
        if assignment is not None:
            where.append("assignment=?")
            args.append(assignment)
        if u.role == "student":
            where.append("student=?")  # always their own, whatever &student= says
            args.append(u.id)
        elif student is not None:
            where.append("student=?")
            args.append(student)
        sql = "SELECT * FROM submissions" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY seq DESC"
        pos = submission_queue.positions(conn)
        return [self.submission_json(conn, r, u, pos) for r in conn.execute(sql, args).fetchall()]

    def _own(self, u: User, sub_id: str):
        row = self.db.conn.execute("SELECT * FROM submissions WHERE id=?", (sub_id,)).fetchone()
        if row is None or (u.role != "staff" and row["student"] != u.id):
            raise ServiceError(404, f"no submission {sub_id!r} of yours: GET /api/v1/submissions lists them")
        return row

    def get_submission(self, u: User, sub_id: str) -> dict:
        row = self._own(u, sub_id)
        return self.submission_json(self.db.conn, row, u, submission_queue.positions(self.db.conn))

    def get_file(self, u: User, sub_id: str) -> tuple[bytes, str]:
        """The bytes as uploaded and the name they were sent with."""
        row = self._own(u, sub_id)
        return self.store.get(row["sha256"]), row["filename"]

    # ------------------------------------------------------------ staff: regrades
    def regrade(self, u: User, aid: str | None, student: str | None = None) -> dict:
        self.require_staff(u)
        self.assignment(aid)
        self._roster_student(student)
        conn = self.db.conn
        with transaction(conn):
            sql = ("UPDATE submissions SET status='queued', attempts=0, result=NULL, raw=NULL, max_score=NULL, "
                   "fault=NULL WHERE assignment=? AND status IN ('graded', 'ungradable')")
            n = conn.execute(sql + (" AND student=?" if student else ""),
                             (aid, student) if student else (aid,)).rowcount
            self.db.audit(u.id, "regrade", assignment=aid, student=student, queued=n)
        self.pool.reload(aid)
        self.wakeup.notify()
        return {"queued": n}

    def regrade_candidates(self, u: User, aid: str, student: str | None = None) -> list[dict]:
        """What a regrade would queue again: every graded or ungradable submission, with its
        score now (the one a fixed test may change) and whether it is the counted one."""
        self.require_staff(u)
        subs = self.list_submissions(u, assignment=aid, student=student)
        counted = self.counted_ids(aid)
        return [{"id": s["id"], "student": s["student"], "filename": s["filename"], "status": s["status"],
                 "score": s["score"], "final": s["final"], "counted": s["id"] in counted}
                for s in subs if s["status"] in ("graded", "ungradable")]

    def preview(self, u: User, aid: str | None, student: str | None = None) -> dict:
        """A regrade's dry run (previews.py): graded with the tests as they are now, no grade
        touched until ``apply_preview``."""
        self.require_staff(u)
        self.assignment(aid)
        self._roster_student(student)
        got = previews.create(self.db, u.id, aid, student)
        self.pool.reload(aid)  # the preview grades with the tests as they are now
        self.wakeup.notify()
        return got

    def preview_view(self, u: User, pid: str) -> dict:
        self.require_staff(u)
        got = previews.view(self.db.conn, pid)
        if got is None:
            raise ServiceError(404, f"no regrade preview {pid!r} (applied or discarded already?): take a new one "
                                    "with POST /api/v1/previews")
        return got

    def preview_with_counted(self, u: User, aid: str, pid: str) -> dict:
        """A preview of ``aid`` (404 for another assignment's) with each row's ``counted``:
        whether that submission makes its student's grade now."""
        view = self.preview_view(u, pid)
        if view["assignment"] != aid:
            raise ServiceError(404, f"no regrade preview {pid!r} of {aid}")
        counted = self.counted_ids(aid)
        for r in view["rows"]:
            r["counted"] = r["submission"] in counted
        return view

    def apply_preview(self, u: User, pid: str) -> dict:
        self.require_staff(u)
        got = previews.apply(self.db, u.id, pid)
        if got is None:
            raise ServiceError(404, f"no regrade preview {pid!r} (applied or discarded already?)")
        if got["queued"]:
            self.wakeup.notify()
        return got

    def discard_preview(self, u: User, pid: str) -> dict:
        self.require_staff(u)
        if not previews.discard(self.db, u.id, pid):
            raise ServiceError(404, f"no regrade preview {pid!r} (applied or discarded already?)")
        return {"preview": pid, "discarded": True}

    # ------------------------------------------------------------ staff: the class
    def publish(self, u: User, aid: str | None) -> dict:
        self.require_staff(u)
        self.assignment(aid)
        conn = self.db.conn
        with transaction(conn):
            conn.execute("INSERT OR REPLACE INTO published VALUES (?, ?, ?)", (aid, stamp(), u.id))
            self.db.audit(u.id, "publish", assignment=aid)
        return {"assignment": aid, "published": True}

    def gradebook_csv(self, u: User, aid: str) -> str:
        """The ``batch --csv`` columns, one row per roster student."""
        self.require_staff(u)
        cfg, policy = self.assignment(aid)
        return views.gradebook_csv(self.counted(cfg, policy), cfg, cfg.late_penalty_per_day)

    def report_html(self, u: User, aid: str) -> str:
        """The class report (report.py) over the counted submissions."""
        self.require_staff(u)
        cfg, policy = self.assignment(aid)
        return report.build_html(views.entries(self.counted(cfg, policy), cfg, cfg.late_penalty_per_day), cfg)

    # ------------------------------------------------------------ staff: similarity
    def similarity_start(self, u: User, aid: str, lang: str) -> similarity_runs.RunState:
        """Compare the counted submissions' code (``autograder similarity``) in the background;
        409 while a run of ``aid`` is going or when nothing is graded yet."""
        self.require_staff(u)
        cfg, policy = self.assignment(aid)
        files = []
        for c in self.counted(cfg, policy):
            if c.submission_id:
                row = self.db.conn.execute("SELECT sha256, filename FROM submissions WHERE id=?",
                                           (c.submission_id,)).fetchone()
                data = self.store.get(row["sha256"])
                files.append((c.student, data, sniff(data, row["filename"]) or "py"))
        if not files:
            raise ServiceError(409, "no graded submission of this assignment yet: run the similarity check once "
                                    "students have submitted")
        try:
            return self.similarity.start(aid, files, lang)
        except RuntimeError:
            raise ServiceError(409, "a similarity check of this assignment is running: wait for it to finish "
                                    "(the staff page shows its progress)") from None

    def similarity_state(self, u: User, aid: str) -> similarity_runs.RunState | None:
        """The last similarity run of ``aid`` started by this server (None: none yet)."""
        self.require_staff(u)
        self.assignment(aid)
        return self.similarity.state(aid)

    def similarity_report(self, u: User, aid: str) -> str:
        """The last similarity report of ``aid`` (404 before the first one)."""
        self.require_staff(u)
        self.assignment(aid)
        path = self.similarity.report(aid)
        if path is None:
            raise ServiceError(404, "no similarity report for this assignment yet: start one on its staff page")
        return path.read_text(encoding="utf-8")

    def staff_assignment(self, u: User, aid: str) -> dict:
        """One assignment for staff: as ``assignments`` lists it, with ``published``, the
        ``counted`` submissions, the known ``mistakes`` they were diagnosed with (per exercise,
        most common first, with the students: mistake_counts.py) and the ``extensions``."""
        self.require_staff(u)
        cfg, policy = self.assignment(aid)
        a = next(x for x in self.assignments(u) if x["id"] == aid)
        a["published"] = self.published(self.db.conn, aid)
        a["counted"] = self.counted(cfg, policy)
        a["mistakes"] = mistake_counts.count(((c.student, c.result) for c in a["counted"] if c.result is not None),
                                             cfg.exercises)
        a["extensions"] = [dict(r) for r in self.db.conn.execute(
            "SELECT * FROM extensions WHERE assignment=? ORDER BY student", (aid,)).fetchall()]
        return a

    def counted_ids(self, aid: str) -> set[str]:
        """The ids of the submissions that make each student's grade of ``aid`` now."""
        cfg, policy = self.assignment(aid)
        return {c.submission_id for c in self.counted(cfg, policy) if c.submission_id}

    def queue_view(self, u: User) -> dict:
        """What is grading (with seconds so far) and what waits (in queue order), and the
        grading processes."""
        self.require_staff(u)
        conn = self.db.conn
        pos = submission_queue.positions(conn)
        rows = [dict(r) for r in conn.execute(
            "SELECT id, student, assignment, status, filename, received_at, started_at, attempts FROM submissions "
            "WHERE status IN ('queued', 'grading')").fetchall()]
        t = now()
        for r in rows:
            r["position"] = pos.get(r["id"])
            r["seconds"] = int((t - dt.datetime.fromisoformat(r["started_at"])).total_seconds()) \
                if r["status"] == "grading" and r["started_at"] else None
        grading_rows = sorted((r for r in rows if r["status"] == "grading"), key=lambda r: r["started_at"] or "")
        queued = sorted((r for r in rows if r["status"] == "queued"), key=lambda r: r["position"] or 0)
        return {"grading": grading_rows, "queued": queued, "processes": self.pool.processes()}

    def people(self, u: User) -> list[dict]:
        """Everyone in the roster: the students, then the staff, each by id."""
        self.require_staff(u)
        return [dict(r) for r in self.db.conn.execute(
            "SELECT id, role, name, email, revoked FROM users ORDER BY role DESC, id").fetchall()]

    def person(self, u: User, uid: str) -> dict:
        self.require_staff(u)
        row = self.db.conn.execute("SELECT id, role, name, email, revoked FROM users WHERE id=?", (uid,)).fetchone()
        if row is None:
            raise ServiceError(404, f"no user {uid!r} in the roster")
        return dict(row)

    def extend(self, u: User, aid: str, student: str, due: str | None = None, closes: str | None = None,
               extra: int | None = None) -> dict:
        """A student's extension for ``aid`` (roster.extend; fields not given are kept); 422 for
        an unknown student or a date that does not parse."""
        self.require_staff(u)
        self.assignment(aid)
        try:
            return roster.extend(self.db, student, aid, due=due, closes=closes, extra=extra, actor=u.id)
        except ConfigError as e:
            raise ServiceError(422, str(e)) from None

    def revoke(self, u: User, who: str) -> None:
        """Revoke a user's token (roster.revoke); 404 for an unknown id."""
        self.require_staff(u)
        try:
            roster.revoke(self.db, who, u.id)
        except ConfigError as e:
            raise ServiceError(404, str(e)) from None

    def counted(self, cfg, policy) -> list[views.Counted]:
        """The submission that makes each roster student's grade (the CSV's and the report's rows)."""
        conn = self.db.conn
        counted = []
        scored: dict[str, views.Counted] = {}

        def graded(row) -> views.Counted:
            # Each result decoded and scored once, and only when needed ("last" needs one per student).
            if row["id"] not in scored:
                scored[row["id"]] = views.Counted.graded(row, cfg.late_penalty_per_day)
            return scored[row["id"]]

        for (student,) in conn.execute("SELECT id FROM users WHERE role='student' ORDER BY id").fetchall():
            d = self.deadlines(conn, student, cfg, policy)
            rows = conn.execute("SELECT * FROM submissions WHERE student=? AND assignment=? ORDER BY seq",
                                (student, cfg.id)).fetchall()
            done = [r for r in rows if r["status"] in scoring.GRADE_STATUSES and r["result"]
                    and (d.closes is None or dt.datetime.fromisoformat(r["received_at"]) <= d.closes)]
            pick = scoring.counted(done, policy.counts, lambda r: graded(r).score.final,
                                   graded=lambda r: r["status"] == "graded")
            if pick is not None:
                counted.append(graded(pick))
            else:
                pending = [r["status"] for r in rows if r["status"] in ("queued", "grading")]
                status = pending[-1] if pending else ("not_graded" if rows else "missing")
                counted.append(views.Counted(student, status))
        return counted
