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
import errno
import hashlib
import importlib.metadata
import json
import math
import sqlite3
import struct
from dataclasses import dataclass, fields
from pathlib import Path

from autograder import __version__
from autograder.config import AssignmentConfig, AssignmentPaths, ConfigError
from autograder.results import GradeResult, TestResult

SCHEMA_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
# errno values that mean "the disk (or the user's quota) is full": the batch stops, says where.
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class GradebookError(ConfigError):
    """The gradebook file cannot be used as it is; the message says what to do."""


class StorageFull(GradebookError):
    """A folder the batch writes to is full. What was committed before is kept."""


def storage_full(folder: Path, what: str, detail: str = "", extra: str = "") -> StorageFull:
    """The one message for a full disk: which folder, what to do, and that nothing is lost."""
    return StorageFull(
        f"no space left in {folder} ({what}{': ' + detail if detail else ''}). {extra}Free space there (or point "
        f"the option at another disk) and run the same command again: every grade committed so far is kept "
        f"in the gradebook and only the missing submissions are graded; no student was charged for this.")


def is_storage_full(e: BaseException) -> bool:
    """An OSError for a full disk, or SQLite's SQLITE_FULL ("database or disk is full")."""
    if isinstance(e, OSError):
        return e.errno in NO_SPACE
    if isinstance(e, sqlite3.OperationalError):
        return getattr(e, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(e)
    return False


class UnreadableRow(ValueError):
    """A stored grade that cannot be decoded (edited by hand, a disk error): it is regraded."""

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
        self.unreadable: dict[str, str] = {}  # student -> why their stored grade cannot be read
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            if e.errno in NO_SPACE:
                raise storage_full(self.path.parent, "the gradebook's folder", str(e)) from None
            raise GradebookError(f"cannot create the gradebook's folder {self.path.parent} ({e}): pass a "
                                 "--gradebook path in a folder you can write to") from None
        self._refuse_foreign()
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                self._open()
            except BaseException:
                self.db.close()
                raise
        except sqlite3.DatabaseError as e:
            if is_storage_full(e):
                raise storage_full(self.path.parent, f"gradebook {self.path.name}", str(e)) from None
            raise GradebookError(f"{self.path} cannot be used as a gradebook ({e}). If it is damaged, "
                                 "restore it from a backup (or save what is readable with "
                                 f"`sqlite3 {self.path} .recover`); otherwise pass another --gradebook "
                                 "path. The file was left as it is.") from None

    def _refuse_foreign(self) -> None:
        """Never write into a file that is not a gradebook: another program's data, or a
        --gradebook that points at the wrong file (a CSV, a notebook)."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        if self.path.is_dir():
            raise GradebookError(f"{self.path} is a folder: pass a file path to --gradebook (e.g. "
                                 f"{self.path / 'grades.db'})")
        with self.path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
        if head != SQLITE_MAGIC:
            raise GradebookError(f"{self.path} is not a gradebook (not an SQLite database): pass another "
                                 "--gradebook path. The file was left as it is.")
        try:
            probe = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            try:
                tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            finally:
                probe.close()
        except sqlite3.DatabaseError as e:
            raise GradebookError(f"{self.path} cannot be used as a gradebook ({e}). If it is damaged, restore "
                                 f"it from a backup (or save what is readable with `sqlite3 {self.path} "
                                 ".recover`); otherwise pass another --gradebook path. The file was left as "
                                 "it is.") from None
        if tables and "meta" not in tables:
            raise GradebookError(f"{self.path} is an SQLite database of another program (tables: "
                                 f"{', '.join(sorted(tables)[:5])}), not a gradebook: pass another "
                                 "--gradebook path. The file was left as it is.")

    def _open(self) -> None:
        check = self.db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"the file is damaged: {check}")
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
        elif str(row[0]) != str(SCHEMA_VERSION):
            raise GradebookError(f"{self.path} was written by another gradebook version (schema {row[0]}); "
                                 "pass a new --gradebook path (the file was left as it is)")

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
        """Whether a readable grade is stored under this key. An unreadable one counts as
        missing (so the batch regrades it, and the regrade replaces it) and is noted in
        ``unreadable``."""
        row = self.db.execute(
            "SELECT raw, max_score, result FROM grades WHERE assignment=? AND student=? AND submission_sha256=? "
            "AND suite_hash=?", (assignment, student, sha, suite)).fetchone()
        if row is None:
            return False
        try:
            _decode(*row)
        except UnreadableRow as e:
            self.unreadable[student] = str(e)
            return False
        return True

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
            try:
                decoded = _decode(raw, max_score, result)
                try:
                    when = dt.datetime.fromisoformat(submitted) if submitted else None
                except (TypeError, ValueError):
                    raise UnreadableRow(f"its submission time {str(submitted)[:40]!r} is not a date") from None
            except UnreadableRow as e:
                # Left out of the exports (which must not crash on it) and reported by the batch.
                self.unreadable[student] = str(e)
                continue
            days = late_days(when, cfg.due)
            pen = penalty_points(raw, days, cfg.late_penalty_per_day)
            out.append(Entry(student, when, days, raw, max_score, pen, round(raw - pen, 6),
                             decoded, graded_at, worker))
        return out

    def count(self, assignment: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM grades WHERE assignment=?", (assignment,)).fetchone()[0]


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise UnreadableRow(f"its {what} {str(value)[:40]!r} is not a number")
    return float(value)


def _decode(raw, max_score, result) -> GradeResult:
    """A stored row back into a GradeResult, or UnreadableRow saying what is wrong with it."""
    _number(raw, "score")
    _number(max_score, "maximum score")
    try:
        data = json.loads(result)
    except (TypeError, ValueError) as e:
        raise UnreadableRow(f"its stored result is not valid JSON ({str(e)[:80]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("tests", []), list):
        raise UnreadableRow(f"its stored result is a JSON {type(data).__name__}, not a grading result")
    try:
        decoded = result_from_dict(data)
        for t in decoded.tests:
            _number(t.score, f"test {t.name!r} score")
            _number(t.max_score, f"test {t.name!r} maximum")
    except UnreadableRow:
        raise
    except (TypeError, ValueError, AttributeError) as e:
        raise UnreadableRow(f"its stored result does not hold a grading result ({str(e)[:80]})") from None
    return decoded


def write_csv(entries: list[Entry], cfg: AssignmentConfig, path: Path) -> None:
    """A row per student: points per exercise, raw, penalty, final (written atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    exercises = list(cfg.exercises) or sorted({ex for e in entries for ex in e.result.per_exercise()})
    tmp = path.with_name(path.name + ".tmp")
    try:
        _write_rows(tmp, entries, exercises)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half CSV behind
        raise
    tmp.replace(path)


def _write_rows(tmp: Path, entries: list[Entry], exercises: list[str]) -> None:
    with tmp.open("w", newline="", encoding="utf-8", errors="backslashreplace") as f:  # never raises on a name
        w = csv.writer(f)
        w.writerow(["student", "status", "submitted_at", "late_days", *exercises, "raw", "max_score",
                    "penalty", "final", "submission_sha256"])
        for e in entries:
            per = e.result.per_exercise()
            w.writerow([_cell(e.student), e.result.status, e.submitted_at.isoformat() if e.submitted_at else "",
                        e.late_days, *(f"{per.get(ex, (0.0, 0.0))[0]:g}" for ex in exercises),
                        f"{e.raw:g}", f"{e.max_score:g}", f"{e.penalty:g}", f"{e.final:g}", e.result.sha256])


def _cell(text: str) -> str:
    # A student name is user input: keep spreadsheets from running it as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text

