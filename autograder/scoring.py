"""Scores, in one place: the raw score of a result, late days, the late penalty, the final
score, and which of a student's submissions counts.

Trusted side. Every caller (the batch and its gradebook, the CSV, the class report, the
service's views, its CSV and its counted set) computes these here and nowhere else.
Penalties are never stored: they are derived from the raw score, the submission time and
the due date whenever a grade is read, so changing the due date needs no regrade.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Callable, Literal, Sequence, TypeVar

from autograder.results import GradeResult, LatePenalty

#: Which submission makes a student's grade: the last one graded, or the best final score.
CountPolicy = Literal["last", "best"]
#: Statuses that are a grade (a graded or an ungradable submission); queued, grading,
#: not_graded and a refused upload never are.
GRADE_STATUSES = ("graded", "ungradable")


def raw_score(result: GradeResult) -> float:
    """Points before any penalty: the tests' score of a graded result, 0 otherwise.

    The rule itself is ``GradeResult.raw_score``: ``results.py`` decides grades (it is in the
    grade cache key) and writes Gradescope's score with it, and it cannot import this module,
    which imports it."""
    return result.raw_score


def late_days(submitted_at: dt.datetime | None, due: dt.datetime | None) -> int:
    """Whole days late, a started day counting as a day (0 when on time or unknown)."""
    if submitted_at is None or due is None or submitted_at <= due:
        return 0
    return math.ceil((submitted_at - due).total_seconds() / 86400)


def penalty_points(raw: float, days: int, per_day: float) -> float:
    """Points taken off: ``per_day`` of the raw score per day late, never below zero final."""
    return round(raw * min(1.0, days * per_day), 6)


@dataclass(frozen=True)
class Score:
    """One submission's score under a late policy."""

    raw: float
    max_score: float
    late_days: int
    penalty: float
    final: float

    def late(self, due: dt.datetime | None, per_day: float) -> LatePenalty:
        """The penalty a result carries to its writers: the late section of
        ``feedback.render_markdown`` and the final score of ``GradeResult.to_gradescope``."""
        return LatePenalty(days=self.late_days, raw=self.raw, penalty=self.penalty, final=self.final,
                           due=due.isoformat() if due else "", per_day=per_day)


def score(result: GradeResult, days: int, per_day: float) -> Score:
    """The score of ``result`` handed in ``days`` days late at ``per_day`` off per day."""
    raw = raw_score(result)
    off = penalty_points(raw, days, per_day)
    return Score(raw=raw, max_score=result.max_score, late_days=days, penalty=off, final=round(raw - off, 6))


T = TypeVar("T")


def counted(candidates: Sequence[T], policy: CountPolicy, final: Callable[[T], float], *,
            graded: Callable[[T], bool]) -> T | None:
    """The submission that makes the grade among ``candidates`` (oldest first, each already a
    grade: graded or ungradable, in time): the last, or the one with the best final score
    (the later of equals), among the ``graded`` ones. An ungradable one never counts over a
    graded one, whatever the policy: it counts (as 0) only when none is graded, the last
    then. None when there is no candidate."""
    if not candidates:
        return None
    pool = [c for c in candidates if graded(c)]
    if not pool:
        return candidates[-1]
    if policy == "best":
        pick, top = pool[0], final(pool[0])
        for c in pool[1:]:
            f = final(c)  # once per candidate: it may decode a stored result
            if f >= top:
                pick, top = c, f
        return pick
    return pool[-1]
