"""The class CSV: a row per student with points per exercise, raw, penalty and final.

Trusted side; reads the gradebook's entries, writes one file atomically.
"""

from __future__ import annotations

import csv
from pathlib import Path

from autograder.config import AssignmentConfig
from autograder.gradebook import Entry


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
