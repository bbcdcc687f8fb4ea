"""The roster: students and staff, their tokens (shown once), revocation and extensions.

Used by the ``autograder roster`` commands; every change a staff member makes is audited.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import re
from pathlib import Path

from autograder.service.messages import t as _
from autograder.config import ConfigError
from autograder.service import auth
from autograder.service.db import Database, stamp, transaction

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _check_id(student: str) -> str:
    if not ID_RE.match(student):
        raise ConfigError(_("{id} is not a usable id: letters, digits and . _ @ + - only "
                            "(at most 128 characters, starting with a letter or digit)").format(id=repr(student)))
    return student


def import_roster(db: Database, roster: Path, tokens_out: Path) -> tuple[int, int]:
    """Add the roster's new students; write ``student_id,token`` for them. (new, already known)"""
    try:
        with roster.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    except FileNotFoundError:
        raise ConfigError(_("{roster} does not exist: pass the roster CSV (header: student_id[,name,email])").format(
            roster=roster)) from None
    if not rows or "student_id" not in rows[0]:
        raise ConfigError(_("{roster}: the first line must be a header with a student_id column (and name, email "
                            "when you have them)").format(roster=roster))
    new: list[tuple[str, str]] = []
    known = 0
    conn = db.conn
    with transaction(conn):
        for row in rows:
            sid = _check_id((row.get("student_id") or "").strip())
            if conn.execute("SELECT 1 FROM users WHERE id=?", (sid,)).fetchone():
                known += 1
                continue
            lookup, token = auth.new_token()
            conn.execute("INSERT INTO users (id, role, name, email, token_id, token_hash, created_at) "
                         "VALUES (?, 'student', ?, ?, ?, ?, ?)",
                         (sid, (row.get("name") or "").strip(), (row.get("email") or "").strip(), lookup,
                          auth.hash_token(token), stamp()))
            new.append((sid, token))
    tokens_out.parent.mkdir(parents=True, exist_ok=True)
    # Only the new students' tokens: re-importing never reissues (or overwrites) a token.
    with tokens_out.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")  # plain LF: a token cut from the file carries no \r
        w.writerow(["student_id", "token"])
        w.writerows(new)
    tokens_out.chmod(0o600)
    return len(new), known


def add_staff(db: Database, name: str) -> str:
    sid = _check_id(name)
    lookup, token = auth.new_token()
    conn = db.conn
    with transaction(conn):
        if conn.execute("SELECT 1 FROM users WHERE id=?", (sid,)).fetchone():
            raise ConfigError(_("{id} is already in the database: use `autograder roster rotate {id}` for a new "
                                "token").format(id=sid))
        conn.execute("INSERT INTO users (id, role, name, token_id, token_hash, created_at) "
                     "VALUES (?, 'staff', ?, ?, ?, ?)", (sid, sid, lookup, auth.hash_token(token), stamp()))
        db.audit(cli_actor(), "add-staff", user=sid)
    return token


def revoke(db: Database, user: str, actor: str | None = None) -> None:
    conn = db.conn
    with transaction(conn):
        if conn.execute("UPDATE users SET revoked=1 WHERE id=?", (user,)).rowcount == 0:
            raise ConfigError(_("no user {user} in {db}: check the id (`student_id` of the roster)").format(
                user=repr(user), db=db.path))
        db.audit(actor or cli_actor(), "revoke", user=user)


def rotate(db: Database, user: str, actor: str | None = None) -> str:
    lookup, token = auth.new_token()
    conn = db.conn
    with transaction(conn):
        n = conn.execute("UPDATE users SET token_id=?, token_hash=?, revoked=0 WHERE id=?",
                         (lookup, auth.hash_token(token), user)).rowcount
        if n == 0:
            raise ConfigError(_("no user {user} in {db}: check the id (`student_id` of the roster)").format(
                user=repr(user), db=db.path))
        db.audit(actor or cli_actor(), "rotate", user=user)
    return token


def _when(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(_("{text} is not a date and time: use RFC 3339, e.g. 2026-12-14T23:59:00+00:00").format(
            text=repr(text))) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.isoformat()


def extend(db: Database, student: str, assignment: str, due: str | None = None, closes: str | None = None,
           extra: int | None = None, actor: str | None = None) -> dict:
    """Set a student's extension for one assignment (fields not given are kept)."""
    conn = db.conn
    with transaction(conn):
        if conn.execute("SELECT 1 FROM users WHERE id=? AND role='student'", (student,)).fetchone() is None:
            raise ConfigError(_("no student {id} in {db}: import the roster first").format(id=repr(student),
                                                                                          db=db.path))
        old = conn.execute("SELECT due, closes, extra FROM extensions WHERE student=? AND assignment=?",
                           (student, assignment)).fetchone()
        new = {"due": _when(due) if due is not None else (old["due"] if old else None),
               "closes": _when(closes) if closes is not None else (old["closes"] if old else None),
               "extra": int(extra) if extra is not None else (old["extra"] if old else 0)}
        conn.execute("INSERT OR REPLACE INTO extensions VALUES (?, ?, ?, ?, ?)",
                     (student, assignment, new["due"], new["closes"], new["extra"]))
        db.audit(actor or cli_actor(), "extend", student=student, assignment=assignment, **new)
    return new
