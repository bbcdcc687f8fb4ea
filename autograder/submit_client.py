"""``autograder submit``: the student's client (student side; talks HTTP only).

Server and token come from ``--server``/``--token``, else ``AUTOGRADER_SERVER`` /
``AUTOGRADER_TOKEN``, else ``~/.config/torch-autograder/config.toml`` (``server = "..."``,
``token = "..."``). Exit 0 when graded (whatever the score) or accepted with ``--no-wait``;
2 when the server refused the submission; 1 on a server or network fault.
"""

from __future__ import annotations

import os
import time
import tomllib
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from autograder import sanitize, submit_messages as M
from autograder.i18n import t as _t  # the command's language (cli.main sets it); messages: submit_messages
from autograder.results import Diagnosis, GradeResult, TestResult

EXIT_OK, EXIT_FAULT, EXIT_REFUSED = 0, 1, 2
CONFIG = Path("~/.config/torch-autograder/config.toml")


def settings(server: str | None, token: str | None) -> tuple[str | None, str | None]:
    file: dict = {}
    path = CONFIG.expanduser()
    if path.is_file():
        try:
            file = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError:
            file = {}
    server = server or os.environ.get("AUTOGRADER_SERVER") or file.get("server")
    token = token or os.environ.get("AUTOGRADER_TOKEN") or file.get("token")
    return (server.strip() if server else None, token.strip() if token else None)


def _message(r) -> str:
    try:
        return r.json().get("error") or r.text
    except ValueError:
        return r.text[:500]


class Refused(Exception):
    """The service did not accept the upload: ``status`` (4xx: the request's fault; 5xx: the
    service's), its ``message`` (what to do), and ``retry_after`` seconds when rate limited."""

    def __init__(self, status: int, message: str, retry_after: str | None = None):
        super().__init__(f"{status}: {message}")
        self.status, self.message, self.retry_after = status, message, retry_after


def connect(server: str, token: str):
    """An HTTP client for the service's API with the student's token (httpx)."""
    import httpx

    return httpx.Client(base_url=server.rstrip("/"), headers={"Authorization": f"Bearer {token}"},
                        timeout=httpx.Timeout(60, connect=10))


def feedback_url(server: str, sub_id: str) -> str:
    """The service's page for one submission (pages.py: ``/s/{id}``): where a receipt sends the student."""
    return f"{server.rstrip('/')}/s/{sub_id}"


def upload(http, file: Path, assignment: str) -> dict:
    """POST one file as a submission; the service's 202 answer ({"id", "status", "position"}).
    Raises Refused (any other answer) or httpx.TransportError (no answer). The one upload
    both ``autograder submit`` and the notebook's ``submit()`` use."""
    with file.open("rb") as f:
        r = http.post("/api/v1/submissions", data={"assignment": assignment}, files={"file": (file.name, f)})
    if r.status_code != 202:
        raise Refused(r.status_code, _message(r), r.headers.get("retry-after"))
    return r.json()


def _refused(console: Console, headline: str, detail: str) -> None:
    """A red headline and what to do. The detail may quote the server or a file name: shown
    as text, never read as rich markup."""
    console.print(Text.assemble((headline, "red"), " ", sanitize.clean(detail)), highlight=False)


def submit(file: Path, assignment: str | None, server: str | None, token: str | None, wait: bool,
           console: Console, poll_s: float = 1.0) -> int:
    import httpx

    from autograder.submission import guess_assignment_id

    server, token = settings(server, token)
    if not server or not token:
        _refused(console, _t(M.NO_SERVER), _t(M.NO_SERVER_HOW).format(config=CONFIG))
        return EXIT_REFUSED
    if not file.is_file():
        _refused(console, _t(M.NOT_A_FILE).format(file=file), _t(M.NOT_A_FILE_HOW))
        return EXIT_REFUSED
    aid = assignment or guess_assignment_id(file)
    if aid is None:
        _refused(console, _t(M.NO_ASSIGNMENT).format(file=file.name), _t(M.NO_ASSIGNMENT_HOW))
        return EXIT_REFUSED
    base = server.rstrip("/")
    try:
        with connect(base, token) as http:
            try:
                sub = upload(http, file, aid)
            except Refused as e:
                _refused(console, _t(M.NOT_ACCEPTED).format(status=e.status), e.message)
                if e.retry_after:
                    console.print(_t(M.RETRY_AFTER).format(seconds=e.retry_after))
                return EXIT_REFUSED if 400 <= e.status < 500 else EXIT_FAULT
            # The message carries markup ([bold]); what fills it is escaped, a file name included.
            console.print(_t(M.ACCEPTED).format(file=escape(file.name), assignment=escape(aid),
                                                id=escape(str(sub["id"])), position=sub["position"]),
                          highlight=False)
            url = feedback_url(base, str(sub["id"]))
            console.print(Text(_t(M.FEEDBACK_AT).format(url=url)), highlight=False)
            if not wait:
                console.print(sub["id"], highlight=False)
                return EXIT_OK
            code = _wait(http, sub["id"], console, poll_s)
            console.print(Text(_t(M.FEEDBACK_AT).format(url=url)), highlight=False)
            return code
    except httpx.InvalidURL as e:
        _refused(console, _t(M.BAD_URL).format(server=base), _t(M.BAD_URL_HOW).format(error=e, config=CONFIG))
        return EXIT_REFUSED
    except httpx.TransportError as e:
        _refused(console, _t(M.UNREACHABLE).format(server=base),
                 _t(M.UNREACHABLE_HOW).format(error=f"{type(e).__name__}: {e}"))
        return EXIT_FAULT


def _wait(http, sub_id: str, console: Console, poll_s: float) -> int:
    import httpx

    from autograder.feedback import print_table

    t0 = time.monotonic()
    with console.status(_t(M.WAITING)) as status:
        failures = 0
        while True:
            try:
                r = http.get(f"/api/v1/submissions/{sub_id}")
                failures = 0
            except httpx.TransportError:
                # Accepted means stored: a dropped connection while waiting is retried.
                failures += 1
                if failures > 20:
                    raise
                time.sleep(min(5.0, poll_s * failures))
                continue
            if r.status_code != 200:
                _refused(console, _t(M.CANNOT_READ).format(id=sub_id, status=r.status_code), _message(r))
                return EXIT_FAULT
            sub = r.json()
            if sub["status"] in ("graded", "ungradable", "not_graded"):
                break
            where = (_t(M.QUEUED).format(position=sub["position"]) if sub["status"] == "queued"
                     else _t(M.GRADING))
            status.update(_t(M.PROGRESS).format(id=sub_id, where=where, seconds=f"{time.monotonic() - t0:.0f}"))
            time.sleep(poll_s)
    if sub["status"] == "not_graded":
        _refused(console, _t(M.NOT_GRADED), sub.get("error") or "")
        return EXIT_FAULT
    result = view_to_result(sub)
    print_table(result, console, f"{sub['assignment']}: {sub['filename']}")
    if sub["hidden_pending"]:
        console.print(_t(M.HIDDEN_PENDING))
    elif sub["final"] is not None and sub["late_days"]:
        console.print(Text(_t(M.LATE).format(days=sub["late_days"], final=f"{sub['final']:g}",
                                             max=f"{sub['max_score']:g}"), "bold"))
    return EXIT_OK


def view_to_result(sub: dict) -> GradeResult:
    """The client's side: a submission as the API returns it, back into a GradeResult for
    the terminal table ``check`` prints."""
    tests = [TestResult(name=t["name"], number=t["number"], exercises=tuple(t["exercises"]), score=t["score"],
                        max_score=t["max_score"], status=t["status"], visibility=t["visibility"],
                        message=t["output"], author_message=t.get("author_message", ""),
                        not_started=bool(t.get("not_started")), **_hidden_line(t))
             for t in sub.get("results") or []]
    status = "ungradable" if sub["status"] == "ungradable" else "graded"
    # The reason as text (feedback_md is Markdown, for the pages).
    error = (sub.get("error") or "") if status == "ungradable" else ""
    return GradeResult(assignment_id=sub["assignment"], submission=sub["filename"], sha256=sub["sha256"],
                       status=status, error=error, tests=tests, possible=sub.get("max_score") or 0.0)


def _hidden_line(t: dict) -> dict:
    """What a hidden test's line is built from besides its author's message (``student_text``
    ignores ``output`` there): why it was not judged, and the known mistake it names. A public
    test's ``output`` already says both, so they are not added twice."""
    if t.get("visibility") != "hidden":
        return {}
    said = t.get("diagnosis")
    return {"not_judged": str(t.get("not_judged") or ""),
            "diagnosis": Diagnosis(mistake="", exercise="", said=said) if isinstance(said, str) and said else None}
