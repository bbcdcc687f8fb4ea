"""The class gradebook: every graded submission in SQLite, keyed so that nothing is graded twice.

Trusted side (the batch coordinator writes; reports read). A grade is stored under
(assignment, student, submission hash, suite hash). The suite hash (``cache_key.py``)
covers everything that changes grades, so a rerun after a crash grades only what is
missing, and editing a hidden test regrades everyone. Each grade is committed on its own,
in WAL mode with full sync: a batch killed with SIGKILL loses at most the submissions that
were being graded.

Late penalties are not stored but derived (``scoring.py``) whenever the gradebook is read,
so changing the due date needs no regrade.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

from autograder.config import AssignmentConfig, ConfigError
from autograder.errors import NO_SPACE, is_storage_full, storage_full
from autograder.i18n import t as _
from autograder.results import GradeResult, result_from_dict
from autograder.scoring import Score, late_days, raw_score, score

SCHEMA_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"


class GradebookError(ConfigError):
    """The gradebook file cannot be used as it is; the message says what to do."""


class UnreadableRow(ValueError):
    """A stored grade that cannot be decoded (edited by hand, a disk error): it is regraded."""


@dataclass(frozen=True)
class Entry:
    """A student's current grade as the gradebook reports it: one row of the CSV, the class
    report and the batch's summary (the service builds the same rows, ``service/views.py``)."""

    student: str
    submitted_at: dt.datetime | None
    result: GradeResult
    score: Score  # computed by scoring.score, never here
    graded_at: str
    worker: str

    @property
    def late_days(self) -> int:
        return self.score.late_days

    @property
    def raw(self) -> float:
        return self.score.raw

    @property
    def max_score(self) -> float:
        return self.score.max_score

    @property
    def penalty(self) -> float:
        return self.score.penalty

    @property
    def final(self) -> float:
        return self.score.final


class Gradebook:
    """SQLite gradebook. One writer (the batch coordinator); readers may look any time."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.unreadable: dict[str, str] = {}  # student -> why their stored grade cannot be read
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            if e.errno in NO_SPACE:
                raise storage_full(self.path.parent, _("the gradebook's folder"), str(e)) from None
            raise GradebookError(_("cannot create the gradebook's folder {folder} ({error}): pass a --gradebook "
                                   "path in a folder you can write to").format(folder=self.path.parent, error=e)) from None
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
                raise storage_full(self.path.parent, _("gradebook {name}").format(name=self.path.name),
                                   str(e)) from None
            raise GradebookError(_damaged(self.path, e)) from None

    def _refuse_foreign(self) -> None:
        """Never write into a file that is not a gradebook: another program's data, or a
        --gradebook that points at the wrong file (a CSV, a notebook)."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        if self.path.is_dir():
            raise GradebookError(_("{path} is a folder: pass a file path to --gradebook (e.g. {example})").format(
                path=self.path, example=self.path / "grades.db"))
        with self.path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
        if head != SQLITE_MAGIC:
            raise GradebookError(_("{path} is not a gradebook (not an SQLite database): pass another "
                                   "--gradebook path. The file was left as it is.").format(path=self.path))
        try:
            probe = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            try:
                tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            finally:
                probe.close()
        except sqlite3.DatabaseError as e:
            raise GradebookError(_damaged(self.path, e)) from None
        if tables and "meta" not in tables:
            raise GradebookError(_("{path} is an SQLite database of another program (tables: {tables}), not a "
                                   "gradebook: pass another --gradebook path. The file was left as it is.").format(
                path=self.path, tables=", ".join(sorted(tables)[:5])))

    def _open(self) -> None:
        check = self.db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(_("the file is damaged: {check}").format(check=check))
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
            raise GradebookError(_("{path} was written by another gradebook version (schema {schema}); "
                                   "pass a new --gradebook path (the file was left as it is)").format(
                path=self.path, schema=row[0]))

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
             raw_score(result), result.max_score,
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
                    raise UnreadableRow(_("its submission time {value} is not a date").format(
                        value=repr(str(submitted)[:40]))) from None
            except UnreadableRow as e:
                # Left out of the exports (which must not crash on it) and reported by the batch.
                self.unreadable[student] = str(e)
                continue
            got = score(decoded, late_days(when, cfg.due), cfg.late_penalty_per_day)
            # The result carries its title, visibility and penalty: its writers need nothing else.
            decoded = replace(decoded, title=cfg.title, hidden_visibility=cfg.hidden_visibility,
                              late=got.late(cfg.due, cfg.late_penalty_per_day) if got.late_days else None)
            out.append(Entry(student, when, decoded, got, graded_at, worker))
        return out

    def count(self, assignment: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM grades WHERE assignment=?", (assignment,)).fetchone()[0]


def _damaged(path: Path, e: BaseException) -> str:
    return _("{path} cannot be used as a gradebook ({error}). If it is damaged, restore it from a backup (or save "
             "what is readable with `sqlite3 {path} .recover`); otherwise pass another --gradebook path. The file "
             "was left as it is.").format(path=path, error=e)


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise UnreadableRow(_("its {what} {value} is not a number").format(what=what, value=repr(str(value)[:40])))
    return float(value)


def _decode(raw, max_score, result) -> GradeResult:
    """A stored row back into a GradeResult, or UnreadableRow saying what is wrong with it."""
    _number(raw, _("score"))
    _number(max_score, _("maximum score"))
    try:
        data = json.loads(result)
    except (TypeError, ValueError) as e:
        raise UnreadableRow(_("its stored result is not valid JSON ({error})").format(error=str(e)[:80])) from None
    if not isinstance(data, dict) or not isinstance(data.get("tests", []), list):
        raise UnreadableRow(_("its stored result is a JSON {kind}, not a grading result").format(
            kind=type(data).__name__))
    try:
        decoded = result_from_dict(data)
        for t in decoded.tests:
            _number(t.score, _("test {name} score").format(name=repr(t.name)))
            _number(t.max_score, _("test {name} maximum").format(name=repr(t.name)))
    except UnreadableRow:
        raise
    except (TypeError, ValueError, AttributeError) as e:
        raise UnreadableRow(_("its stored result does not hold a grading result ({error})").format(
            error=str(e)[:80])) from None
    return decoded
