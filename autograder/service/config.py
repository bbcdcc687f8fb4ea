"""``ServiceConfig``: how one ``autograder serve`` runs (one typed object, from the CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServiceConfig:
    course: Path  # the instructor's course folder (solutions/ with hidden tests, assignments/)
    db: Path  # the service database (SQLite, WAL)
    data: Path  # the blob store and grading scratch space
    host: str = "127.0.0.1"
    port: int = 8000
    jobs: int = 1  # submissions graded at once
    backend: str = "local"  # local | docker | auto
    gpus: str | None = None  # docker backend: all, a count, device=0,1
    image: str | None = None  # docker backend: grading image
    executor: str = "local"  # local | ray
    address: str | None = None  # Ray cluster address
    device: str = "auto"
    # Seconds one grading may take before it is stopped and the submission is not graded;
    # None: from each suite's budgets (executors.suite_timeout), as ``batch`` does.
    submission_timeout_s: float | None = None
    # Each grading process grades the reference solution first (``GradeSpec.warmup``); off
    # (``serve --no-warmup``): graders start sooner and a broken suite is not reported.
    warmup: bool = True

    @staticmethod
    def default_data(db: Path) -> Path:
        """Where uploads live when --data is not given: next to the database."""
        return db.with_name(db.stem + "-data")
