"""Browser sessions of the web pages: a signed cookie, a CSRF token, expiry, revocation.

The cookie holds ``{"csrf": ..., "user": ..., "token_id": ...}`` signed with itsdangerous
(HMAC-SHA1 over a timestamped payload; nothing secret is in it, the token never is). It is
HttpOnly (no script reads it) and SameSite=Lax (another site's form posts do not carry
it); every form also carries the session's CSRF token, checked in constant time. A
session ends ``MAX_AGE`` after login (the timestamp is signed, so a client cannot extend
it), at logout, and at once when the user's token is revoked or rotated (the cookie names
the token's lookup id, which must still be the user's: core.Service.session_user checks it).

Trusted side: the signing key lives in the data folder (``session.key``, mode 0600), so
sessions survive a restart; deleting the file logs everyone out.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from autograder.service.auth import User

COOKIE = "ag_session"
MAX_AGE = 8 * 3600  # a working day; then log in again
CSRF_FIELD = "csrf"


def load_key(data: Path) -> bytes:
    """The signing key, created (0600) on first use."""
    path = Path(data) / "session.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key.hex())
    return key


class Sessions:
    def __init__(self, key: bytes, max_age: int = MAX_AGE):
        self.signer = URLSafeTimedSerializer(key, salt="autograder-session")
        self.max_age = max_age

    def read(self, request: Request) -> dict:
        """The session's data, or {} (no cookie, forged, or expired)."""
        raw = request.cookies.get(COOKIE)
        if not raw:
            return {}
        try:
            data = self.signer.loads(raw, max_age=self.max_age)
        except BadSignature:  # SignatureExpired is one
            return {}
        return data if isinstance(data, dict) else {}

    def write(self, request: Request, response: Response, data: dict) -> None:
        response.set_cookie(COOKIE, self.signer.dumps(data), max_age=self.max_age, httponly=True,
                            samesite="lax", secure=request.url.scheme == "https", path="/")

    def clear(self, response: Response) -> None:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")

    @staticmethod
    def new(user: User | None = None, token_id: str | None = None) -> dict:
        """A fresh session (a new CSRF token at every login: no session fixation)."""
        data = {"csrf": secrets.token_urlsafe(24)}
        if user is not None:
            data.update(user=user.id, token_id=token_id)
        return data


def csrf_ok(session: dict, sent: object) -> bool:
    want = session.get("csrf")
    return isinstance(want, str) and isinstance(sent, str) and hmac.compare_digest(want, sent)


def token_id(token: str) -> str:
    """The lookup id of a token (``<lookup id>.<secret>``, auth.py)."""
    return token.strip().partition(".")[0]
