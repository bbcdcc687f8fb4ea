"""The class gradebook: every graded submission in SQLite, keyed so that nothing is graded twice.

A grade is stored under (assignment, student, submission hash, suite hash). The suite hash
covers everything that changes grades (tests, probes, assignment.toml, the grading engine
and torch's version), so a rerun after a crash grades only what is missing, and editing a
hidden test regrades everyone. Each grade is committed on its own, in WAL mode with full
sync: a batch killed with SIGKILL loses at most the submissions that were being graded.

Late penalties are not stored but derived from the raw score, the submission time and the
due date whenever the gradebook is read, so changing the due date needs no regrade.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib.metadata
import json
import math
import sqlite3
import struct
from dataclasses import dataclass, fields
from pathlib import Path

from autograder import __version__
from autograder.config import AssignmentConfig, AssignmentPaths
from autograder.results import GradeResult, TestResult

SCHEMA_VERSION = 1

# Engine modules whose code decides a grade. Editing any of them regrades (cli, batch,
# reports and the like do not).
_ENGINE_FILES = ("harness.py", "compare.py", "grader.py", "strategies.py", "protocol.py", "sandbox.py",
                 "submission.py", "results.py", "config.py", "untrusted/worker.py",
                 "untrusted/zygote.py", "untrusted/confine.py")


def _update(digest, label: str, data: bytes) -> None:
    # Length-prefixed, so different (name, content) splits never collide.
    for part in (label.encode("utf-8", "surrogateescape"), data):
        digest.update(struct.pack(">Q", len(part)))
        digest.update(part)


def suite_hash(paths: AssignmentPaths) -> str:
    """A digest of everything that decides grades for this assignment."""
    digest = hashlib.sha256(b"torch-autograder suite v1\0")
    _update(digest, "grader_version", __version__.encode())
    try:
        torch_version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = "none"
    _update(digest, "torch", torch_version.encode())
    engine = Path(__file__).resolve().parent
    for name in _ENGINE_FILES:
        f = engine / name
        _update(digest, f"engine/{name}", f.read_bytes() if f.exists() else b"")
    _update(digest, "assignment.toml", paths.config.read_bytes())
    if paths.probes is not None:
        _update(digest, "probes.py", paths.probes.read_bytes())
    for root in paths.test_dirs:
        for f in sorted(root.rglob("*")):
            rel = f.relative_to(root.parent).as_posix()
            if not f.is_file() or "__pycache__" in f.parts or ".hypothesis" in f.parts or f.suffix == ".pyc":
                continue
            _update(digest, f"tests/{rel}", f.read_bytes())
    return digest.hexdigest()


def late_days(submitted_at: dt.datetime | None, due: dt.datetime | None) -> int:
    """Whole days late, a started day counting as a day (0 when on time or unknown)."""
    if submitted_at is None or due is None or submitted_at <= due:
        return 0
    return math.ceil((submitted_at - due).total_seconds() / 86400)


def penalty_points(raw: float, days: int, per_day: float) -> float:
    """Points taken off: ``per_day`` of the raw score per day late, never below zero final."""
    return round(raw * min(1.0, days * per_day), 6)


def result_from_dict(d: dict) -> GradeResult:
    """Rebuild a GradeResult from ``GradeResult.to_dict()`` (as stored or sent over a pipe)."""
    known = {f.name for f in fields(GradeResult)}
    test_fields = {f.name for f in fields(TestResult)}
    tests = [TestResult(**{**{k: v for k, v in t.items() if k in test_fields},
                           "exercises": tuple(t.get("exercises", ()))}) for t in d.get("tests", [])]
    return GradeResult(**{k: v for k, v in d.items() if k in known and k != "tests"}, tests=tests)


@dataclass
class Entry:
    """A student's current grade as the gradebook reports it."""

    student: str
    submitted_at: dt.datetime | None
    late_days: int
    raw: float
    max_score: float
    penalty: float
    final: float
    result: GradeResult
    graded_at: str
    worker: str


class Gradebook:
    """SQLite gradebook. One writer (the batch coordinator); readers may look any time."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # a committed grade survives a power cut too
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS grades (
                assignment TEXT NOT NULL, student TEXT NOT NULL,
                submission_sha256 TEXT NOT NULL, suite_hash TEXT NOT NULL,
                status TEXT NOT NULL, raw REAL NOT NULL, max_score REAL NOT NULL,
                result TEXT NOT NULL, graded_at TEXT NOT NULL, seconds REAL NOT NULL,
                worker TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (assignment, student, submission_sha256, suite_hash));
            -- What each student is graded on now: their latest submission under the latest suite.
            CREATE TABLE IF NOT EXISTS current (
                assignment TEXT NOT NULL, student TEXT NOT NULL, path TEXT NOT NULL,
                submission_sha256 TEXT NOT NULL, suite_hash TEXT NOT NULL, submitted_at TEXT,
                PRIMARY KEY (assignment, student));
        """)
        row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) != SCHEMA_VERSION:
            raise RuntimeError(f"{self.path} was written by another gradebook version (schema {row[0]}); "
                               "use a new --gradebook file")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ writing
    def set_current(self, assignment: str, student: str, path: str, sha: str, suite: str,
                    submitted_at: dt.datetime | None) -> None:
        self.db.execute("INSERT OR REPLACE INTO current VALUES (?, ?, ?, ?, ?, ?)",
                        (assignment, student, path, sha, suite,
                         submitted_at.isoformat() if submitted_at else None))

    def has(self, assignment: str, student: str, sha: str, suite: str) -> bool:
        return self.db.execute(
            "SELECT 1 FROM grades WHERE assignment=? AND student=? AND submission_sha256=? AND suite_hash=?",
            (assignment, student, sha, suite)).fetchone() is not None

    def forget(self, assignment: str, student: str) -> int:
        """Drop every stored grade of one student (``--student`` regrades from scratch)."""
        return self.db.execute("DELETE FROM grades WHERE assignment=? AND student=?",
                               (assignment, student)).rowcount

    def record(self, assignment: str, student: str, sha: str, suite: str, result: GradeResult,
               seconds: float, worker: str = "") -> None:
        """Store one grade in its own transaction (INSERT OR REPLACE: a regrade replaces, never adds)."""
        self.db.execute(
            "INSERT OR REPLACE INTO grades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (assignment, student, sha, suite, result.status,
             result.score if result.status == "graded" else 0.0, result.max_score,
             json.dumps(result.to_dict()), dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
             round(seconds, 4), worker))

    # ------------------------------------------------------------------ reading
    def entries(self, cfg: AssignmentConfig, students: list[str] | None = None) -> list[Entry]:
        """Current grades (sorted by student); a student whose current submission is not
        graded yet is left out."""
        rows = self.db.execute("""
            SELECT c.student, c.submitted_at, g.raw, g.max_score, g.result, g.graded_at, g.worker
            FROM current c JOIN grades g ON g.assignment = c.assignment AND g.student = c.student
                AND g.submission_sha256 = c.submission_sha256 AND g.suite_hash = c.suite_hash
            WHERE c.assignment = ? ORDER BY c.student""", (cfg.id,)).fetchall()
        wanted = set(students) if students is not None else None
        out = []
        for student, submitted, raw, max_score, result, graded_at, worker in rows:
            if wanted is not None and student not in wanted:
                continue
            when = dt.datetime.fromisoformat(submitted) if submitted else None
            days = late_days(when, cfg.due)
            pen = penalty_points(raw, days, cfg.late_penalty_per_day)
            out.append(Entry(student, when, days, raw, max_score, pen, round(raw - pen, 6),
                             result_from_dict(json.loads(result)), graded_at, worker))
        return out

    def count(self, assignment: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM grades WHERE assignment=?", (assignment,)).fetchone()[0]


def write_csv(entries: list[Entry], cfg: AssignmentConfig, path: Path) -> None:
    """A row per student: points per exercise, raw, penalty, final (written atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    exercises = list(cfg.exercises) or sorted({ex for e in entries for ex in e.result.per_exercise()})
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "status", "submitted_at", "late_days", *exercises, "raw", "max_score",
                    "penalty", "final", "submission_sha256"])
        for e in entries:
            per = e.result.per_exercise()
            w.writerow([_cell(e.student), e.result.status, e.submitted_at.isoformat() if e.submitted_at else "",
                        e.late_days, *(f"{per.get(ex, (0.0, 0.0))[0]:g}" for ex in exercises),
                        f"{e.raw:g}", f"{e.max_score:g}", f"{e.penalty:g}", f"{e.final:g}", e.result.sha256])
    tmp.replace(path)


def _cell(text: str) -> str:
    # A student name is user input: keep spreadsheets from running it as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text

