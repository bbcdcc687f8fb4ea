"""The late-penalty policy: whole days late, a fraction of the raw score off per day.

Trusted side. Penalties are never stored: the gradebook derives them from the raw score,
the submission time and the due date whenever it is read, so changing the due date in
assignment.toml needs no regrade.
"""

from __future__ import annotations

import datetime as dt
import math

from autograder.config import AssignmentConfig
from autograder.results import LatePenalty


def late_days(submitted_at: dt.datetime | None, due: dt.datetime | None) -> int:
    """Whole days late, a started day counting as a day (0 when on time or unknown)."""
    if submitted_at is None or due is None or submitted_at <= due:
        return 0
    return math.ceil((submitted_at - due).total_seconds() / 86400)


def penalty_points(raw: float, days: int, per_day: float) -> float:
    """Points taken off: ``per_day`` of the raw score per day late, never below zero final."""
    return round(raw * min(1.0, days * per_day), 6)


def late_penalty(raw: float, submitted_at: dt.datetime | None, cfg: AssignmentConfig) -> LatePenalty:
    """The penalty of one submission under this assignment's due date and rate."""
    days = late_days(submitted_at, cfg.due)
    pen = penalty_points(raw, days, cfg.late_penalty_per_day)
    return LatePenalty(days=days, raw=raw, penalty=pen, final=round(raw - pen, 6),
                       due=cfg.due.isoformat() if cfg.due else "", per_day=cfg.late_penalty_per_day)
