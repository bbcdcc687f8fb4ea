"""Submission policies: due date, hard close, extensions, the rate window, which submission
counts (``counts``; ``scoring.counted`` picks it), and when hidden results become visible.
Late days and penalties are ``autograder.scoring``'s.

From ``assignment.toml``: ``[assignment]`` (``due``, ``late_penalty_per_day``,
``hidden_visibility``) as the grader reads it, and a ``[service]`` table::

    [service]
    max_upload_mb = 20          # default 20
    closes = "2026-12-14T23:59:00+00:00"   # hard close; default none
    graded_per_window = 10      # accepted submissions per student in the window; default unlimited
    window_hours = 24
    counts = "last"             # last | best (by final score)

Pure functions of their inputs (the clock is passed in), so the rules are tested alone.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from autograder.service.messages import t as _
from autograder.config import AssignmentConfig, ConfigError


@dataclass(frozen=True)
class ServicePolicy:
    max_upload_mb: float = 20
    closes: dt.datetime | None = None
    graded_per_window: int | None = None
    window_hours: float = 24
    counts: str = "last"

    @classmethod
    def from_config(cls, cfg: AssignmentConfig) -> "ServicePolicy":
        raw = tomllib.loads(Path(cfg.path).read_text(encoding="utf-8")).get("service", {}) if cfg.path else {}
        where = f"{cfg.path} [service]"
        unknown = set(raw) - {"max_upload_mb", "closes", "graded_per_window", "window_hours", "counts"}
        if unknown:
            raise ConfigError(_("{where}: unknown key(s) {keys}; known: max_upload_mb, closes, graded_per_window, "
                                "window_hours, counts").format(where=where, keys=", ".join(sorted(unknown))))
        closes = raw.get("closes")
        if isinstance(closes, str):
            try:
                closes = dt.datetime.fromisoformat(closes)
            except ValueError:
                raise ConfigError(_("{where}: closes must be RFC 3339, e.g. 2026-12-14T23:59:00+00:00").format(
                    where=where)) from None
        if isinstance(closes, dt.datetime) and closes.tzinfo is None:
            closes = closes.replace(tzinfo=dt.timezone.utc)
        counts = str(raw.get("counts", "last"))
        if counts not in ("last", "best"):
            raise ConfigError(_("{where}: counts must be \"last\" or \"best\"").format(where=where))
        per = raw.get("graded_per_window")
        policy = cls(max_upload_mb=float(raw.get("max_upload_mb", 20)),
                     closes=closes if isinstance(closes, dt.datetime) else None,
                     graded_per_window=int(per) if per is not None else None,
                     window_hours=float(raw.get("window_hours", 24)), counts=counts)
        if policy.max_upload_mb <= 0 or policy.window_hours <= 0 or (per is not None and int(per) < 1):
            raise ConfigError(_("{where}: max_upload_mb, window_hours and graded_per_window must be positive").format(
                where=where))
        return policy

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


@dataclass(frozen=True)
class Extension:
    due: dt.datetime | None = None
    closes: dt.datetime | None = None
    extra: int = 0

    @classmethod
    def from_row(cls, row) -> "Extension":
        if row is None:
            return cls()
        parse = lambda s: dt.datetime.fromisoformat(s) if s else None  # noqa: E731
        return cls(parse(row["due"]), parse(row["closes"]), int(row["extra"] or 0))


@dataclass(frozen=True)
class Deadlines:
    """One student's deadlines for one assignment (the assignment's, or their extension's)."""

    due: dt.datetime | None
    closes: dt.datetime | None
    limit: int | None  # accepted submissions per window; None = unlimited
    window: dt.timedelta
    late_penalty_per_day: float

    def closed(self, now: dt.datetime) -> bool:
        return self.closes is not None and now > self.closes


def deadlines(cfg: AssignmentConfig, policy: ServicePolicy, ext: Extension) -> Deadlines:
    due = ext.due or cfg.due
    closes = ext.closes or policy.closes
    if closes is not None and due is not None and ext.due is not None and ext.closes is None and due > closes:
        closes = due  # an extension past the hard close moves the close with it
    limit = policy.graded_per_window + ext.extra if policy.graded_per_window is not None else None
    return Deadlines(due, closes, limit, dt.timedelta(hours=policy.window_hours), cfg.late_penalty_per_day)


def retry_after(counted: list[dt.datetime], d: Deadlines, now: dt.datetime) -> int | None:
    """Seconds until one more submission is allowed (None: allowed now). ``counted``: the
    student's accepted, not ``not_graded`` submissions of this assignment."""
    if d.limit is None:
        return None
    inside = sorted(t for t in counted if t > now - d.window)
    if len(inside) < d.limit:
        return None
    leaves = inside[len(inside) - d.limit] + d.window  # the one whose exit brings us under the limit
    return max(1, math.ceil((leaves - now).total_seconds()))


def left_in_window(counted: list[dt.datetime], d: Deadlines, now: dt.datetime) -> int | None:
    if d.limit is None:
        return None
    return max(0, d.limit - sum(1 for t in counted if t > now - d.window))


def hidden_visible(visibility: str, due: dt.datetime | None, published: bool, now: dt.datetime) -> bool:
    """Whether a student may see their hidden tests' results (names, points, authors' lines)."""
    if visibility == "visible":
        return True
    if visibility == "after_due_date":
        return due is None or now > due
    if visibility == "after_published":
        return published
    return False  # "hidden"


class Course:
    """The course's assignments as the service offers them (solutions/<id>/assignment.toml)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._cache: dict[str, tuple[float, AssignmentConfig, ServicePolicy]] = {}

    def ids(self) -> list[str]:
        base = self.root / "solutions"
        return sorted(p.name for p in base.iterdir() if (p / "assignment.toml").is_file()) if base.is_dir() else []

    def get(self, assignment: str) -> tuple[AssignmentConfig, ServicePolicy] | None:
        if assignment not in self.ids():
            return None
        path = self.root / "solutions" / assignment / "assignment.toml"
        mtime = path.stat().st_mtime
        hit = self._cache.get(assignment)
        if hit is None or hit[0] != mtime:
            cfg = AssignmentConfig.load(path)
            hit = self._cache[assignment] = (mtime, cfg, ServicePolicy.from_config(cfg))
        return hit[1], hit[2]

    def release_dir(self, assignment: str) -> Path | None:
        folder = self.root / "assignments" / assignment
        return folder if assignment in self.ids() and folder.is_dir() else None
