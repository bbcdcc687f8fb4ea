"""What a reader of the service sees of a result (a student's view, a staff view) and the
gradebook CSV of an assignment.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tempfile
from pathlib import Path

from autograder import i18n
from autograder.feedback import render_markdown
from autograder.csv_export import write_csv
from autograder.gradebook import Entry
from autograder.late import penalty_points
from autograder.results import GradeResult, LatePenalty, result_from_dict


def decode(result_json: str) -> GradeResult:
    return result_from_dict(json.loads(result_json))


def penalty(raw: float, days: int, per_day: float) -> float:
    return penalty_points(raw, days, per_day)


def result_view(result: GradeResult, *, title: str, show_hidden: bool, staff: bool, late_days: int,
                per_day: float, due: dt.datetime | None) -> dict:
    """``score``, ``max_score``, ``final``, ``hidden_pending``, ``results`` and ``feedback_md``
    of a graded (or ungradable) submission as this reader may see them.

    A student never gets a hidden test's failure message (source, expected values,
    tracebacks): ``TestResult.student_text`` gives its name, points and the author's line."""
    whole = staff or show_hidden or result.status != "graded"
    shown = result if whole else dataclasses.replace(
        result, tests=[t for t in result.tests if t.visibility == "public"])
    tests = []
    for t in shown.tests:
        text = t.student_text()
        if staff and t.visibility == "hidden":
            text = t.message + (("\n\nOutput:\n" + t.output) if t.output.strip() else "")
        tests.append({"name": t.name, "number": t.number, "exercises": list(t.exercises), "score": t.score,
                      "max_score": t.max_score, "status": t.status, "visibility": t.visibility, "output": text,
                      "author_message": t.author_message if t.visibility == "hidden" else ""})
    raw = shown.score if result.status == "graded" else 0.0
    final = None
    if whole:
        off = penalty(raw, late_days, per_day)
        final = round(raw - off, 6)
        if late_days and result.status == "graded":
            # feedback.render_markdown writes the late section, as it does for batch feedback.
            shown = dataclasses.replace(shown, late=LatePenalty(
                days=late_days, raw=raw, penalty=off, final=final, due=due.isoformat() if due else "",
                per_day=per_day))
    md = render_markdown(shown, title)
    if not whole:
        hidden_points = round(sum(t.max_score for t in result.tests if t.visibility == "hidden"), 6)
        # In the language of the grading, as the rest of feedback.md (render_markdown).
        md += "\n" + i18n.gettext("## Hidden tests\n\nThe hidden tests ({points} points) are graded; their "
                                  "results are shown when the course releases them. The score above covers "
                                  "the public tests only.\n", result.lang, "service").format(
                                      points=f"{hidden_points:g}")
    return {"score": raw, "max_score": shown.max_score, "final": final, "hidden_pending": not whole,
            "results": tests, "feedback_md": md}



@dataclasses.dataclass(frozen=True)
class Counted:
    """The submission that makes one roster student's grade (or why there is none)."""

    student: str
    status: str  # graded | ungradable | missing | queued | grading | not_graded
    received_at: dt.datetime | None = None
    late_days: int = 0
    result_json: str | None = None
    graded_at: str = ""
    worker: str = ""


def gradebook_csv(counted: list[Counted], cfg, per_day: float) -> str:
    """The columns of ``batch --csv``, one row per roster student."""
    with tempfile.TemporaryDirectory(prefix="ag-csv-") as tmp:
        path = Path(tmp) / "gradebook.csv"
        write_csv(entries(counted, cfg, per_day), cfg, path)
        return path.read_text(encoding="utf-8")


def entries(counted: list[Counted], cfg, per_day: float) -> list[Entry]:
    """The gradebook's entries (the CSV's rows, the class report's input)."""
    out = []
    for c in counted:
        if c.result_json is not None:
            result = decode(c.result_json)
        else:
            result = GradeResult(assignment_id=cfg.id, submission="", status=c.status)
        raw = result.score if result.status == "graded" else 0.0
        off = penalty(raw, c.late_days, per_day)
        out.append(Entry(c.student, c.received_at, c.late_days, raw, result.max_score, off, round(raw - off, 6),
                         result, c.graded_at, c.worker))
    return out


def final_score(result_json: str, late_days: int, per_day: float) -> float:
    result = decode(result_json)
    raw = result.score if result.status == "graded" else 0.0
    return round(raw - penalty(raw, late_days, per_day), 6)
