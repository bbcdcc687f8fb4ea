"""Per-submission cost of the docker backend against the local one, measured in one run.

Grades the same submissions with both backends, interleaved (local, docker, local, ...)
so that machine load drifts hit both alike, after one untimed warm-up grading each.
Prints, per backend: wall time per submission, the time from taking a zygote to the
cells being loaded (where the backends differ), the score (must match), and the ratios;
then a cold container start (no prestarted spare) for reference.

    make bench-docker            # or: .venv/bin/python docker/bench_backends.py [ROUNDS]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.backends import make_backend  # noqa: E402
from autograder.backends.docker import ContainerLimits, _Container  # noqa: E402
from autograder.grader import GradeOptions, Grader  # noqa: E402

AID = "01_tensors"
SUBMISSIONS = [ROOT / "tests/sample_class" / AID / n for n in ("alice.ipynb", "bob.py", "carol.py", "dave.py")]


def grade(grader: Grader, path: Path) -> tuple[float, float | None, float]:
    """Wall seconds, seconds from taking a zygote to the cells loaded (None: the cells
    crashed the worker, as dave's do on purpose), score."""
    t0 = time.perf_counter()
    r = grader.grade(path, AID, GradeOptions(device="cpu", course=ROOT))
    return time.perf_counter() - t0, r.timings.get("load_s"), r.score


def _mean(values) -> float:
    values = [v for v in values if v is not None]
    return statistics.mean(values) if values else float("nan")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    graders = {"local": Grader(backend=make_backend("local")), "docker": Grader(backend=make_backend("docker"))}
    try:
        for g in graders.values():  # warm-up: zygote import (local), first container (docker)
            grade(g, SUBMISSIONS[0])
        rows: dict[str, list[tuple[float, float, float]]] = {k: [] for k in graders}
        for _ in range(rounds):
            for sub in SUBMISSIONS:
                for name, g in graders.items():
                    rows[name].append(grade(g, sub))
                scores = {name: rows[name][-1][2] for name in graders}
                if len(set(scores.values())) != 1:
                    raise SystemExit(f"{sub.name}: the backends disagree on the score: {scores}")
        backend = graders["docker"].backend
        t0 = time.perf_counter()
        c = _Container(backend, ContainerLimits())
        c.wait_ready()
        cold = time.perf_counter() - t0
        backend._dispose(c)
    finally:
        for g in graders.values():
            g.close()

    n = len(rows["local"])
    print(f"{n} gradings per backend ({len(SUBMISSIONS)} submissions x {rounds} round(s)), "
          f"{AID}, same machine, one run")
    for i, sub in enumerate(SUBMISSIONS * rounds):
        print(f"  {sub.name:12} score {rows['local'][i][2]:5.1f}   local {rows['local'][i][0]:6.2f} s   "
              f"docker {rows['docker'][i][0]:6.2f} s")
    print(f"{'backend':8} {'wall/sub s':>11} {'load s':>8} {'total s':>8}")
    for name, r in rows.items():
        print(f"{name:8} {_mean(x[0] for x in r):11.2f} {_mean(x[1] for x in r):8.3f} {sum(x[0] for x in r):8.1f}")
    wall = {k: _mean(x[0] for x in r) for k, r in rows.items()}
    load = {k: _mean(x[1] for x in r) for k, r in rows.items()}
    print(f"docker/local wall ratio: {wall['docker'] / wall['local']:.3f}   "
          f"overhead per submission: {wall['docker'] - wall['local']:+.2f} s wall, "
          f"{load['docker'] - load['local']:+.3f} s to load the cells")
    print(f"cold container start (create + zygote imports torch + connect): {cold:.2f} s "
          "(hidden by prestarting while the previous submission is graded)")


if __name__ == "__main__":
    main()
