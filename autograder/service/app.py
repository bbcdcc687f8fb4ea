"""The HTTP API of ``autograder serve`` (Starlette, served by uvicorn): docs/SERVICE.md.

Errors are ``{"error": "..."}``. The checks of every route run in the contract's order and
the first failing one answers: 401 token, 403 role, 422 malformed request, 404 unknown
assignment or not your submission (never 403: ids reveal nothing), 409 closed, 429 rate,
413 size, 415 content. Database work and scrypt run in the thread pool, never in the event
loop. Web pages (Jinja2) are a separate router added next to ``api_routes``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import json
import math
import secrets
import signal
import sqlite3
import unicodedata
import zipfile
from pathlib import PurePosixPath

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from autograder import scoring
from autograder.service import dispatch, views, messages, policies, previews, submission_queue
from autograder.service.auth import Authenticator, User
from autograder.service.config import ServiceConfig
from autograder.service.db import Database, now, stamp, transaction
from autograder.service.store import BlobStore

MULTIPART_SLACK = 1 << 20  # bytes of multipart framing and fields allowed above the file limit
PAGE_USER = "autograder.page_user"  # scope key: the user of a web page request (cookie session)


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


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

    # ------------------------------------------------------------ helpers (thread pool)
    def user(self, request: Request) -> User:
        # The web pages (pages.py) put the cookie session's user here; API routes never do.
        if isinstance(request.scope.get(PAGE_USER), User):
            return request.scope[PAGE_USER]
        user = self.auth.user(self.db.conn, request.headers.get("authorization"))
        if user is None:
            raise ApiError(401, "no valid token: send `Authorization: Bearer <your token>` (a revoked token "
                                "no longer works; ask course staff for a new one)")
        return user

    def assignment(self, aid: str):
        got = self.course.get(aid) if aid else None
        if got is None:
            raise ApiError(404, f"unknown assignment {aid!r}; GET /api/v1/assignments lists them")
        return got

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
               "hidden_pending": False, "results": None, "feedback_md": None}
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
            out["feedback_md"] = ("# Not graded\n\nThe grading machinery failed twice on this submission. This is "
                                  "not your fault and does not count against your submission limit: submit "
                                  "again, or wait for course staff to regrade it.\n")
            if staff:
                out["fault"] = row["fault"]
        return out

    # ------------------------------------------------------------ route bodies (thread pool)
    def me(self, request: Request) -> dict:
        u = self.user(request)
        return {"id": u.id, "role": u.role, "name": u.name}

    def assignments(self, request: Request) -> list:
        u = self.user(request)
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

    def release(self, request: Request, aid: str) -> bytes:
        self.user(request)
        self.assignment(aid)
        folder = self.course.release_dir(aid)
        if folder is None:
            raise ApiError(404, f"{aid} has no released folder yet (course staff: run `autograder release {aid}`)")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(folder.rglob("*")):
                if f.is_file() and not f.is_symlink() and not {"__pycache__", ".hypothesis"} & set(f.parts):
                    z.write(f, f"{aid}/{f.relative_to(folder).as_posix()}")
        return buf.getvalue()

    def upload_limit(self) -> int:
        """The largest body any assignment accepts (its file limit plus multipart framing)."""
        sizes = [self.course.get(a)[1].max_upload_bytes for a in self.course.ids()]
        return max(sizes, default=20 << 20) + MULTIPART_SLACK

    def pre_upload(self, request: Request) -> User:
        u = self.user(request)
        if u.role != "student":
            raise ApiError(403, "staff tokens cannot submit: use a student's token (or `roster add` a test student)")
        return u

    def submit(self, u: User, aid: str, filename: str, data: bytes) -> dict:
        cfg, policy = self.assignment(aid)
        conn = self.db.conn
        t = now()
        d = self.deadlines(conn, u.id, cfg, policy)
        if d.closed(t):
            raise ApiError(409, f"{aid} closed at {_iso(d.closes)}: no more submissions are accepted (ask course "
                                "staff if you need an extension)")
        self._rate(conn, u, aid, d, t)
        if len(data) > policy.max_upload_bytes:
            raise ApiError(413, f"the file is {len(data) / 2**20:.1f} MiB, over the {policy.max_upload_mb:g} MiB limit "
                                f"of {aid}: submit only your notebook (clear large outputs first)")
        name = clean_filename(filename)
        kind = sniff(data, name)
        if kind is None:
            raise ApiError(415, f"{name!r} is not a notebook (.ipynb), a Python file (.py) or a .zip by its "
                                "content: submit your notebook file")
        sha = self.store.put(data)  # fsynced before the row that points at it is committed
        sub_id = "s_" + secrets.token_urlsafe(12)
        with transaction(conn):
            self._rate(conn, u, aid, d, t)  # again, under the write lock: two parallel uploads
            conn.execute("INSERT INTO submissions (id, student, assignment, filename, kind, sha256, size, "
                         "received_at, late_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (sub_id, u.id, aid, name, kind, sha, len(data), stamp(t), scoring.late_days(t, d.due)))
        self.wakeup.notify()
        return {"id": sub_id, "status": "queued", "position": submission_queue.positions(conn).get(sub_id)}

    def _rate(self, conn, u: User, aid: str, d: policies.Deadlines, t: dt.datetime) -> None:
        wait = policies.retry_after(self.counted_times(conn, u.id, aid), d, t)
        if wait is not None:
            raise ApiError(429, f"you have used your {d.limit} submission(s) of {aid} per "
                                f"{d.window.total_seconds() / 3600:g} h: try again in {_human(wait)}",
                           {"Retry-After": str(wait)})

    def list_submissions(self, request: Request) -> list:
        u = self.user(request)
        conn = self.db.conn
        aid = request.query_params.get("assignment")
        student = request.query_params.get("student")
        if aid is not None:
            self.assignment(aid)
        where, args = [], []
        if aid is not None:
            where.append("assignment=?")
            args.append(aid)
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
            raise ApiError(404, f"no submission {sub_id!r} of yours: GET /api/v1/submissions lists them")
        return row

    def get_submission(self, request: Request, sub_id: str) -> dict:
        u = self.user(request)
        row = self._own(u, sub_id)
        return self.submission_json(self.db.conn, row, u, submission_queue.positions(self.db.conn))

    def get_file(self, request: Request, sub_id: str) -> tuple[bytes, str]:
        u = self.user(request)
        row = self._own(u, sub_id)
        return self.store.get(row["sha256"]), row["filename"]

    def staff(self, request: Request) -> User:
        u = self.user(request)
        if u.role != "staff":
            raise ApiError(403, "this route is for course staff")
        return u

    def regrade(self, u: User, body: dict) -> dict:
        aid, student = body.get("assignment"), body.get("student")
        self.assignment(aid)
        conn = self.db.conn
        if student is not None and conn.execute("SELECT 1 FROM users WHERE id=?", (student,)).fetchone() is None:
            raise ApiError(404, f"no student {student!r} in the roster")
        with transaction(conn):
            sql = ("UPDATE submissions SET status='queued', attempts=0, result=NULL, raw=NULL, max_score=NULL, "
                   "fault=NULL WHERE assignment=? AND status IN ('graded', 'ungradable')")
            n = conn.execute(sql + (" AND student=?" if student else ""),
                             (aid, student) if student else (aid,)).rowcount
            self.db.audit(u.id, "regrade", assignment=aid, student=student, queued=n)
        self.pool.reload(aid)
        self.wakeup.notify()
        return {"queued": n}

    def preview(self, u: User, body: dict) -> dict:
        """A regrade's dry run (previews.py): graded with the tests as they are now, no grade
        touched until ``apply_preview``."""
        aid, student = body.get("assignment"), body.get("student")
        self.assignment(aid)
        if student is not None and self.db.conn.execute("SELECT 1 FROM users WHERE id=?",
                                                        (student,)).fetchone() is None:
            raise ApiError(404, f"no student {student!r} in the roster")
        got = previews.create(self.db, u.id, aid, student)
        self.pool.reload(aid)  # the preview grades with the tests as they are now
        self.wakeup.notify()
        return got

    def preview_view(self, pid: str) -> dict:
        got = previews.view(self.db.conn, pid)
        if got is None:
            raise ApiError(404, f"no regrade preview {pid!r} (applied or discarded already?): take a new one "
                                "with POST /api/v1/previews")
        return got

    def apply_preview(self, u: User, pid: str) -> dict:
        got = previews.apply(self.db, u.id, pid)
        if got is None:
            raise ApiError(404, f"no regrade preview {pid!r} (applied or discarded already?)")
        if got["queued"]:
            self.wakeup.notify()
        return got

    def discard_preview(self, u: User, pid: str) -> dict:
        if not previews.discard(self.db, u.id, pid):
            raise ApiError(404, f"no regrade preview {pid!r} (applied or discarded already?)")
        return {"preview": pid, "discarded": True}

    def publish(self, u: User, body: dict) -> dict:
        aid = body.get("assignment")
        self.assignment(aid)
        conn = self.db.conn
        with transaction(conn):
            conn.execute("INSERT OR REPLACE INTO published VALUES (?, ?, ?)", (aid, stamp(), u.id))
            self.db.audit(u.id, "publish", assignment=aid)
        return {"assignment": aid, "published": True}

    def gradebook(self, request: Request, name: str) -> str:
        self.staff(request)
        if not name.endswith(".csv"):
            raise ApiError(404, "the gradebook is at /api/v1/gradebook/<assignment>.csv")
        cfg, policy = self.assignment(name[:-4])
        return views.gradebook_csv(self.counted(cfg, policy), cfg, cfg.late_penalty_per_day)

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
            pick = scoring.counted(done, policy.counts, lambda r: graded(r).score.final)
            if pick is not None:
                counted.append(graded(pick))
            else:
                pending = [r["status"] for r in rows if r["status"] in ("queued", "grading")]
                status = pending[-1] if pending else ("not_graded" if rows else "missing")
                counted.append(views.Counted(student, status))
        return counted


def _human(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{math.ceil(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


# ---------------------------------------------------------------------------- routes

async def _json_body(request: Request) -> dict:
    try:
        body = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(422, "the body must be JSON, e.g. {\"assignment\": \"01_tensors\"}") from None
    if not isinstance(body, dict) or not isinstance(body.get("assignment"), str) or not all(
            isinstance(body.get(k), (str, type(None))) for k in ("student",)):
        raise ApiError(422, "the body must be a JSON object with a string \"assignment\" (and an optional "
                            "string \"student\")")
    return body


async def _read_capped(request: Request, cap: int) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > cap:
        raise ApiError(413, f"the upload is {int(length) / 2**20:.1f} MiB, over the limit: submit only your "
                            "notebook (clear large outputs first)", {"Connection": "close"})
    buf = bytearray()
    async for chunk in request.stream():
        buf += chunk
        if len(buf) > cap:
            raise ApiError(413, "the upload is over the limit: submit only your notebook (clear large outputs "
                                "first)", {"Connection": "close"})
    return bytes(buf)


async def upload_form(svc: Service, request: Request):
    """The multipart form of an upload, its size capped before it is parsed (API and pages)."""
    body = await _read_capped(request, await run_in_threadpool(svc.upload_limit))
    sent = False

    async def replay():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        return await Request(request.scope, replay).form(max_files=1, max_fields=10)
    except Exception:  # noqa: BLE001 - python-multipart's and Starlette's errors alike
        raise ApiError(422, "malformed multipart body: send multipart/form-data with the fields "
                            "`assignment` and `file`") from None


def api_routes(svc: Service) -> list[Route]:
    def threaded(fn, *args):
        return run_in_threadpool(fn, *args)

    async def healthz(request: Request):
        return JSONResponse({"status": "ok", **await threaded(submission_queue.counts, svc.db.conn)})

    async def me(request: Request):
        return JSONResponse(await threaded(svc.me, request))

    async def assignments(request: Request):
        return JSONResponse(await threaded(svc.assignments, request))

    async def release(request: Request):
        aid = request.path_params["aid"]
        data = await threaded(svc.release, request, aid)
        return Response(data, media_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{aid}.zip"'})

    async def submissions(request: Request):
        if request.method == "GET":
            return JSONResponse(await threaded(svc.list_submissions, request))
        u = await threaded(svc.pre_upload, request)
        form = await upload_form(svc, request)
        aid, upload = form.get("assignment"), form.get("file")
        if not isinstance(aid, str) or upload is None or isinstance(upload, str):
            raise ApiError(422, "send multipart/form-data with a text field `assignment` and a file field `file`")
        data = await upload.read()
        reply = await threaded(svc.submit, u, aid, upload.filename or "submission", data)
        return JSONResponse(reply, status_code=202)

    async def submission(request: Request):
        return JSONResponse(await threaded(svc.get_submission, request, request.path_params["sid"]))

    async def submission_file(request: Request):
        data, name = await threaded(svc.get_file, request, request.path_params["sid"])
        ascii_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
        # Bytes as uploaded, never rendered: octet-stream and nosniff.
        return Response(data, media_type="application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{ascii_name}"',
                                 "X-Content-Type-Options": "nosniff"})

    async def regrade(request: Request):
        u = await threaded(svc.staff, request)
        body = await _json_body(request)
        return JSONResponse(await threaded(svc.regrade, u, body), status_code=202)

    async def preview_new(request: Request):
        u = await threaded(svc.staff, request)
        body = await _json_body(request)
        return JSONResponse(await threaded(svc.preview, u, body), status_code=202)

    async def preview_one(request: Request):
        u = await threaded(svc.staff, request)
        pid = request.path_params["pid"]
        if request.method == "DELETE":
            return JSONResponse(await threaded(svc.discard_preview, u, pid))
        return JSONResponse(await threaded(svc.preview_view, pid))

    async def preview_apply(request: Request):
        u = await threaded(svc.staff, request)
        return JSONResponse(await threaded(svc.apply_preview, u, request.path_params["pid"]))

    async def publish(request: Request):
        u = await threaded(svc.staff, request)
        body = await _json_body(request)
        return JSONResponse(await threaded(svc.publish, u, body))

    async def gradebook(request: Request):
        text = await threaded(svc.gradebook, request, request.path_params["name"])
        return Response(text, media_type="text/csv; charset=utf-8")

    async def unknown(request: Request):
        await threaded(svc.user, request)  # 401 first, whatever the path
        raise ApiError(404, f"no route {request.method} {request.url.path}: see docs/SERVICE.md")

    return [
        Route("/healthz", healthz),
        Route("/api/v1/me", me),
        Route("/api/v1/assignments", assignments),
        Route("/api/v1/assignments/{aid}/release.zip", release),
        Route("/api/v1/submissions", submissions, methods=["GET", "POST"]),
        Route("/api/v1/submissions/{sid}", submission),
        Route("/api/v1/submissions/{sid}/file", submission_file),
        Route("/api/v1/regrade", regrade, methods=["POST"]),
        Route("/api/v1/previews", preview_new, methods=["POST"]),
        Route("/api/v1/previews/{pid}", preview_one, methods=["GET", "DELETE"]),
        Route("/api/v1/previews/{pid}/apply", preview_apply, methods=["POST"]),
        Route("/api/v1/publish", publish, methods=["POST"]),
        Route("/api/v1/gradebook/{name}", gradebook),
        Route("/api/{rest:path}", unknown, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]


def create_app(config: ServiceConfig, log=print, grade: bool = True) -> Starlette:
    svc = Service(config, log)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        # uvicorn's SIGTERM/SIGINT handlers, put back if a library replaces them (Ray's C++
        # failure handler would end the process before the pool puts work back).
        loop = asyncio.get_running_loop()
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

        def restore() -> None:
            for sig, handler in saved.items():
                if callable(handler):
                    signal.signal(sig, handler)

        svc.pool.on_library_start = lambda: loop.call_soon_threadsafe(restore)
        if grade:
            svc.pool.start()
        try:
            yield
        finally:
            if grade:
                await run_in_threadpool(svc.pool.stop)

    async def api_error(request: Request, exc: ApiError):
        # English, or for Accept-Language: ko a Korean headline before it (messages.py).
        text = messages.api_error(exc.status, exc.message, request.headers.get("accept-language"))
        return _error(exc.status, text, exc.headers)

    async def http_error(request: Request, exc: HTTPException):
        return _error(exc.status_code, exc.detail if isinstance(exc.detail, str) else "request failed", exc.headers)

    from autograder.service import pages

    app = Starlette(routes=api_routes(svc) + pages.routes(svc), lifespan=lifespan,
                    exception_handlers={ApiError: api_error, HTTPException: http_error})
    app.state.service = svc
    return app
