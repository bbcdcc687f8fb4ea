"""The class CSV: a row per student with points per exercise, raw, penalty and final, then
per exercise the known mistakes diagnosed in that student's counted submission
(``mistake_counts.diagnosed``).

Trusted side; writes the entries' scores (``scoring.Score``, computed before) to a text
stream: the batch passes the file it opened (``batch.write_csv_file``), the service an
``io.StringIO``.
"""

from __future__ import annotations

import csv
from typing import TextIO

from autograder.config import AssignmentConfig
from autograder.gradebook import Entry
from autograder.mistake_counts import diagnosed


def write_csv(entries: list[Entry], cfg: AssignmentConfig, stream: TextIO) -> None:
    """A row per student: points per exercise, raw, penalty, final, the submission's hash, and
    a ``mistakes:EXERCISE`` column per exercise (the known mistakes' names joined with "; ",
    empty when none; added last, so older readers' columns keep their places). A file
    ``stream`` is opened with ``newline=""`` (the csv module writes its own line ends)."""
    exercises = list(cfg.exercises) or sorted({ex for e in entries for ex in e.result.per_exercise()})
    w = csv.writer(stream)
    w.writerow(["student", "status", "submitted_at", "late_days", *exercises, "raw", "max_score",
                "penalty", "final", "submission_sha256", *(f"mistakes:{ex}" for ex in exercises)])
    for e in entries:
        per = e.result.per_exercise()
        s = e.score
        mistakes = diagnosed(e.result)
        w.writerow([safe_cell(e.student), e.result.status, e.submitted_at.isoformat() if e.submitted_at else "",
                    s.late_days, *(f"{per.get(ex, (0.0, 0.0))[0]:g}" for ex in exercises),
                    f"{s.raw:g}", f"{s.max_score:g}", f"{s.penalty:g}", f"{s.final:g}", e.result.sha256,
                    *("; ".join(mistakes.get(ex, ())) for ex in exercises)])


def safe_cell(text: str) -> str:
    # A student name is user input: keep spreadsheets from running it as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
