"""The JSON API of ``autograder serve`` (docs/SERVICE.md): a thin adapter over core.Service.

Each route authenticates (``Authorization: Bearer`` token -> ``User``), parses the request,
calls one operation of the core in the thread pool (SQLite and scrypt never run in the
event loop) and answers JSON. Errors are ``{"error": "..."}``. The checks of every route run
in the contract's order and the first failing one answers: 401 token, 403 role, 422
malformed request, 404 unknown assignment or not your submission (never 403: ids reveal
nothing), 409 closed, 429 rate, 413 size, 415 content.
"""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from autograder import diagnosis, i18n
from autograder.service import messages
from autograder.service.auth import User
from autograder.service.core import Service, ServiceError
from autograder.service.forms import read_capped, upload_form


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def service_error(request: Request, exc: ServiceError) -> JSONResponse:
    # English, or for Accept-Language: ko a Korean headline before it (messages.py).
    text = messages.api_error(exc.status, exc.message, request.headers.get("accept-language"), exc.localized,
                              exc.headline)
    return _error(exc.status, text, exc.headers)


async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    return _error(exc.status_code, exc.detail if isinstance(exc.detail, str) else "request failed", exc.headers)


EXCEPTION_HANDLERS = {ServiceError: service_error, HTTPException: http_error}


async def _json_body(request: Request) -> dict:
    """``{"assignment": str, "student": str?}`` (422 otherwise)."""
    try:
        body = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ServiceError(422, "the body must be JSON, e.g. {\"assignment\": \"01_tensors\"}") from None
    if not isinstance(body, dict) or not isinstance(body.get("assignment"), str) or not all(
            isinstance(body.get(k), (str, type(None))) for k in ("student",)):
        raise ServiceError(422, "the body must be a JSON object with a string \"assignment\" (and an optional "
                                "string \"student\")")
    return body


def routes(svc: Service) -> list[Route]:
    def threaded(fn, *args, **kwargs):
        return run_in_threadpool(fn, *args, **kwargs)

    async def user(request: Request) -> User:
        return await threaded(svc.authenticate, request.headers.get("authorization"))

    async def staff(request: Request) -> User:
        return svc.require_staff(await user(request))

    async def healthz(request: Request):
        return JSONResponse(await threaded(svc.health))

    async def me(request: Request):
        return JSONResponse(svc.me(await user(request)))

    async def assignments(request: Request):
        return JSONResponse(await threaded(svc.assignments, await user(request)))

    async def release(request: Request):
        u = await user(request)
        aid = request.path_params["aid"]
        data = await threaded(svc.release, u, aid)
        return Response(data, media_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{aid}.zip"'})

    async def package(request: Request):
        # No token: pip cannot send one, and the wheel is the course's public package.
        data, name = await threaded(svc.package_file, request.path_params["name"])
        return Response(data, media_type="application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    async def diagnose(request: Request):
        # check()'s look-up of known mistakes (diagnoses.py): JSON, capped before it is parsed.
        u = await user(request)
        body = await read_capped(request, diagnosis.LOOKUP_BYTES,
                                 too_large="send at most the failed tests' observations, as check() does")
        lang = i18n.negotiate(request.headers.get("accept-language"))
        return JSONResponse(await threaded(svc.diagnose, u, request.path_params["aid"], body, lang))

    async def submissions(request: Request):
        u = await user(request)
        if request.method == "GET":
            q = request.query_params
            return JSONResponse(await threaded(svc.list_submissions, u, q.get("assignment"), q.get("student")))
        svc.require_student(u)
        form = await upload_form(request, await threaded(svc.max_upload_bytes))
        aid, upload = form.get("assignment"), form.get("file")
        if not isinstance(aid, str) or upload is None or isinstance(upload, str):
            raise ServiceError(422, "send multipart/form-data with a text field `assignment` and a file field "
                                    "`file`")
        data = await upload.read()
        reply = await threaded(svc.submit, u, aid, upload.filename or "submission", data)
        return JSONResponse(reply, status_code=202)

    async def submission(request: Request):
        return JSONResponse(await threaded(svc.get_submission, await user(request), request.path_params["sid"]))

    async def submission_file(request: Request):
        data, name = await threaded(svc.get_file, await user(request), request.path_params["sid"])
        ascii_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
        # Bytes as uploaded, never rendered: octet-stream and nosniff.
        return Response(data, media_type="application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{ascii_name}"',
                                 "X-Content-Type-Options": "nosniff"})

    async def regrade(request: Request):
        u = await staff(request)
        body = await _json_body(request)
        return JSONResponse(await threaded(svc.regrade, u, body["assignment"], body.get("student")),
                            status_code=202)

    async def preview_new(request: Request):
        u = await staff(request)
        body = await _json_body(request)
        return JSONResponse(await threaded(svc.preview, u, body["assignment"], body.get("student")),
                            status_code=202)

    async def preview_one(request: Request):
        u = await staff(request)
        pid = request.path_params["pid"]
        if request.method == "DELETE":
            return JSONResponse(await threaded(svc.discard_preview, u, pid))
        return JSONResponse(await threaded(svc.preview_view, u, pid))

    async def preview_apply(request: Request):
        u = await staff(request)
        return JSONResponse(await threaded(svc.apply_preview, u, request.path_params["pid"]))

    async def publish(request: Request):
        u = await staff(request)
        body = await _json_body(request)
        return JSONResponse(await threaded(svc.publish, u, body["assignment"]))

    async def gradebook(request: Request):
        u = await staff(request)
        name = request.path_params["name"]
        if not name.endswith(".csv"):
            raise ServiceError(404, "the gradebook is at /api/v1/gradebook/<assignment>.csv")
        text = await threaded(svc.gradebook_csv, u, name[:-4])
        return Response(text, media_type="text/csv; charset=utf-8")

    async def unknown(request: Request):
        await user(request)  # 401 first, whatever the path
        raise ServiceError(404, f"no route {request.method} {request.url.path}: see docs/SERVICE.md")

    return [
        Route("/healthz", healthz),
        Route("/package/{name}", package),
        Route("/api/v1/me", me),
        Route("/api/v1/assignments", assignments),
        Route("/api/v1/assignments/{aid}/release.zip", release),
        Route("/api/v1/assignments/{aid}/diagnose", diagnose, methods=["POST"]),
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
