"""``make bench``: grading throughput and per-submission overhead, three ways, in one run.

(a) baseline: a fresh ``pytest`` process per submission with the student module imported
    in-process (``bench_baseline``), as pytest-based Gradescope autograders do;
(b) our local backend: warm grading processes, a zygote forking a worker per submission;
(c) our docker backend, when ``make_backend("docker")`` exists and an engine answers.

All grade the same generated submissions (variants of the solution, with different bytes,
plus mutants) with the same suites. Per-submission overhead is a submission's wall time
minus the time its tests ran; start-up (importing torch in a warm process) is a one-off
cost, reported apart and included in throughput. ``--memory N`` instead grades N
submissions with the local backend and reports the resident memory of the long-lived
processes as it goes.
"""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from autograder.config import ConfigError, assignment_paths
from autograder.executors import GradeSpec, GradingProcessFault, Job, LocalExecutor, Outcome
from autograder.submission import load_submission


@dataclass
class Run:
    name: str
    n: int = 0
    wall: float = 0.0  # whole run, start-up included
    startup: float = 0.0  # one-off, before the first submission could start
    per_sub: list[float] = field(default_factory=list)  # each submission's wall time
    test_time: list[float] = field(default_factory=list)  # each submission's time inside its tests
    passed: dict[str, dict[str, bool]] = field(default_factory=dict)  # submission -> test -> passed
    test_seconds: dict[str, list[float]] = field(default_factory=dict)  # test -> its time per submission
    skipped: str = ""

    @property
    def throughput(self) -> float:
        return self.n / self.wall if self.wall else 0.0

    @property
    def overhead(self) -> float:
        return statistics.mean(w - t for w, t in zip(self.per_sub, self.test_time)) if self.per_sub else 0.0


def generate(course: Path, aid: str, n: int, out: Path) -> list[Path]:
    """``n`` submissions: the solution with harmless changes (so every hash differs), and every
    fourth one a mutant (the solution with a known-wrong function appended)."""
    paths = assignment_paths(aid, course)
    if paths.notebook is None or not paths.notebook.exists():
        raise ConfigError(f"{aid}: the bench needs the solution notebook {paths.notebook}")
    source = "\n\n".join(c.source for c in load_submission(paths.notebook, aid).cells)
    mutants = sorted(paths.mutants.glob("*.py")) if paths.mutants and paths.mutants.is_dir() else []
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        text = f"# bench submission {i}: the solution, reformatted\n" + source.replace("\n\n", "\n\n\n", i % 3)
        if mutants and i % 4 == 3:
            m = mutants[(i // 4) % len(mutants)]
            text += f"\n\n# ---- mutant {m.name}\n" + m.read_text(encoding="utf-8")
        f = out / f"s{i:04d}.py"
        f.write_text(text, encoding="utf-8")
        files.append(f)
    return files


# --------------------------------------------------------------------------- (a) baseline

def _junit(path: Path) -> tuple[dict[str, bool], float]:
    root = ET.parse(path).getroot()
    passed, seconds = {}, 0.0
    for case in root.iter("testcase"):
        passed[case.get("name")] = not any(child.tag in ("failure", "error", "skipped") for child in case)
        seconds += float(case.get("time", 0))
    return passed, seconds


def run_baseline(course: Path, aid: str, files: list[Path], jobs: int, work: Path) -> Run:
    paths = assignment_paths(aid, course)
    ini = work / "empty.ini"
    ini.write_text("[pytest]\n")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    if paths.probes:
        env["AG_PROBES"] = str(paths.probes)
    run = Run("(a) fresh pytest per submission", n=len(files))

    def one(f: Path) -> tuple[Path, float, dict, float]:
        xml = work / f"{f.stem}.xml"
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", *map(str, paths.test_dirs), "-q", "-p", "autograder.bench_baseline",
             "-p", "no:cacheprovider", "-c", str(ini), "--rootdir", str(paths.public_tests.parent),
             "--import-mode=importlib", f"--junitxml={xml}"],
            env={**env, "AG_STUDENT": str(f)}, capture_output=True, text=True, cwd=work)
        wall = time.perf_counter() - t0
        if not xml.exists():
            raise RuntimeError(f"baseline pytest failed on {f.name}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        passed, tests = _junit(xml)
        return f, wall, passed, tests

    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for f, wall, passed, tests in pool.map(one, files):
            run.per_sub.append(wall)
            run.test_time.append(tests)
            run.passed[f.name] = passed
    run.wall = time.perf_counter() - t0
    return run


# --------------------------------------------------------------------------- (b), (c) our backends

def run_ours(name: str, course: Path, aid: str, files: list[Path], jobs: int, backend: str = "local",
             backend_options: dict | None = None) -> Run:
    spec = GradeSpec(assignment=aid, course=str(course), device="cpu", backend=backend,
                     backend_options=backend_options or {})
    run = Run(name, n=len(files))
    t0 = time.perf_counter()
    executor = LocalExecutor(spec, jobs=jobs)
    executor.start()
    for p in executor.procs:
        p.wait_ready()
    run.startup = time.perf_counter() - t0

    def on_outcome(o: Outcome) -> None:
        if o.result is None:
            raise RuntimeError(f"{name}: grading {o.job.path.name} failed: {o.fault}")
        run.per_sub.append(o.seconds)
        run.test_time.append(sum(t["seconds"] for t in o.result["tests"]))
        run.passed[o.job.path.name] = {t["name"]: t["status"] == "passed" for t in o.result["tests"]}
        for t in o.result["tests"]:
            run.test_seconds.setdefault(t["name"], []).append(t["seconds"])

    try:
        executor.run([Job(f.stem, f) for f in files], on_outcome)
    finally:
        executor.close()
    run.wall = time.perf_counter() - t0
    return run


def docker_unavailable() -> str:
    """Why the docker contender cannot run here ('' when it can)."""
    from autograder.backends import BACKENDS

    if "docker" not in BACKENDS:
        return f"the docker backend is not in this build (backends: {', '.join(BACKENDS)})"
    try:
        import docker

        docker.from_env().ping()
    except Exception as e:  # noqa: BLE001 - any failure means: no engine to measure
        return f"no Docker engine answers ({type(e).__name__}: {str(e)[:120]})"
    return ""


# --------------------------------------------------------------------------- report

def _agreement(a: Run, b: Run) -> tuple[int, list[str]]:
    same, differ = 0, []
    for sub, tests in b.passed.items():
        if a.passed.get(sub) == tests:
            same += 1
        else:
            other = a.passed.get(sub, {})
            diff = sorted(t for t in set(tests) | set(other) if tests.get(t) != other.get(t))
            differ.append(f"{sub}: {', '.join(diff[:4])}")
    return same, differ


def print_runs(runs: list[Run], console: Console) -> None:
    table = Table(title=f"Grading {runs[0].n} submissions, one run")
    for col in ("contender", "wall s", "subs/s", "x (a)", "start-up s", "per sub s", "tests s", "overhead s"):
        table.add_column(col, justify="left" if col == "contender" else "right")
    base = runs[0]
    for r in runs:
        if r.skipped:
            table.add_row(r.name, "skipped", "", "", "", "", "", "")
            continue
        table.add_row(r.name, f"{r.wall:.1f}", f"{r.throughput:.3f}",
                      f"{r.throughput / base.throughput:.2f}" if base.throughput else "",
                      f"{r.startup:.2f}", f"{statistics.mean(r.per_sub):.2f}",
                      f"{statistics.mean(r.test_time):.2f}", f"{r.overhead:.3f}")
    console.print(table)
    for r in runs[1:]:
        if r.skipped:
            console.print(f"{r.name}: skipped: {r.skipped}")
            continue
        console.print(f"{r.name}: throughput {r.throughput / base.throughput:.2f}x of (a); per-submission "
                      f"overhead {r.overhead:.3f} s vs {base.overhead:.3f} s "
                      f"({base.overhead / r.overhead if r.overhead > 0 else float('inf'):.0f}x less)")
        same, differ = _agreement(base, r)
        console.print(f"  same pass/fail per test as (a) on {same}/{r.n} submissions"
                      + (": differ on " + "; ".join(differ[:5]) if differ else ""))
    for r in runs[1:]:
        if r.test_seconds and not r.skipped:
            _print_test_share(r, console)
    console.print("overhead = a submission's wall time minus the time inside its tests; start-up is "
                  "paid once per grading process and counts in wall and throughput.", style="dim")


VECTORISATION = ("_vectorised", "_large_tensor")  # 01_tensors' tests that judge vectorisation


def _print_test_share(r: Run, console: Console) -> None:
    """Warm per-submission time, how much of it is tests, and which tests cost most."""
    mean = {name: statistics.mean(s) for name, s in r.test_seconds.items()}
    tests = statistics.mean(r.test_time)
    vec = sum(s for name, s in mean.items() if name.endswith(VECTORISATION))
    warm = statistics.mean(r.per_sub[1:] or r.per_sub)  # the first submission also warms caches
    top = ", ".join(f"{name} {s:.3f}" for name, s in sorted(mean.items(), key=lambda kv: -kv[1])[:4])
    console.print(f"{r.name}: warm per submission {warm:.2f} s, of which tests {tests:.2f} s "
                  f"({tests / warm:.0%}); vectorisation tests {vec:.2f} s ({vec / tests if tests else 0:.0%} of "
                  f"the tests); slowest tests (s): {top}", highlight=False)


def run_memory(course: Path, aid: str, n: int, work: Path, console: Console) -> int:
    files = generate(course, aid, n, work / "subs")
    spec = GradeSpec(assignment=aid, course=str(course), device="cpu")
    executor = LocalExecutor(spec, jobs=1)
    executor.start()
    samples: list[tuple[int, float, dict]] = []
    every = max(1, n // 20)
    t0 = time.perf_counter()
    done = 0

    def on_outcome(o: Outcome) -> None:
        nonlocal done
        done += 1
        if o.result is None:
            console.print(f"[red]{o.job.path.name}: {o.fault}[/]")
        if done == 1 or done % every == 0 or done == n:
            mem = executor.memory()[0]
            samples.append((done, time.perf_counter() - t0, mem))
            console.print(f"{done:5d} graded  {time.perf_counter() - t0:7.0f} s  trusted {mem['trusted'] / 1024:7.1f} MiB"
                          f"  zygote {mem.get('zygote', 0) / 1024:7.1f} MiB", highlight=False)

    try:
        executor.run([Job(f.stem, f) for f in files], on_outcome)
    finally:
        executor.close()
    first = next((s for s in samples if s[0] >= max(1, n // 10)), samples[0])
    last = samples[-1]
    for key in ("trusted", "zygote"):
        grow = (last[2].get(key, 0) - first[2].get(key, 0)) / 1024
        console.print(f"{key}: {first[2].get(key, 0) / 1024:.1f} MiB after {first[0]} submissions, "
                      f"{last[2].get(key, 0) / 1024:.1f} MiB after {last[0]} ({grow:+.1f} MiB)")
    return 0


def run_bench(course: Path | None, args, console: Console) -> int:
    if course is None:
        raise ConfigError("no course found: run `make bench` from the repository root")
    work = Path(tempfile.mkdtemp(prefix="ag-bench-"))
    try:
        if args.memory:
            return run_memory(course, args.assignment, args.memory, work, console)
        files = generate(course, args.assignment, args.n, work / "subs")
        console.print(f"{len(files)} generated submissions of {args.assignment} "
                      f"({sum(1 for i in range(len(files)) if i % 4 == 3)} with a mutant), jobs={args.jobs}")
        runs = []
        with console.status("(a) a fresh pytest process per submission..."):
            runs.append(run_baseline(course, args.assignment, files, args.jobs, work))
        with console.status("(b) local backend..."):
            runs.append(run_ours("(b) local backend", course, args.assignment, files, args.jobs))
        why = docker_unavailable()
        if why:
            runs.append(Run("(c) docker backend", n=len(files), skipped=why))
        else:
            with console.status("(c) docker backend..."):
                opts = {"image": args.image} if args.image else {}
                try:
                    runs.append(run_ours("(c) docker backend", course, args.assignment, files, args.jobs,
                                         backend="docker", backend_options=opts))
                except GradingProcessFault as e:  # e.g. an image built from other engine sources
                    runs.append(Run("(c) docker backend", n=len(files), skipped=str(e)))
        print_runs(runs, console)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
