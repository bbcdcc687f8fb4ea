"""``make bench``: grading throughput and per-submission overhead, three ways, in one run.

(a) baseline: a fresh ``pytest`` process per submission with the student module imported
    in-process (``bench_baseline``), as pytest-based Gradescope autograders do;
(b) our local backend: warm grader processes, a zygote forking a worker per submission;
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
from rich.text import Text

from autograder import i18n
from autograder.config import ConfigError, assignment_paths
from autograder.i18n import N_
from autograder.i18n import t as _  # labels in the command's language; figures stay as they are
from autograder.executors import GradeSpec, GraderProcessFault, Job, LocalExecutor, Outcome
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


def generate(course: Path, aid: str, n: int, out: Path, every: int = 4) -> list[Path]:
    """``n`` submissions: the solution with harmless changes (so every hash differs), and every
    ``every``-th one a mutant (the solution with a known-wrong function appended)."""
    paths = assignment_paths(aid, course)
    if paths.notebook is None or not paths.notebook.exists():
        raise ConfigError(_("{assignment}: the bench needs the solution notebook {notebook}").format(
            assignment=aid, notebook=paths.notebook))
    source = "\n\n".join(c.source for c in load_submission(paths.notebook, aid).cells)
    mutants = sorted(paths.mutants.glob("*.py")) if paths.mutants and paths.mutants.is_dir() else []
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        text = f"# bench submission {i}: the solution, reformatted\n" + source.replace("\n\n", "\n\n\n", i % 3)
        if mutants and i % every == every - 1:
            m = mutants[(i // every) % len(mutants)]
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
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "AUTOGRADER_LANG": i18n.current()}
    if paths.probes:
        env["AG_PROBES"] = str(paths.probes)
    run = Run(_("(a) fresh pytest per submission"), n=len(files))

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
            raise RuntimeError(_("baseline pytest failed on {file}:").format(file=f.name)
                               + f"\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
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
             backend_options: dict | None = None, diagnose: bool = True) -> Run:
    spec = GradeSpec(assignment=aid, course=str(course), device="cpu", backend=backend,
                     backend_options=backend_options or {}, diagnose=diagnose)
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
        return _("the docker backend is not in this build (backends: {backends})").format(backends=", ".join(BACKENDS))
    try:
        import docker

        docker.from_env().ping()
    except Exception as e:  # noqa: BLE001 - any failure means: no engine to measure
        return _("no Docker engine answers ({error})").format(error=f"{type(e).__name__}: {str(e)[:120]}")
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
    table = Table(title=_("Grading {n} submissions, one run").format(n=runs[0].n))
    columns = (N_("contender"), N_("wall s"), N_("subs/s"), N_("x (a)"), N_("start-up s"), N_("per sub s"),
               N_("tests s"), N_("overhead s"))
    for col in columns:
        table.add_column(_(col), justify="left" if col == "contender" else "right")
    base = runs[0]
    for r in runs:
        if r.skipped:
            table.add_row(r.name, _("skipped"), "", "", "", "", "", "")
            continue
        table.add_row(r.name, f"{r.wall:.1f}", f"{r.throughput:.3f}",
                      f"{r.throughput / base.throughput:.2f}" if base.throughput else "",
                      f"{r.startup:.2f}", f"{statistics.mean(r.per_sub):.2f}",
                      f"{statistics.mean(r.test_time):.2f}", f"{r.overhead:.3f}")
    console.print(table)
    for r in runs[1:]:
        if r.skipped:
            console.print(_("{contender}: skipped: {why}").format(contender=r.name, why=r.skipped))
            continue
        console.print(_("{contender}: throughput {ratio}x of (a); per-submission overhead {overhead} s vs {base} s "
                        "({less}x less)").format(
            contender=r.name, ratio=f"{r.throughput / base.throughput:.2f}", overhead=f"{r.overhead:.3f}",
            base=f"{base.overhead:.3f}", less=f"{base.overhead / r.overhead if r.overhead > 0 else float('inf'):.0f}"))
        same, differ = _agreement(base, r)
        console.print("  " + _("same pass/fail per test as (a) on {same}/{n} submissions").format(same=same, n=r.n)
                      + (_(": differ on {submissions}").format(submissions="; ".join(differ[:5])) if differ else ""))
    for r in runs[1:]:
        if r.test_seconds and not r.skipped:
            _print_test_share(r, console)
    console.print(_("overhead = a submission's wall time minus the time inside its tests; start-up is "
                    "paid once per grader process and counts in wall and throughput."), style="dim")


VECTORISATION = ("_vectorised", "_large_tensor")  # 01_tensors' tests that judge vectorisation


def _print_test_share(r: Run, console: Console) -> None:
    """Warm per-submission time, how much of it is tests, and which tests cost most."""
    mean = {name: statistics.mean(s) for name, s in r.test_seconds.items()}
    tests = statistics.mean(r.test_time)
    vec = sum(s for name, s in mean.items() if name.endswith(VECTORISATION))
    warm = statistics.mean(r.per_sub[1:] or r.per_sub)  # the first submission also warms caches
    top = ", ".join(f"{name} {s:.3f}" for name, s in sorted(mean.items(), key=lambda kv: -kv[1])[:4])
    console.print(_("{contender}: warm per submission {warm} s, of which tests {tests} s ({share}); vectorisation "
                    "tests {vec} s ({vec_share} of the tests); slowest tests (s): {top}").format(
        contender=r.name, warm=f"{warm:.2f}", tests=f"{tests:.2f}", share=f"{tests / warm:.0%}", vec=f"{vec:.2f}",
        vec_share=f"{vec / tests if tests else 0:.0%}", top=top), highlight=False)


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
            console.print(Text(f"{o.job.path.name}: {o.fault}", "red"))
        if done == 1 or done % every == 0 or done == n:
            mem = executor.memory()[0]
            samples.append((done, time.perf_counter() - t0, mem))
            console.print(_("{done} graded  {seconds} s  trusted {trusted} MiB  zygote {zygote} MiB").format(
                done=f"{done:5d}", seconds=f"{time.perf_counter() - t0:7.0f}", trusted=f"{mem['trusted'] / 1024:7.1f}",
                zygote=f"{mem.get('zygote', 0) / 1024:7.1f}"), highlight=False)

    try:
        executor.run([Job(f.stem, f) for f in files], on_outcome)
    finally:
        executor.close()
    first = next((s for s in samples if s[0] >= max(1, n // 10)), samples[0])
    last = samples[-1]
    for key in ("trusted", "zygote"):
        grow = (last[2].get(key, 0) - first[2].get(key, 0)) / 1024
        console.print(_("{process}: {first} MiB after {first_n} submissions, {last} MiB after {last_n} "
                        "({grow} MiB)").format(process=key, first=f"{first[2].get(key, 0) / 1024:.1f}",
                                               first_n=first[0], last=f"{last[2].get(key, 0) / 1024:.1f}",
                                               last_n=last[0], grow=f"{grow:+.1f}"))
    return 0


def run_bench(course: Path | None, args, console: Console) -> int:
    if course is None:
        raise ConfigError(_("no course found: run `make bench` from the repository root"))
    work = Path(tempfile.mkdtemp(prefix="ag-bench-"))
    try:
        if args.memory:
            return run_memory(course, args.assignment, args.memory, work, console)
        files = generate(course, args.assignment, args.n, work / "subs")
        console.print(_("{n} generated submissions of {assignment} ({mutants} with a mutant), jobs={jobs}").format(
            n=len(files), assignment=args.assignment, mutants=sum(1 for i in range(len(files)) if i % 4 == 3),
            jobs=args.jobs))
        runs = []
        with console.status(_("(a) a fresh pytest process per submission...")):
            runs.append(run_baseline(course, args.assignment, files, args.jobs, work))
        local, docker = _("(b) local backend"), _("(c) docker backend")
        with console.status(local + "..."):
            runs.append(run_ours(local, course, args.assignment, files, args.jobs))
        why = docker_unavailable()
        if why:
            runs.append(Run(docker, n=len(files), skipped=why))
        else:
            with console.status(docker + "..."):
                opts = {"image": args.image} if args.image else {}
                try:
                    runs.append(run_ours(docker, course, args.assignment, files, args.jobs,
                                         backend="docker", backend_options=opts))
                except GraderProcessFault as e:  # e.g. an image built from other engine sources
                    runs.append(Run(docker, n=len(files), skipped=str(e)))
        print_runs(runs, console)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
