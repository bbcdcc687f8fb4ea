"""The request bodies both adapters (api.py and pages.py) read: an upload's multipart form,
its size capped before it is parsed, so an oversized body costs neither memory nor parsing."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request

from autograder.service.core import ServiceError

MULTIPART_SLACK = 1 << 20  # bytes of multipart framing and fields allowed above the file limit


UPLOAD_TOO_LARGE = "submit only your notebook (clear large outputs first)"


async def read_capped(request: Request, cap: int, too_large: str = UPLOAD_TOO_LARGE) -> bytes:
    """The body, refused with 413 (``too_large``: what to send instead) once it is over ``cap`` bytes."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > cap:
        raise ServiceError(413, f"the upload is {int(length) / 2**20:.1f} MiB, over the limit: {too_large}",
                           {"Connection": "close"})
    buf = bytearray()
    async for chunk in request.stream():
        buf += chunk
        if len(buf) > cap:
            raise ServiceError(413, f"the upload is over the limit: {too_large}", {"Connection": "close"})
    return bytes(buf)


async def upload_form(request: Request, max_file_bytes: int) -> FormData:
    """The multipart form of an upload whose file may be up to ``max_file_bytes`` (413 above
    that plus the framing's slack, 422 when it does not parse)."""
    body = await read_capped(request, max_file_bytes + MULTIPART_SLACK)
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
        raise ServiceError(422, "malformed multipart body: send multipart/form-data with the fields "
                                "`assignment` and `file`") from None
