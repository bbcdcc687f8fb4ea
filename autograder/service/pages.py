"""The service's web pages: server-rendered Jinja2, a little JavaScript, no build step.

Routes (docs/SERVICE.md, "Web pages"): ``/`` logs in with a token (form field ``token``)
and lists a student's assignments; ``/a/{assignment}`` uploads and shows the history with
live statuses; ``/s/{id}`` is one submission's feedback (404 for anyone but its owner and
staff); ``/staff`` and ``/staff/a/{assignment}`` are the staff view (class report, queue,
each student's history, regrade with a preview, publish, extensions, the CSV, revoking).

Every page is a thin adapter over the service's core (core.Service), as the JSON API
(api.py) is: it finds the cookie session's user, parses the request, calls the core's
operations with that user and renders a template, so authorisation, policies, listing and
grading rules exist once and no page runs SQL of its own. The pages add only what a browser
needs: sessions and CSRF (sessions.py), languages, templates.

Safety: Jinja2 autoescapes everything; feedback markdown is rendered by markdown-it with
raw HTML off and images limited to inline PNGs (the grader's feedback pictures), so nothing a submission prints becomes markup; every page is
sent with a Content-Security-Policy that allows only this site's own script and styles.
Works without JavaScript: upload is a plain multipart form, pending statuses refresh with
``<meta http-equiv=refresh>`` inside ``<noscript>``; the script (static/app.js) only adds
drag-and-drop and refreshes the live parts in place.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from babel.dates import format_timedelta
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from autograder import i18n
from autograder.service import messages, sessions
from autograder.service.auth import User
from autograder.service.core import Service, ServiceError
from autograder.service.db import now
from autograder.service.forms import upload_form

HERE = Path(__file__).parent
LANG_COOKIE = "lang"
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'")
# The class report (report.py) is a standalone page with inline style and script.
# The similarity report has no script at all (similarity/report.py).
SIMILARITY_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'self'"
PENDING = ("queued", "grading")


def N_(message: str) -> str:
    """Marks a message for extraction (make i18n); translated where it is shown."""
    return message


STATUS = {"queued": N_("queued"), "grading": N_("grading"), "graded": N_("graded"),
          "ungradable": N_("ungradable"), "not_graded": N_("not graded"), "passed": N_("passed"),
          "failed": N_("failed"), "error": N_("error"), "public": N_("public"), "hidden": N_("hidden"),
          "student": N_("student"), "staff": N_("staff")}


# ---------------------------------------------------------------------------- rendering

def _markdown() -> MarkdownIt:
    # html=False: any tag in the text is shown as text. Images: only the feedback pictures the
    # grader drew (inline data:image/png), so a submission cannot make the reader's browser
    # fetch anything. markdown-it refuses javascript: and other data: links.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    md.core.ruler.push("only_inline_pngs", _only_inline_pngs)
    return md


def _only_inline_pngs(state) -> None:
    """Every image that is not an inline PNG becomes its alt text."""
    from markdown_it.token import Token

    for tok in state.tokens:
        for i, child in enumerate(tok.children or []):
            if child.type == "image" and not str(child.attrGet("src") or "").startswith("data:image/png;base64,"):
                text = Token("text", "", 0)
                text.content = child.content
                tok.children[i] = text


_MD = _markdown()
_MD_LOCK = threading.Lock()


def render_feedback(text: str) -> str:
    """feedback.md as HTML: tables, code and emphasis; every character of the text escaped."""
    with _MD_LOCK:
        return _MD.render(text or "")


def _environment(lang: str) -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(i18n.translations(lang, "service"), newstyle=True)
    env.globals.update(languages=[(code, i18n.display_name(code)) for code in i18n.LANGUAGES],
                       status_name=lambda s: i18n.gettext(STATUS.get(s, s), lang, "service"),
                       when=lambda t: _when(t, lang), points=lambda x: "" if x is None else f"{x:g}")
    return env


ENVIRONMENTS = {lang: _environment(lang) for lang in i18n.LANGUAGES}


def _when(value, lang: str) -> str:
    """A date as '2026-12-14 23:59 UTC (in 3 days)'."""
    if value is None:
        return ""
    t = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    t = t.astimezone(dt.timezone.utc)
    rel = format_timedelta(t - now(), locale=lang, add_direction=True, threshold=1.1)
    return f"{t:%Y-%m-%d %H:%M} UTC ({rel})"


def course_timezone(cfg) -> dt.tzinfo:
    """The course's timezone: the one its due date is written in (UTC when it has none)."""
    return cfg.due.tzinfo if cfg.due is not None and cfg.due.tzinfo is not None else dt.timezone.utc


def offset_name(zone: dt.tzinfo) -> str:
    """'UTC+09:00' (what a staff member types into a date picker is in this time)."""
    offset = zone.utcoffset(None) or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def local_to_rfc3339(value: str | None, zone: dt.tzinfo) -> str | None:
    """A date picker's '2026-12-14T23:59' as RFC 3339 in ``zone``; a value with its own offset
    stays as typed, and one that does not parse goes on to be refused with its reason."""
    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return (when if when.tzinfo is not None else when.replace(tzinfo=zone)).isoformat()


def pick_language(request: Request) -> tuple[str, bool]:
    """(language, chosen now): ``?lang=`` (the switch), then its cookie, then Accept-Language."""
    asked = i18n.normalise(request.query_params.get("lang"))
    if asked:
        return asked, True
    kept = i18n.normalise(request.cookies.get(LANG_COOKIE))
    return kept or i18n.negotiate(request.headers.get("accept-language")), False


@dataclass
class Page:
    """One page request: who, in which language, with which session."""

    request: Request
    svc: Service
    sessions: sessions.Sessions
    session: dict
    user: User | None
    lang: str
    lang_chosen: bool
    new_session: bool = False

    def gettext(self, message: str) -> str:
        return i18n.gettext(message, self.lang, "service")

    def render(self, template: str, status: int = 200, **context) -> HTMLResponse:
        env = ENVIRONMENTS[self.lang]
        path = self.request.url.path
        html = env.get_template(template).render(
            lang=self.lang, user=self.user, csrf=self.session.get("csrf", ""), path=path, **context)
        return self.finish(HTMLResponse(html, status_code=status))

    def finish(self, response: Response) -> Response:
        response.headers["Content-Security-Policy"] = response.headers.get("Content-Security-Policy", PAGE_CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"
        if self.lang_chosen:
            response.set_cookie(LANG_COOKIE, self.lang, max_age=365 * 86400, samesite="lax", httponly=True)
        if self.new_session:
            self.sessions.write(self.request, response, self.session)
        return response

    def redirect(self, url: str) -> Response:
        return self.finish(RedirectResponse(url, status_code=303))

    def error(self, status: int, detail: str = "", headline: str | None = None) -> HTMLResponse:
        return self.render("error.html", status=status, headline=messages.headline(status, self.lang, headline),
                           detail=detail, code=status)


# ---------------------------------------------------------------------------- routes

def routes(svc: Service) -> list:
    store = sessions.Sessions(sessions.load_key(svc.config.data))
    regrades: dict[str, dict] = {}  # regrade id -> what it queued and the scores before (this process only)

    def threaded(fn, *args, **kwargs):
        return run_in_threadpool(fn, *args, **kwargs)

    async def page(request: Request) -> Page:
        lang, chosen = pick_language(request)
        data = store.read(request)
        user = await threaded(svc.session_user, data) if data else None
        p = Page(request, svc, store, data, user, lang, chosen)
        if not data.get("csrf"):
            p.session, p.new_session = store.new(), True
        return p

    async def form_of(p: Page):
        """The posted form, after its CSRF token was checked (a 403 page otherwise)."""
        form = await p.request.form(max_files=0, max_fields=20)
        if not sessions.csrf_ok(p.session, form.get(sessions.CSRF_FIELD)):
            raise ServiceError(403, p.gettext(N_("The form expired or did not come from this site: reload the page "
                                             "and send it again.")))
        return form

    def guarded(handler, staff: bool = False, login: bool = True):
        async def endpoint(request: Request):
            p = await page(request)
            if login and p.user is None:
                if request.method == "GET":
                    return p.redirect("/?" + urlencode({"next": request.url.path}))
                return p.error(401)
            if staff and p.user.role != "staff":
                return p.error(404)  # ids and staff pages reveal nothing to students
            try:
                return await handler(p)
            except ServiceError as e:
                return p.error(e.status, e.localized(p.lang) if e.localized else e.message, e.headline)
        return endpoint

    # ------------------------------------------------------------------ login and home
    async def home(p: Page):
        if p.request.method == "POST":
            return await login(p)
        if p.user is None:
            return p.render("login.html", next=_local(p.request.query_params.get("next")))
        if p.user.role == "staff":
            return p.redirect("/staff")
        items = await threaded(svc.student_assignments, p.user)
        return p.render("home.html", assignments=items)

    async def login(p: Page):
        form = await form_of(p)
        token = form.get("token")
        user = None
        if isinstance(token, str) and token.strip():
            user = await threaded(svc.token_user, "Bearer " + token.strip())
        if user is None:
            p.new_session = True  # keep the anonymous session's CSRF token for the next try
            return p.render("login.html", status=401, next=_local(form.get("next")),
                            failed=p.gettext(N_("That token is not valid (or was revoked): check it, or ask "
                                                "course staff for a new one.")))
        p.session, p.new_session = store.new(user, sessions.token_id(token)), True
        p.user = user
        return p.redirect(_local(form.get("next")) or ("/staff" if user.role == "staff" else "/"))

    async def logout(p: Page):
        await form_of(p)
        p.session, p.new_session, p.user = store.new(), True, None
        return p.redirect("/")

    # ------------------------------------------------------------------ students
    async def assignment(p: Page):
        aid = p.request.path_params["aid"]
        if p.user.role == "staff":
            return p.redirect(f"/staff/a/{aid}")
        if p.request.method == "POST":
            return await upload(p, aid)
        info = await threaded(svc.student_assignment, p.user, aid)
        subs = await threaded(svc.list_submissions, p.user, aid)
        sent = p.request.query_params.get("sent")
        wheel_name = await threaded(svc.package)
        install = f"pip install {str(p.request.base_url).rstrip('/')}/package/{wheel_name}" if wheel_name else None
        return p.render("assignment.html", a=info, subs=subs, sent=sent, install=install,
                        pending=any(s["status"] in PENDING for s in subs))

    async def history(p: Page):
        aid = p.request.path_params["aid"]
        subs = await threaded(svc.list_submissions, p.user, aid)
        return p.render("_history.html", subs=subs, pending=any(s["status"] in PENDING for s in subs))

    async def upload(p: Page, aid: str):
        svc.require_student(p.user)
        form = await upload_form(p.request, await threaded(svc.max_upload_bytes))
        if not sessions.csrf_ok(p.session, form.get(sessions.CSRF_FIELD)):
            return p.error(403, p.gettext(N_("The form expired or did not come from this site: reload the page "
                                             "and send it again.")))
        file = form.get("file")
        if file is None or isinstance(file, str) or not file.filename:
            return p.error(422, p.gettext(N_("Choose your notebook file first.")))
        data = await file.read()
        reply = await threaded(svc.submit, p.user, aid, file.filename, data)
        return p.redirect(f"/a/{aid}?" + urlencode({"sent": reply["id"]}))

    async def submission(p: Page):
        sub = await threaded(svc.get_submission, p.user, p.request.path_params["sid"])
        return p.render("submission.html", s=sub, feedback=render_feedback(sub.get("feedback_md") or ""),
                        pending=sub["status"] in PENDING)

    async def submission_file(p: Page):
        data, name = await threaded(svc.get_file, p.user, p.request.path_params["sid"])
        ascii_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
        return p.finish(Response(data, media_type="application/octet-stream", headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"'}))

    # ------------------------------------------------------------------ staff
    async def staff_home(p: Page):
        items = await threaded(svc.assignments, p.user)
        people = await threaded(svc.people, p.user)
        q = await threaded(svc.queue_view, p.user)
        return p.render("staff.html", assignments=items, people=people, q=q, jobs=svc.config.jobs,
                        message=p.request.query_params.get("done"))

    async def staff_queue(p: Page):
        return p.render("_queue.html", q=await threaded(svc.queue_view, p.user), jobs=svc.config.jobs)

    async def staff_assignment(p: Page):
        aid = p.request.path_params["aid"]
        a = await threaded(svc.staff_assignment, p.user, aid)
        cfg, _policy = await threaded(svc.assignment, aid)
        return p.render("staff_assignment.html", a=a, people=await threaded(svc.people, p.user), aid=aid,
                        run=await threaded(svc.similarity_state, p.user, aid),
                        zone=offset_name(course_timezone(cfg)),
                        message=p.request.query_params.get("done"))

    async def staff_report(p: Page):
        def in_page_language(aid: str) -> str:  # report.py speaks i18n.current(): the page's language
            with i18n.using(p.lang):
                return svc.report_html(p.user, aid)

        html = await threaded(in_page_language, p.request.path_params["aid"])
        return p.finish(HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP}))

    async def staff_similarity(p: Page):
        """POST: start a similarity check of the counted submissions (in the background);
        GET .../similarity: its state (the staff page's live part); .../report: the report."""
        aid = p.request.path_params["aid"]
        if p.request.method == "POST":
            await form_of(p)
            await threaded(svc.similarity_start, p.user, aid, p.lang)
            return p.redirect(f"/staff/a/{aid}#similarity-h")
        if p.request.url.path.endswith("/report"):
            html = await threaded(svc.similarity_report, p.user, aid)
            return p.finish(HTMLResponse(html, headers={"Content-Security-Policy": SIMILARITY_CSP}))
        return p.render("_similarity.html", aid=aid, run=await threaded(svc.similarity_state, p.user, aid))

    async def staff_csv(p: Page):
        aid = p.request.path_params["aid"]
        text = await threaded(svc.gradebook_csv, p.user, aid)
        return p.finish(Response(text, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{aid}.csv"'}))

    async def staff_student(p: Page):
        sid = p.request.path_params["student"]
        aid = p.request.query_params.get("assignment") or None
        person = await threaded(svc.person, p.user, sid)
        subs = await threaded(svc.list_submissions, p.user, aid, sid)
        return p.render("staff_student.html", person=person, subs=subs, assignment=aid,
                        pending=any(s["status"] in PENDING for s in subs))

    async def staff_regrade(p: Page):
        """No ``confirm``: take a preview (a dry run, previews.py) and show it. ``confirm=yes``
        with a ``preview``: apply it (results written, the rest regraded) and show progress;
        without one: regrade as POST /api/v1/regrade does."""
        aid = p.request.path_params["aid"]
        form = await form_of(p)
        student = (form.get("student") or "").strip() or None
        if form.get("confirm") != "yes":
            got = await threaded(svc.preview, p.user, aid, student)
            return p.redirect(f"/staff/a/{aid}/preview/{got['preview']}")
        before = {r["id"]: r for r in await threaded(svc.regrade_candidates, p.user, aid, student)}
        pid = (form.get("preview") or "").strip()
        if pid:
            got = await threaded(svc.apply_preview, p.user, pid)
            ids = got["applied"] + got["queued"]
        else:
            got = await threaded(svc.regrade, p.user, aid, student)
            ids = list(before)
        rid = secrets.token_urlsafe(8)
        regrades[rid] = {"assignment": aid, "student": student, "queued": len(ids),
                         "before": {i: before[i] for i in ids if i in before}}
        return p.redirect(f"/staff/a/{aid}/regrade/{rid}")

    async def staff_preview(p: Page):
        aid, pid = p.request.path_params["aid"], p.request.path_params["pid"]
        if p.request.method == "POST":  # discard
            await form_of(p)
            await threaded(svc.discard_preview, p.user, pid)
            return p.redirect(f"/staff/a/{aid}")
        view = await threaded(svc.preview_with_counted, p.user, aid, pid)
        template = "_preview_rows.html" if p.request.url.path.endswith("/rows") else "regrade_preview.html"
        return p.render(template, aid=aid, preview=view, rows=view["rows"], pending=view["done"] < view["total"])

    async def staff_regrade_progress(p: Page):
        rid = p.request.path_params["rid"]
        job = regrades.get(rid)
        if job is None:
            return p.error(404, p.gettext(N_("This regrade is no longer tracked (the server restarted): the "
                                             "student histories show the new scores.")))
        rows = await threaded(regrade_rows, p, job)
        template = "_regrade_rows.html" if p.request.url.path.endswith("/rows") else "regrade_progress.html"
        return p.render(template, job=job, rid=rid, rows=rows, pending=any(r["status"] in PENDING for r in rows))

    def regrade_rows(p: Page, job: dict) -> list[dict]:
        out = []
        for sid, old in job["before"].items():
            try:
                s = svc.get_submission(p.user, sid)
            except ServiceError:
                continue
            done = s["status"] not in PENDING
            out.append({**old, "status": s["status"], "new_score": s["score"] if done else None,
                        "new_final": s["final"] if done else None,
                        "changed": done and (s["score"], s["final"]) != (old["score"], old["final"])})
        return out

    async def staff_publish(p: Page):
        aid = p.request.path_params["aid"]
        await form_of(p)
        await threaded(svc.publish, p.user, aid)
        return p.redirect(f"/staff/a/{aid}?done=published")

    async def staff_extend(p: Page):
        aid = p.request.path_params["aid"]
        form = await form_of(p)
        cfg, _policy = await threaded(svc.assignment, aid)  # 404 before the form's fields are judged
        zone = course_timezone(cfg)

        def field(name):
            value = (form.get(name) or "").strip()
            return value or None

        extra = field("extra")
        if extra is not None and not extra.isdigit():
            return p.error(422, p.gettext(N_("Extra submissions must be a whole number.")))
        # The date pickers send the course's local time (no offset): RFC 3339 in its timezone.
        await threaded(svc.extend, p.user, aid, (form.get("student") or "").strip(),
                       due=local_to_rfc3339(field("due"), zone), closes=local_to_rfc3339(field("closes"), zone),
                       extra=int(extra) if extra else None)
        return p.redirect(f"/staff/a/{aid}?done=extended")

    async def staff_revoke(p: Page):
        form = await form_of(p)
        who = (form.get("user") or "").strip()
        if who == p.user.id:
            return p.error(422, p.gettext(N_("You cannot revoke your own token here: use `autograder roster "
                                             "revoke` from a terminal.")))
        if form.get("confirm") != "yes":
            # One click is not enough to lock a student out: this page asks (the script asks first).
            return p.render("revoke_confirm.html", person=await threaded(svc.person, p.user, who))
        await threaded(svc.revoke, p.user, who)
        return p.redirect("/staff?done=revoked")

    staff = dict(staff=True)
    return [
        Route("/", guarded(home, login=False), methods=["GET", "POST"]),
        Route("/logout", guarded(logout, login=False), methods=["POST"]),
        Route("/a/{aid}", guarded(assignment), methods=["GET", "POST"]),
        Route("/a/{aid}/history", guarded(history)),
        Route("/s/{sid}", guarded(submission)),
        Route("/s/{sid}/file", guarded(submission_file)),
        Route("/staff", guarded(staff_home, **staff)),
        Route("/staff/queue", guarded(staff_queue, **staff)),
        Route("/staff/revoke", guarded(staff_revoke, **staff), methods=["POST"]),
        Route("/staff/student/{student}", guarded(staff_student, **staff)),
        Route("/staff/a/{aid}", guarded(staff_assignment, **staff)),
        Route("/staff/a/{aid}/report", guarded(staff_report, **staff)),
        Route("/staff/a/{aid}/gradebook.csv", guarded(staff_csv, **staff)),
        Route("/staff/a/{aid}/similarity", guarded(staff_similarity, **staff), methods=["GET", "POST"]),
        Route("/staff/a/{aid}/similarity/report", guarded(staff_similarity, **staff)),
        Route("/staff/a/{aid}/regrade", guarded(staff_regrade, **staff), methods=["POST"]),
        Route("/staff/a/{aid}/preview/{pid}", guarded(staff_preview, **staff), methods=["GET", "POST"]),
        Route("/staff/a/{aid}/preview/{pid}/rows", guarded(staff_preview, **staff)),
        Route("/staff/a/{aid}/regrade/{rid}", guarded(staff_regrade_progress, **staff)),
        Route("/staff/a/{aid}/regrade/{rid}/rows", guarded(staff_regrade_progress, **staff)),
        Route("/staff/a/{aid}/publish", guarded(staff_publish, **staff), methods=["POST"]),
        Route("/staff/a/{aid}/extend", guarded(staff_extend, **staff), methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]


def _local(url) -> str | None:
    """A redirect target only within this site ('/a/x', never '//evil' or 'https://...')."""
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return None
