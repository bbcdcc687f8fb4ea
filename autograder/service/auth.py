"""Tokens: random, shown once, stored as scrypt hashes, compared in constant time.

A token is ``<lookup id>.<secret>``: the lookup id finds the one row to check (no scan of
every hash); the secret is verified against its scrypt hash. Tokens are never logged.
A verified (hash, token) pair is remembered in memory so that each request does not pay
for scrypt again; a revoked or rotated token fails at once (its row changed).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import sqlite3
import threading
from dataclasses import dataclass

# scrypt cost: ~50 ms and 16 MiB per check on one core (OWASP's minimum is N=2**17 with
# r=8 for passwords; tokens carry 192 random bits, so brute force is not the threat).
_N, _R, _P = 2**14, 8, 1


@dataclass(frozen=True)
class User:
    id: str
    role: str  # "student" | "staff"
    name: str


def new_token() -> tuple[str, str]:
    """(lookup id, full token)."""
    lookup = secrets.token_hex(6)
    return lookup, f"{lookup}.{secrets.token_urlsafe(24)}"


def hash_token(token: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(token.encode(), salt=salt, n=_N, r=_R, p=_P, maxmem=64 << 20, dklen=32)
    return "scrypt$%d$%d$%d$%s$%s" % (_N, _R, _P, base64.b64encode(salt).decode(), base64.b64encode(digest).decode())


def verify(token: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(token.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             maxmem=64 << 20, dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


class Authenticator:
    def __init__(self):
        self._verified: dict[str, bytes] = {}  # stored hash -> sha256 of the token that matched it
        self._lock = threading.Lock()

    def user(self, db: sqlite3.Connection, header: str | None) -> User | None:
        """The user a ``Bearer`` header names, or None (missing, unknown, wrong or revoked)."""
        if not header or not header.startswith("Bearer "):
            return None
        token = header[len("Bearer "):].strip()
        lookup, dot, _ = token.partition(".")
        if not dot or len(lookup) != 12 or len(token) > 200:
            return None
        row = db.execute("SELECT id, role, name, token_hash, revoked FROM users WHERE token_id=?",
                         (lookup,)).fetchone()
        if row is None or row["revoked"] or not row["token_hash"]:
            return None
        fingerprint = hashlib.sha256(token.encode()).digest()
        with self._lock:
            known = self._verified.get(row["token_hash"])
        if known is None or not hmac.compare_digest(known, fingerprint):
            if not verify(token, row["token_hash"]):
                return None
            with self._lock:
                self._verified[row["token_hash"]] = fingerprint
        return User(row["id"], row["role"], row["name"])
