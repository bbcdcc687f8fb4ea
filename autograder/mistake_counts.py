"""The class view of known mistakes: per exercise, each known mistake the class's counted
submissions were diagnosed with (``TestResult.diagnosis``), how many students show it and who
they are, most common first.

Trusted side, staff only (it names students). The one aggregation the batch's report, the
CSV and the service's staff page all read, so the three always agree: a student counts once
per mistake however many of their tests show it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from autograder.results import Diagnosis, GradeResult


@dataclass(frozen=True)
class MistakeCount:
    """One known mistake of one exercise, and the students whose counted submission shows it."""

    exercise: str
    mistake: str  # the mutant's name, as Diagnosis.mistake
    texts: dict  # language -> the misconception (Diagnosis.texts)
    students: tuple[str, ...]  # sorted

    @property
    def count(self) -> int:
        return len(self.students)

    def text(self, lang: str) -> str:
        """The misconception in ``lang``, else in English, else in any language it was written in."""
        return self.texts.get(lang) or self.texts.get("en") or next(iter(self.texts.values()), "")


def diagnosed(result: GradeResult) -> dict[str, list[str]]:
    """Per exercise, the known mistakes a result was diagnosed with (each once, sorted). Only a
    graded result counts: an ungradable one has no test results."""
    out: dict[str, set[str]] = {}
    for ex, d in _diagnoses(result):
        out.setdefault(ex, set()).add(d.mistake)
    return {ex: sorted(names) for ex, names in out.items()}


def _diagnoses(result: GradeResult) -> list[tuple[str, Diagnosis]]:
    """(exercise, diagnosis) of each diagnosed failed test of a graded result: the mistake's own
    exercise, else the test's (a diagnosis recorded before it named one)."""
    if result.status != "graded":
        return []
    return [(ex, t.diagnosis) for t in result.tests if t.diagnosis is not None and not t.passed
            for ex in ((t.diagnosis.exercise,) if t.diagnosis.exercise else (t.exercises or ("other",)))]


def count(results: Iterable[tuple[str, GradeResult]], exercises: Iterable[str] = ()) -> dict[str, list[MistakeCount]]:
    """Per exercise (``exercises``' order first, then any other by name), its known mistakes,
    most students first (ties by name). ``results`` is each student's counted result."""
    students: dict[tuple[str, str], set[str]] = {}
    texts: dict[tuple[str, str], dict] = {}
    for student, result in results:
        for ex, d in _diagnoses(result):
            students.setdefault((ex, d.mistake), set()).add(student)
            if d.texts:
                texts.setdefault((ex, d.mistake), dict(d.texts))
    order = list(dict.fromkeys(exercises))
    order += sorted({ex for ex, _n in students} - set(order))
    out: dict[str, list[MistakeCount]] = {}
    for ex in order:
        rows = [MistakeCount(ex, name, texts.get((ex, name), {}), tuple(sorted(who)))
                for (e, name), who in students.items() if e == ex]
        if rows:
            out[ex] = sorted(rows, key=lambda r: (-r.count, r.mistake))
    return out
