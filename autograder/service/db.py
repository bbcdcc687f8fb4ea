"""The service database: SQLite in WAL mode with full sync, a schema version and migrations.

Every table of the service is here. ``open_db`` migrates an older file forward on start and
refuses a file written by a newer version (or by another program).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

from autograder.service.messages import t as _

SCHEMA_VERSION = 2

# MIGRATIONS[n] takes a database at version n to n + 1. Append, never edit.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE users (
        id TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('student', 'staff')),
        name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
        token_id TEXT UNIQUE, token_hash TEXT, revoked INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL);
    -- status: queued -> grading -> graded | ungradable | not_graded; grading -> queued when
    -- the server stops (or crashed) before the result was committed.
    CREATE TABLE submissions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
        student TEXT NOT NULL REFERENCES users(id), assignment TEXT NOT NULL,
        filename TEXT NOT NULL, kind TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
        received_at TEXT NOT NULL, late_days INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'queued', attempts INTEGER NOT NULL DEFAULT 0,
        started_at TEXT, graded_at TEXT, grades INTEGER NOT NULL DEFAULT 0,
        result TEXT, raw REAL, max_score REAL, worker TEXT NOT NULL DEFAULT '', fault TEXT);
    CREATE INDEX submissions_queue ON submissions (status, seq);
    CREATE INDEX submissions_student ON submissions (student, assignment, seq);
    CREATE TABLE extensions (
        student TEXT NOT NULL, assignment TEXT NOT NULL, due TEXT, closes TEXT,
        extra INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (student, assignment));
    CREATE TABLE published (assignment TEXT PRIMARY KEY, at TEXT NOT NULL, by TEXT NOT NULL);
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,
        action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '{}');
    """,
    # 1 -> 2: regrade previews (previews.py). A job grades one submission with the tests as
    # they are now and keeps the result here; it never touches the submission's row.
    # base_grades/base_graded_at: the submission's grade when the preview was taken (apply
    # writes a previewed result only while they are unchanged).
    """
    CREATE TABLE previews (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, preview TEXT NOT NULL, assignment TEXT NOT NULL,
        submission TEXT NOT NULL REFERENCES submissions(id), base_grades INTEGER NOT NULL,
        base_graded_at TEXT, status TEXT NOT NULL DEFAULT 'queued', attempts INTEGER NOT NULL DEFAULT 0,
        result TEXT, raw REAL, max_score REAL, worker TEXT NOT NULL DEFAULT '', fault TEXT,
        created_at TEXT NOT NULL, created_by TEXT NOT NULL);
    CREATE INDEX previews_queue ON previews (status, seq);
    CREATE INDEX previews_preview ON previews (preview, seq);
    """,
]


class DatabaseError(Exception):
    """The database file cannot be used; the message says what to do."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def stamp(when: dt.datetime | None = None) -> str:
    """RFC 3339 in UTC, to the microsecond (sortable as text)."""
    return (when or now()).astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # a committed 202 survives a power cut too
    db.execute("PRAGMA foreign_keys=ON")
    return db


def open_db(path: Path) -> sqlite3.Connection:
    """Open (creating or migrating) the service database."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = connect(path)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as e:
        raise DatabaseError(_("{path} is not a service database ({error}): pass another --db path or restore "
                              "it from a backup (`autograder service backup`)").format(path=path, error=e)) from None
    if tables and "meta" not in tables:
        db.close()
        raise DatabaseError(_("{path} is an SQLite database of another program: pass another --db path").format(
            path=path))
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        db.close()
        raise DatabaseError(_("{path} has schema {version}, newer than this autograder's {supported}: "
                              "upgrade torch-autograder").format(path=path, version=version,
                                                                 supported=SCHEMA_VERSION))
    while version < SCHEMA_VERSION:
        with transaction(db):
            for statement in _statements(MIGRATIONS[version]):
                db.execute(statement)
            version += 1
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(version),))
    return db


def _statements(script: str) -> list[str]:
    out, buf = [], ""
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [s for s in out if s.strip(" ;\n")]


class transaction:
    """``with transaction(db):`` BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, *_) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


class Database:
    """One connection per thread (the ASGI thread pool, the grading slots)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        open_db(self.path).close()
        self._local = threading.local()

    @property
    def conn(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = connect(self.path)
        return db

    def audit(self, actor: str, action: str, **detail) -> None:
        import json

        self.conn.execute("INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)",
                          (stamp(), actor, action, json.dumps(detail, sort_keys=True)))
