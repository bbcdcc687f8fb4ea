"""What a reader of the service sees of a result (a student's view, a staff view), the
submission that counts for each student, and the gradebook CSV of an assignment.

Every score here (raw, late penalty, final, which submission counts) is computed by
``autograder.scoring``, as the batch's are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json

from autograder import i18n, scoring
from autograder.feedback import explanation, render_markdown
from autograder.csv_export import write_csv
from autograder.gradebook import Entry
from autograder.results import GradeResult, result_from_dict


def decode(result_json: str) -> GradeResult:
    return result_from_dict(json.loads(result_json))


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
    gettext = i18n.translations(result.lang).gettext  # the language it was graded in, as feedback.md
    for t in shown.tests:
        # What check() and the terminal say for the same test (feedback.explanation).
        text = t.student_text() if t.passed else explanation(t, gettext)
        said = t.diagnosis.said if t.diagnosis and t.diagnosis.said else None
        if staff and t.visibility == "hidden":
            text = t.message + (("\n\n" + said) if said and not t.passed else "") + (
                ("\n\nOutput:\n" + t.output) if t.output.strip() else "")
        # ``diagnosis`` and ``not_judged`` are also in ``output``: fields of their own let a
        # client (submit_client.view_to_result) rebuild a hidden test's line as the grader says it.
        tests.append({"name": t.name, "number": t.number, "exercises": list(t.exercises), "score": t.score,
                      "max_score": t.max_score, "status": t.status, "visibility": t.visibility, "output": text,
                      "not_started": t.not_started,
                      "author_message": t.author_message if t.visibility == "hidden" else "",
                      "not_judged": t.not_judged, "diagnosis": said if not t.passed else None})
    # While hidden tests are pending, the score is the public tests' and there is no final.
    got = scoring.score(shown, late_days, per_day)
    final = None
    if whole:
        final = got.final
        if late_days and result.status == "graded":
            # feedback.render_markdown writes the late section, as it does for batch feedback.
            shown = dataclasses.replace(shown, late=got.late(due, per_day))
    md = render_markdown(shown, title)
    if not whole:
        hidden_points = round(sum(t.max_score for t in result.tests if t.visibility == "hidden"), 6)
        # In the language of the grading, as the rest of feedback.md (render_markdown).
        md += "\n" + i18n.gettext("## Hidden tests\n\nThe hidden tests ({points} points) are graded; their "
                                  "results are shown when the course releases them. The score above covers "
                                  "the public tests only.\n", result.lang, "service").format(
                                      points=f"{hidden_points:g}")
    return {"score": got.raw, "max_score": shown.max_score, "final": final, "hidden_pending": not whole,
            "results": tests, "feedback_md": md, "error": result.error if result.status == "ungradable" else ""}


@dataclasses.dataclass(frozen=True)
class Counted:
    """The submission that makes one roster student's grade (or why there is none)."""

    student: str
    status: str  # graded | ungradable | missing | queued | grading | not_graded
    received_at: dt.datetime | None = None
    result: GradeResult | None = None  # decoded once, when the counted set is built
    score: scoring.Score | None = None  # its score under the assignment's late policy
    graded_at: str = ""
    worker: str = ""
    submission_id: str = ""  # the service's id of the counted submission ("" when none)

    @classmethod
    def graded(cls, row, per_day: float) -> "Counted":
        """A graded or ungradable ``submissions`` row, its result decoded and scored (late days
        as stored at upload, by the student's own due date)."""
        result = decode(row["result"])
        return cls(row["student"], row["status"], dt.datetime.fromisoformat(row["received_at"]), result,
                   scoring.score(result, row["late_days"], per_day), row["graded_at"] or "", row["worker"],
                   row["id"])

    @property
    def late_days(self) -> int:
        return self.score.late_days if self.score is not None else 0


def gradebook_csv(counted: list[Counted], cfg, per_day: float) -> str:
    """The columns of ``batch --csv``, one row per roster student."""
    out = io.StringIO(newline="")
    write_csv(entries(counted, cfg, per_day), cfg, out)
    return out.getvalue()


def entries(counted: list[Counted], cfg, per_day: float) -> list[Entry]:
    """The gradebook's entries (the CSV's rows, the class report's input); a student without a
    counted grade gets an empty result of their status, scored 0."""
    out = []
    for c in counted:
        result, got = c.result, c.score
        if result is None or got is None:
            result = GradeResult(assignment_id=cfg.id, submission="", status=c.status)
            got = scoring.score(result, 0, per_day)
        out.append(Entry(c.student, c.received_at, result, got, c.graded_at, c.worker))
    return out
