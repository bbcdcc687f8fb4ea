"""Grade one submission: load it, start its worker, run the suites, build the result.

This is the trusted process. It holds the tests and the scores; the student's code runs
only in the worker that ``sandbox`` forks, and reaches this process as decoded values.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from _pytest.assertion.rewrite import AssertionRewritingHook  # no public name: --assert=plain's counterpart

from autograder import diagnosis, i18n, sanitize
from autograder.i18n import t as _
from autograder.backends.contract import Backend, SandboxConfig, SandboxLost, ZygoteHandle
from autograder.config import AssignmentConfig, AssignmentPaths, assignment_paths
from autograder.harness import GradingContext, HarnessPlugin
from autograder.results import GradeResult, TestResult
from autograder.sandbox import WorkerFailure, WorkerSession, describe_exit
from autograder.submission import Submission, SubmissionError, load_submission

DECIDES_GRADES = True  # part of every grade's cache key (cache_key.py)


class GraderFault(Exception):
    """The grader itself is broken (a suite that does not collect, points that do not add up)."""


class InfrastructureFault(GraderFault):
    """Where the worker ran failed under a submission (its container or the Docker daemon
    was lost) and a retry failed too: the submission is not graded, never charged. A batch
    marks it and grades it on its next run; unlike other GraderFaults it does not stop one."""


@dataclass(frozen=True)
class GradeOptions:
    device: str = "auto"  # auto | cpu | cuda
    scope: str = "all"  # all: public + hidden; public: what `check` runs
    course: Path | None = None
    lang: str = "en"  # the language of the grading's texts (i18n.choose() picks it for a command)
    record: bool = False  # keep each failed test's observations on its result (validate's fingerprints)
    diagnose: bool = True  # name known mistakes (diagnosis.py); off only to measure what it costs (bench)


def resolve_devices(device: str) -> list[str]:
    import torch

    if device == "cpu":
        return ["cpu"]
    has_cuda = torch.cuda.is_available()
    if device == "cuda" and not has_cuda:
        raise GraderFault(_("--device cuda was asked for, but torch sees no GPU here; "
                                 "use --device auto or cpu, or check the NVIDIA driver"))
    return ["cpu", "cuda"] if has_cuda else ["cpu"]


_INI: Path | None = None


def _empty_ini() -> Path:
    # Suites must not pick up the host project's pytest settings or conftest files.
    global _INI
    if _INI is None:
        fd, name = tempfile.mkstemp(prefix="autograder-", suffix=".ini")
        os.write(fd, b"[pytest]\n")
        os.close(fd)
        _INI = Path(name)
    return _INI


class Grader:
    """Grades submissions; where the worker runs is the backend's business (local: one warm
    zygote for all submissions)."""

    def __init__(self, zygote: ZygoteHandle | None = None, backend: Backend | None = None,
                 infra_retries: int = 1):
        from autograder.backends.local import LocalBackend

        self.backend: Backend = backend if backend is not None else LocalBackend(zygote)
        self.infra_retries = infra_retries  # regrades after a lost container, each after backend.recover()
        # The reference solution's grade when a warm grader process graded it before any
        # student (executors.grader_runtime); empty when nobody did.
        self.warmup: dict = {}

    @property
    def zygote(self) -> ZygoteHandle | None:
        """The backend's shared warm zygote, if it keeps one (tests start sessions on it)."""
        return self.backend.zygote

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> "Grader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------------
    def grade(self, path: Path, assignment_id: str, options: GradeOptions = GradeOptions(),
              submission: Submission | None = None) -> GradeResult:
        """Grade ``path``. Raises ConfigError/GraderFault for grader-side problems only.

        When the backend loses the worker's container (the Docker daemon restarted, a
        container removed from outside) the tests that ran meanwhile failed through no
        fault of the student: that grade is thrown away, the backend waits (bounded) for
        its engine, and the submission is graded again from scratch, up to
        ``infra_retries`` times; then InfrastructureFault (not graded, never charged)."""
        lost = ""
        for attempt in range(self.infra_retries + 1):
            try:
                with i18n.using(options.lang):  # a grading's texts are fixed in the language it is graded in
                    result = self._grade_once(path, assignment_id, options, submission)
            except SandboxLost as e:
                lost = _then(lost, e, options.lang) if lost else str(e)
            else:
                if attempt:  # recorded in results.json's extra_data.sandbox, for the operator
                    result.sandbox = {**result.sandbox, "retried_after": lost}
                return result
            if attempt < self.infra_retries:
                try:
                    self.backend.recover()
                except SandboxLost as e:
                    lost = _then(lost, e, options.lang)
                    break
        with i18n.using(options.lang):  # stored with the batch's faults: the grading's language
            raise InfrastructureFault(_(
                "the grading sandbox was lost while grading {name} ({why}). Not graded, and not charged to the "
                "student: check the Docker daemon (`docker info`), then run the same command again").format(
                name=Path(path).name, why=lost))

    def _grade_once(self, path: Path, assignment_id: str, options: GradeOptions,
                    submission: Submission | None) -> GradeResult:
        started = time.perf_counter()
        result, cfg, paths = _new_result(path, assignment_id, options)
        devices = resolve_devices(options.device)
        if "cuda" in devices and not self.backend.cuda:
            # A container started without --gpus sees no GPU, whatever this machine has.
            if options.device == "cuda":
                raise GraderFault(_("--device cuda needs a GPU in the grading container: add --gpus all"))
            devices = ["cpu"]
        result.device = ",".join(devices)
        try:
            sub = submission or load_submission(Path(path), assignment_id)
        except SubmissionError as e:  # refused before the backend is asked for a zygote
            return _ungradable(result, sanitize.clean(str(e)), started)
        result.sha256 = sub.sha256
        result.notes += [sanitize.clean(n) for n in sub.notes]  # they quote the notebook's cells
        cells = [{"label": c.label, "source": c.source, "filename": c.filename, "first_line": c.first_line}
                 for c in sub.cells]
        probes = paths.probe_source()
        sandbox = SandboxConfig(memory_mb=cfg.memory_mb, nproc=cfg.pids, threads=cfg.cpus,
                                cuda="cuda" in devices, hide=tuple(str(p) for p in paths.secret_roots))
        zygote = self.backend.acquire()
        result.sandbox = self.backend.describe()
        session = WorkerSession(zygote, sandbox, cells, probes, import_budget=cfg.import_budget_s)
        try:
            result = self._run(result, cfg, paths, session, devices, options, started)
        except Exception:
            _raise_if_lost(zygote)  # what failed then was the sandbox, not the student's code
            raise
        finally:
            session.close()
            self.backend.release(zygote)
        _raise_if_lost(zygote)
        return result

    def _run(self, result: GradeResult, cfg: AssignmentConfig, paths: AssignmentPaths, session: WorkerSession,
             devices: list[str], options: GradeOptions, started: float) -> GradeResult:
        t0 = time.perf_counter()
        try:
            report = session.start()
        except WorkerFailure as e:
            why = (_("running your notebook took longer than the {budget} s allowed; move long training or demo "
                     "code out of the graded cells (or tag those cells 'demo')").format(budget=f"{cfg.import_budget_s:g}")
                   if e.kind == "timeout" else
                   _("the process running your notebook stopped while loading it ({why}); remove calls such as "
                     "os._exit(), exit() at top level, or code that exhausts memory").format(why=describe_exit(e.exit_code)))
            result.output = session.output.take()
            return _ungradable(result, why, started)
        result.timings["load_s"] = round(time.perf_counter() - t0, 4)
        result.output = report.output
        result.sandbox = {**result.sandbox, **report.sandbox}
        for cell in report.cells:
            if not cell.get("ok"):
                # Worker data: anything may be missing or of the wrong type.
                err = cell.get("error") if isinstance(cell.get("error"), dict) else {}
                detail = sanitize.clean(str(err.get("traceback") or err.get("message") or "")[-4000:])
                label = sanitize.clean_name(cell.get("label"), 80)
                result.notes.append(_("{cell} raised an error and was skipped; the rest of the notebook was "
                                           "loaded:").format(cell=label) + "\n" + detail)
        t0 = time.perf_counter()
        result.tests = self._run_suites(cfg, paths, session, devices, options)
        result.timings["tests_s"] = round(time.perf_counter() - t0, 4)
        result.timings["worker_restarts"] = session.restarts
        result.execution_time = time.perf_counter() - started
        return result

    def _run_suites(self, cfg: AssignmentConfig, paths: AssignmentPaths, session: WorkerSession,
                    devices: list[str], options: GradeOptions) -> list[TestResult]:
        return run_suites(cfg, paths, session, devices, options.scope, record=options.record,
                          diagnose=options.diagnose)


def run_suites(cfg: AssignmentConfig, paths: AssignmentPaths, session: WorkerSession,
               devices: list[str], scope: str = "all", exercises: tuple[str, ...] = (), *,
               record: bool = False, diagnose: bool = True) -> list[TestResult]:
    """Run the suites of ``scope`` (all: public then hidden; public: what `check` runs)
    against the worker of ``session`` with the harness plugin. The notebook helper
    (``autograder.notebook``) calls it with a session whose worker is a fork of the
    student's kernel, so a test behaves the same in a check and in grading. ``exercises``:
    run only the tests tagged with one of them."""
    # Public tests run first (pytest keeps argument order): the worker sees hidden inputs
    # only after every student-visible output has been taken, so it cannot echo them.
    dirs = [paths.public_tests] if scope == "public" else paths.test_dirs
    missing = [str(d) for d in dirs if not d.is_dir()]
    if missing:
        raise GraderFault(_("test folder(s) missing: {folders}").format(folders=", ".join(missing)))
    hidden = (paths.hidden_tests,) if paths.hidden_tests is not None else ()
    # Known mistakes are named where the course's store is (the instructor's side, a grading
    # image, Gradescope's root-only course folder); a student's release has none.
    ctx = GradingContext(config=cfg, session=session, devices=devices, hidden_dirs=hidden,
                         only_exercises=tuple(exercises), record=record,
                         fingerprints=diagnosis.for_assignment(paths) if diagnose else None)
    args = [*map(str, dirs), "-c", str(_empty_ini()), "--rootdir", str(dirs[0].parent),
            "-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:stepwise",
            # A test run of this project (pytest-xdist workers) must not reach into a grading.
            "-p", "no:xdist",
            # These two run a full gc several times per session: 0.4 s of every grading.
            "-p", "no:unraisableexception", "-p", "no:threadexception",
            "--import-mode=importlib", "-W", "ignore::pytest.PytestAssertRewriteWarning",
            # No assertion rewriting: `assert cond, msg` fails with the author's msg only, never
            # pytest's "assert 26 == 10" diff (the student reads the author's words; the
            # comparison helpers give the differing values themselves).
            "--assert=plain"]
    before = set(sys.modules)
    # pytest.main reads PYTEST_ADDOPTS: an operator's or a CI's options (-x, --junitxml)
    # must not change how a submission is graded, nor write reports per grading.
    addopts = os.environ.pop("PYTEST_ADDOPTS", None)
    try:
        with _no_outer_assert_rewriting():
            code = pytest.main(args, plugins=[HarnessPlugin(ctx)])
    finally:
        if addopts is not None:
            os.environ["PYTEST_ADDOPTS"] = addopts
        _forget_test_modules(dirs, before)
    if ctx.problems:
        raise GraderFault(_("the test suite is broken:") + "\n" + "\n".join(ctx.problems))
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise GraderFault(_("pytest stopped with {code} while running {folders}").format(
            code=repr(code), folders=", ".join(map(str, dirs))))
    tests = []
    for i, o in enumerate(ctx.outcomes.values(), start=1):
        tests.append(TestResult(
            name=o.name, number=str(i), exercises=o.exercises,
            score=o.points if o.status == "passed" else 0.0, max_score=o.points, status=o.status,
            visibility=o.visibility, message=o.message, author_message=o.author_message,
            output=o.output, seconds=round(o.seconds, 4), traceback=o.traceback, images=tuple(o.images),
            not_started=o.not_started, failure_kind=o.failure_kind, not_judged=o.not_judged, shown_by=o.shown_by,
            diagnosis=o.diagnosis, observations=o.observations))
    total = sum(t.max_score for t in tests)
    if scope == "all" and not exercises and abs(total - cfg.total_points) > 1e-6:
        raise GraderFault(_("the tests are worth {total} points, but assignment.toml says "
                                 "total_points = {points}; fix the [tests.*] points").format(
            total=f"{total:g}", points=f"{cfg.total_points:g}"))
    return tests


def _then(lost: str, e: SandboxLost, lang: str) -> str:
    """Two losses in a row, as one reason."""
    with i18n.using(lang):
        return _("{first}; then {second}").format(first=lost, second=e)


def _raise_if_lost(zygote: ZygoteHandle) -> None:
    lost = zygote.lost
    if lost:
        raise SandboxLost(lost)


@contextlib.contextmanager
def _no_outer_assert_rewriting():
    """A grading inside a process that already runs pytest (a course's CI calling validate,
    this project's tests) would have its test modules rewritten by that session's import
    hook despite --assert=plain: set it aside while the suites import, as in a grader process."""
    saved = list(sys.meta_path)
    sys.meta_path[:] = [f for f in saved if not isinstance(f, AssertionRewritingHook)]
    try:
        yield
    finally:
        added = [f for f in sys.meta_path if f not in saved]
        sys.meta_path[:] = saved + added


def _forget_test_modules(dirs, before: set[str]) -> None:
    """pytest's importlib mode reuses a module already in sys.modules under the same name
    ("public.test_public"), so the next assignment graded in this process would run this
    one's tests. Drop the modules (and namespace packages) this run imported from `dirs`.
    Only modules new since ``before`` are looked at: resolving the paths of all ~2,000
    loaded modules cost half a second per grading."""
    roots = [Path(d).resolve() for d in dirs]

    def inside(p) -> bool:
        return any(Path(p).resolve().is_relative_to(r) for r in roots)

    # Decide first, delete after: a namespace package's __path__ is recomputed from its
    # parent's, which must still be in sys.modules (a release's folder is named "tests").
    doomed = []
    for name in [n for n in list(sys.modules) if n not in before]:
        mod = sys.modules.get(name)
        file = getattr(mod, "__file__", None)
        paths = list(getattr(mod, "__path__", None) or []) if file is None else []
        if (file and inside(file)) or (paths and all(inside(p) for p in paths)):
            doomed.append(name)
    for name in doomed:
        sys.modules.pop(name, None)


def _new_result(path: Path, assignment_id: str, options: GradeOptions
                ) -> tuple[GradeResult, AssignmentConfig, AssignmentPaths]:
    """A grading's result before anything ran: who, what, out of how many points."""
    paths = assignment_paths(assignment_id, options.course, release=options.scope == "public")
    cfg = AssignmentConfig.load(paths.config)
    # The file name is the student's: shown, never obeyed.
    result = GradeResult(assignment_id=assignment_id, submission=sanitize.clean_name(str(path), 1000),
                         scope=options.scope, title=cfg.title, hidden_visibility=cfg.hidden_visibility,
                         lang=i18n.normalise(options.lang) or i18n.DEFAULT)
    # A release's assignment.toml lists the public tests only.
    result.possible = (sum(s.points for s in cfg.tests.values()) if options.scope == "public"
                       else cfg.total_points)
    return result, cfg, paths


def refuse(path: Path, assignment_id: str, options: GradeOptions, error: SubmissionError) -> GradeResult:
    """The result for an upload ``load_submission`` rejected (``error``): ungradable with the
    message ``Grader.grade`` gives (no device: nothing was going to run), made without a
    Grader, so no backend, zygote or worker starts for it. Raises ConfigError for a bad
    assignment."""
    started = time.perf_counter()
    with i18n.using(options.lang):
        result, _cfg, _paths = _new_result(path, assignment_id, options)
        return _ungradable(result, sanitize.clean(str(error)), started)


def _ungradable(result: GradeResult, why: str, started: float) -> GradeResult:
    result.status = "ungradable"
    result.error = why
    result.execution_time = time.perf_counter() - started
    return result
