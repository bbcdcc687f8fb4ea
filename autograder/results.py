"""The result of grading one submission, and its serialisations: Gradescope's results.json
(``write_json``, the only writer of that file) and the instructor's dict (``to_dict`` /
``result_from_dict``, stored in the gradebook and sent between processes).

Trusted side. Everything student-facing is derived from ``GradeResult``; the rule that
hidden tests show name, points and the author's message only is enforced here, once. A
result carries all a writer needs (the assignment's title, how hidden tests are shown,
the late penalty once one is applied), so no writer re-reads assignment.toml.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from autograder import __version__, sanitize

DECIDES_GRADES = True  # part of every grade's cache key (cache_key.py)

OUTPUT_CAP = 8_000  # characters of a test's output in results.json


@dataclass(frozen=True)
class Picture:
    """A PNG a test attached to its feedback (``figures``), base64 so results stay JSON."""

    alt: str
    png_base64: str


@dataclass(frozen=True)
class Diagnosis:
    """A known mistake a failed test's values match (``diagnosis.py``): the mutant whose
    fingerprint they match, its exercise, its misconception in each language the course wrote
    it in, and ``said``, the sentence the student reads, in the language it was graded in."""

    mistake: str  # the mutant's name (the canonical one of a declared same-values group)
    exercise: str
    texts: dict = field(default_factory=dict)  # language -> the misconception
    said: str = ""


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class, despite the name
    name: str
    number: str
    exercises: tuple[str, ...]
    score: float
    max_score: float
    status: str  # "passed" | "failed"
    visibility: str  # "public" | "hidden"
    message: str  # full failure message (trusted side only for hidden tests)
    author_message: str
    output: str = ""  # what the student's code printed during the test
    seconds: float = 0.0
    images: tuple[Picture, ...] = ()  # pictures the test attached (trusted side: all of them)
    not_started: bool = False  # failed on a stub that still raises NotImplementedError
    traceback: str = ""  # the test's own traceback on failure: staff only, never in student_text
    # Which check failed (harness.failure_kind): "values", "dtype", "shape", "device", "type",
    # "raised", "missing", "gradient", "timeout", "crash", "assertion", or "not_judged" (a
    # precondition failed: the test's own property could not be judged).
    failure_kind: str = ""
    not_judged: str = ""  # for a not_judged failure: why, in the grading's language (the student reads it)
    shown_by: str = ""  # for a not_judged failure: the test that shows the wrong values
    diagnosis: Diagnosis | None = None
    # What the student's code sent back in a failed test (diagnosis.observe), kept only when
    # asked (validate records fingerprints from them): never in results.json.
    observations: list | None = None

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def student_images(self) -> tuple[Picture, ...]:
        """Pictures the student may see: a public test's; never a hidden test's (they show its inputs)."""
        return self.images if self.visibility == "public" else ()

    def gradescope_output(self) -> dict:
        """``output`` and ``output_format``: text, or HTML (escaped text, then the pictures)
        when the student may see pictures; Gradescope renders both."""
        text = self.student_text()
        pictures = self.student_images()
        if not pictures:
            return {"output": text, "output_format": "text"}
        import html

        body = f"<pre>{html.escape(text)}</pre>" + "".join(
            f'<img alt="{html.escape(p.alt)}" src="data:image/png;base64,{p.png_base64}"/>' for p in pictures)
        return {"output": body, "output_format": "html"}

    def student_text(self) -> str:
        """What the student may see: everything for public tests, the author's line for hidden ones."""
        if self.visibility == "hidden":
            if self.passed:
                return self.author_message
            if self.not_judged:
                text = f"{self.not_judged}: {self.author_message}" if self.author_message else self.not_judged
            else:
                text = f"Failed: {self.author_message}" if self.author_message else "Failed (hidden test)."
            return text + (f"\n{self.diagnosis.said}" if self.diagnosis and self.diagnosis.said else "")
        said = (("\n\n" if self.message else "") + self.diagnosis.said) if self.diagnosis and self.diagnosis.said else ""
        # The cap never cuts the known mistake's sentence: a long message is cut before it.
        text = head = _cap(self.message, max(OUTPUT_CAP - len(said), 0)) + said
        if self.output.strip():
            text += ("\n\n" if text else "") + "Your code printed:\n" + self.output
        return _cap(text, max(OUTPUT_CAP, len(head)))


@dataclass(frozen=True)
class LatePenalty:
    """A late submission's penalty, as the batch applies it (``scoring.py`` decides it)."""

    days: int  # whole days late, a started day counting as a day
    raw: float  # the score before the penalty
    penalty: float  # points taken off
    final: float  # the score Gradescope and the feedback show
    due: str = ""  # the due date (ISO 8601)
    per_day: float = 0.0  # fraction of the raw score taken per day


@dataclass
class GradeResult:
    assignment_id: str
    submission: str
    title: str = ""  # the assignment's title (assignment.toml); the id when empty
    hidden_visibility: str = "after_published"  # Gradescope visibility of hidden tests (assignment.toml)
    sha256: str = ""
    status: str = "graded"  # "graded" | "ungradable"
    error: str = ""  # why it could not be graded
    tests: list[TestResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # loader notes and cell errors
    output: str = ""  # printed while the notebook's cells ran
    execution_time: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    device: str = "cpu"
    sandbox: dict = field(default_factory=dict)
    scope: str = "all"  # "all" (grade) | "public" (check)
    possible: float = 0.0  # points available, also when no test could run
    lang: str = "en"  # the language its texts were written in (fixed when it was graded)
    grader_version: str = __version__
    late: LatePenalty | None = None  # set by the batch when it exports; never stored

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)

    @property
    def raw_score(self) -> float:
        """Points before any penalty: the tests' score of a graded result, 0 otherwise. The one
        place this rule is written (``scoring.raw_score`` is its name for every caller): it
        lives here because ``to_gradescope`` needs it and this module decides grades, so it
        cannot import ``scoring``."""
        return self.score if self.status == "graded" else 0.0

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 6) if self.tests else self.possible

    def per_exercise(self) -> dict[str, tuple[float, float]]:
        """Points earned and available per exercise (a multi-exercise test splits evenly)."""
        out: dict[str, list[float]] = {}
        for t in self.tests:
            tags = t.exercises or ("other",)
            for ex in tags:
                acc = out.setdefault(ex, [0.0, 0.0])
                acc[0] += t.score / len(tags)
                acc[1] += t.max_score / len(tags)
        return {k: (round(v[0], 6), round(v[1], 6)) for k, v in out.items()}

    def summary_text(self) -> str:
        lines = []
        if self.status == "ungradable":
            lines.append(f"Your submission could not be graded: {self.error}")
        lines += self.notes
        if self.output.strip():
            lines.append("Output of your notebook while it was loaded:\n" + _cap(self.output, 4000))
        return "\n\n".join(lines)

    @property
    def display_title(self) -> str:
        return self.title or self.assignment_id

    def to_gradescope(self) -> dict:
        tests = []
        for t in self.tests:
            tests.append({
                "name": t.name, "number": t.number, "score": t.score, "max_score": t.max_score,
                "status": t.status, **t.gradescope_output(),
                "visibility": "visible" if t.visibility == "public" else self.hidden_visibility,
                "tags": list(t.exercises),
            })
        data = {
            "score": self.raw_score,
            "execution_time": round(self.execution_time, 3),
            "output": self.summary_text(),
            "output_format": "text",
            "stdout_visibility": "hidden",
            "visibility": "visible",
            "tests": tests,
            "extra_data": {
                "assignment_id": self.assignment_id, "submission_sha256": self.sha256,
                "grader_version": self.grader_version, "status": self.status, "scope": self.scope,
                "device": self.device, "sandbox": self.sandbox, "timings": self.timings,
                "per_exercise": {k: {"score": s, "max_score": m} for k, (s, m) in self.per_exercise().items()},
            },
        }
        if self.late is not None:
            # Gradescope's score is the final one; the raw score stays in extra_data.
            data["score"] = self.late.final
            data["extra_data"]["late"] = {"days": self.late.days, "raw": self.late.raw,
                                          "penalty": self.late.penalty}
        return data

    def write_json(self, path: Path) -> None:
        """Write results.json (Gradescope's format), atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(sanitize.utf8(json.dumps(self.to_gradescope(), indent=2) + "\n"))  # never raises on text
        tmp.replace(path)  # atomic: a reader never sees half a file

    def to_dict(self) -> dict:
        """Everything, hidden messages included: for the instructor's gradebook only."""
        return asdict(self)


def result_from_dict(d: dict) -> GradeResult:
    """Rebuild a GradeResult from ``GradeResult.to_dict()`` (as stored or sent over a pipe).
    Unknown keys are ignored, so rows written by an older grader still load."""
    known = {f.name for f in fields(GradeResult)}
    test_fields = {f.name for f in fields(TestResult)}
    tests = [TestResult(**{**{k: v for k, v in t.items() if k in test_fields},
                           "exercises": tuple(t.get("exercises", ())),
                           "images": tuple(Picture(**p) for p in t.get("images", ()) if isinstance(p, dict)),
                           "diagnosis": _diagnosis(t.get("diagnosis"))})
             for t in d.get("tests", [])]
    late = d.get("late")
    if isinstance(late, dict):
        late = LatePenalty(**{k: v for k, v in late.items() if k in {f.name for f in fields(LatePenalty)}})
    return GradeResult(**{k: v for k, v in d.items() if k in known and k not in ("tests", "late")}, tests=tests,
                       late=late if isinstance(late, LatePenalty) else None)


def _diagnosis(d) -> Diagnosis | None:
    if not isinstance(d, dict) or not isinstance(d.get("mistake"), str):
        return None
    texts = d.get("texts")
    return Diagnosis(mistake=d["mistake"], exercise=str(d.get("exercise", "")),
                     texts={str(k): str(v) for k, v in texts.items()} if isinstance(texts, dict) else {},
                     said=str(d.get("said", "")))


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"\n... [{len(text) - limit} more characters]"
