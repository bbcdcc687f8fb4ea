"""The pytest plugin that grades: the ``student`` fixture, markers, budgets, outcomes.

Tests run in this (trusted) process and reach the student's code only through the
``student`` fixture, which proxies every call to the sandboxed worker. Whatever comes
back is decoded by ``protocol.decode`` into plain values before a test sees it.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from autograder import protocol, sanitize
from autograder import diagnosis
from autograder.config import AssignmentConfig
from autograder.i18n import t as _
from autograder.results import Diagnosis, Picture
from autograder.sandbox import WorkerFailure, WorkerSession, describe_exit

DECIDES_GRADES = True  # part of every grade's cache key (cache_key.py)


def _register_profile() -> None:
    # At import, not per grading: hypothesis warns when a profile is registered while
    # other settings are in force (a grade run inside a test that uses hypothesis).
    from hypothesis import Phase, settings

    settings.register_profile("grading", derandomize=True, database=None, deadline=None,
                              max_examples=20, print_blob=False, report_multiple_bugs=False,
                              phases=(Phase.explicit, Phase.reuse, Phase.generate))


_register_profile()


# ----------------------------------------------------------------------------- errors

class StudentError(AssertionError):
    """The student's code did not give a usable answer; the message says why. ``kind``: which
    check failed (``failure_kind``), so a hint and a verdict belong to the check, not the test."""

    kind = "values"

    def __init__(self, message: str = "", kind: str | None = None):
        super().__init__(message)
        if kind is not None:
            self.kind = kind


class StudentException(StudentError):
    """The student's code raised. ``type_names``: the exception's class and its bases."""

    kind = "raised"

    def __init__(self, message: str, type_names: list[str], exc_message: str, traceback: str = ""):
        super().__init__(message)
        self.type_names = type_names
        self.exc_message = exc_message
        self.traceback = traceback


class MissingName(StudentError):
    """The function (or class) the test needs is not defined in the submission."""

    kind = "missing"


class BadReturnValue(StudentError):
    """A value that may not cross the boundary: a tensor subclass, an arbitrary object."""

    kind = "type"


class NotDifferentiable(StudentError):
    """No autograd graph connects the output to the inputs."""

    kind = "gradient"


class NotJudged(StudentError):
    """A precondition of the test failed (``precondition``): the values it needs were already
    wrong, so the property the test is named for could not be judged. ``shown_by``: the test
    whose failure shows those values; the message is the failed check's."""

    kind = "not_judged"

    def __init__(self, shown_by: str, cause: AssertionError):
        super().__init__(str(cause) or _("an assertion in the test failed"))
        self.shown_by = shown_by
        self.cause_kind = failure_kind(cause)


@contextlib.contextmanager
def precondition(shown_by: str) -> Iterator[None]:
    """Checks inside this block are what a test needs before it can judge its own property
    (the values a loop-counting, in-place or default-argument test leans on). A failure here
    fails the test as ``not_judged``: the student reads that the property was not judged
    because the values were already wrong, and which test (``shown_by``) shows them, not that
    the property failed. Timeouts and crashes pass through: they are the test's own; so do a
    stub's NotImplementedError and a missing name, which say what they are."""
    try:
        yield
    except (NotJudged, MissingName):  # a function not defined is said as such, not as wrong values
        raise
    except StudentException as e:
        if e.type_names[:1] == ["NotImplementedError"]:
            raise  # a stub: "not started yet", once per exercise, not "not judged"
        raise NotJudged(shown_by, e) from None
    except AssertionError as e:  # StudentError (values, dtype, an exception...) and plain asserts
        raise NotJudged(shown_by, e) from None


def failure_kind(exc: BaseException | None) -> str:
    """Which check an exception says failed (``TestResult.failure_kind``)."""
    if isinstance(exc, StudentError):
        return exc.kind
    if isinstance(exc, StudentTimeout):
        return "timeout"
    if isinstance(exc, (WorkerCrashed, ProtocolViolation)):
        return "crash"
    if isinstance(exc, AssertionError):
        return "assertion"
    return "error" if exc is not None else ""


class StudentAbort(BaseException):
    """Ends the test at once. Not an AssertionError on purpose: property-based tests must
    not retry (and shrink) a function that never returns or that kills its process."""


class StudentTimeout(StudentAbort):
    """The student's code ran past its time."""


class WorkerCrashed(StudentAbort):
    """The worker died (os._exit, segfault, out of memory) while running the student's code."""


class ProtocolViolation(StudentAbort):
    """The worker answered with malformed data (only tampered-with code does that)."""


# ----------------------------------------------------------------------------- memo

_MEMO: dict = {}
_MEMO_BYTES = [0]
MEMO_LIMIT_BYTES = 1 << 30
TRACEBACK_CHARS = 6000  # per failed hidden test, kept in the gradebook: staff only


def memo(key, make: Callable[[], Any]) -> Any:
    """``make()``, computed once per grader process for ``key``: large seeded inputs and
    their references cost the same for every submission of a batch, so a warm grader
    process keeps them. Use it only for deterministic values, never mutate what it
    returns, and put the assignment id in ``key`` (one process may grade several suites).
    Bounded: past 1 GiB of tensors the oldest entries are dropped."""
    if key in _MEMO:
        return _MEMO[key]
    value = make()
    size = _nbytes(value)
    while _MEMO and _MEMO_BYTES[0] + size > MEMO_LIMIT_BYTES:
        _MEMO_BYTES[0] -= _nbytes(_MEMO.pop(next(iter(_MEMO))))
    if size <= MEMO_LIMIT_BYTES:
        _MEMO[key] = value
        _MEMO_BYTES[0] += size
    return value


def _nbytes(value) -> int:
    if isinstance(value, (tuple, list)):
        return sum(_nbytes(v) for v in value)
    nbytes = getattr(value, "nbytes", None)
    return int(nbytes) if isinstance(nbytes, int) else 64


# ----------------------------------------------------------------------------- outcomes

@dataclass
class TestOutcome:
    name: str
    nodeid: str
    exercises: tuple[str, ...]
    points: float
    visibility: str  # "public" | "hidden"
    author_message: str
    status: str = "failed"  # "passed" | "failed"
    message: str = ""
    output: str = ""
    seconds: float = 0.0
    images: list[Picture] = field(default_factory=list)  # attach_image() while it ran
    not_started: bool = False  # failed on a stub that still raises NotImplementedError
    traceback: str = ""  # pytest's report of a hidden test's failure, test source included: staff only
    failure_kind: str = ""  # which check failed (failure_kind)
    not_judged: str = ""  # a precondition failed: why the property was not judged (the student reads it)
    shown_by: str = ""  # ... and the test that shows the wrong values
    observations: list | None = None  # what the student's code sent back, when recording (validate)
    diagnosis: Diagnosis | None = None


@dataclass
class CallResult:
    value: Any
    args: list | None
    kwargs: dict | None
    seconds: float


@dataclass
class GradingContext:
    """What the plugin needs to grade one submission."""

    config: AssignmentConfig
    session: WorkerSession
    devices: list[str]
    hidden_dirs: tuple[Path, ...] = ()
    outcomes: dict[str, TestOutcome] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # suite errors: a grader fault
    deadline: float | None = None
    budget: float = 0.0
    timed_out: set[str] = field(default_factory=set)  # functions that already ran out of time
    strike_timeout: float = 2.0
    only_exercises: tuple[str, ...] = ()  # run only tests tagged with one of these (check("softmax"))
    # Known mistakes (diagnosis.py): the store a failed test's values are matched against, and
    # whether to keep each failed test's observations on its outcome (validate records them).
    fingerprints: diagnosis.Fingerprints | None = None
    record: bool = False
    observed: list = field(default_factory=list)  # what the running test got back from the worker

    @property
    def cuda(self) -> bool:
        return "cuda" in self.devices


# ----------------------------------------------------------------------------- the proxy

class Student:
    """The ``student`` fixture: calls into the sandboxed worker."""

    def __init__(self, ctx: GradingContext):
        self._ctx = ctx

    @property
    def devices(self) -> list[str]:
        return list(self._ctx.devices)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return functools.partial(self.call, name)

    def has(self, name: str) -> bool:
        report = self._ctx.session.first_load
        return report is not None and name in report.names

    def call(self, name: str, *args, timeout: float | None = None, **kwargs):
        return self._request("call", name, args, kwargs, timeout).value

    def run(self, name: str, *args, timeout: float | None = None, **kwargs) -> CallResult:
        return self._request("call", name, args, kwargs, timeout, return_args=True)

    def probe(self, ref: str, *args, timeout: float | None = None, **kwargs):
        return self._request("probe", ref, args, kwargs, timeout).value

    def vjp(self, name: str, args, kwargs=None, *, wrt=(0,), cotangents, timeout: float | None = None):
        res = self._request("vjp", name, tuple(args), kwargs or {}, timeout, wrt=list(wrt), cotangents=cotangents)
        return res.value

    # -----------------------------------------------------------------------------
    def _timeout(self, timeout: float | None, names: list[str]) -> float:
        ctx = self._ctx
        remaining = None if ctx.deadline is None else ctx.deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise StudentTimeout(_("this test's time budget ({budget} s) was used up before {name} could run: "
                                   "your code is too slow somewhere in this test").format(
                budget=f"{ctx.budget:.0f}", name=names[0]))
        limit = timeout if timeout is not None else (remaining if remaining is not None else 60.0)
        if ctx.timed_out.intersection(names):
            # A function that never returned once gets a short leash afterwards, so an
            # infinite loop costs its own tests without eating the whole grading time.
            limit = min(limit, ctx.strike_timeout)
        return limit if remaining is None else min(limit, remaining)

    def _request(self, op: str, name: str, args, kwargs, timeout, *, return_args=False, wrt=None,
                 cotangents=None) -> CallResult:
        bufs: list[bytes] = []
        header: dict[str, Any] = {"op": op, "name": name, "args": protocol.encode(list(args), bufs),
                                  "kwargs": protocol.encode(dict(kwargs), bufs), "return_args": return_args}
        if op == "vjp":
            header["wrt"] = wrt
            header["cotangents"] = protocol.encode(cotangents, bufs)
        # A probe runs the student's function named among its arguments: it shares its leash.
        names = [name] + ([a for a in args if isinstance(a, str)] if op == "probe" else [])
        limit = self._timeout(timeout, names)
        what = f"{name}()" if op != "probe" else _("the course probe {name}").format(name=name)
        observed = self._ctx.observed
        try:
            reply, rbufs = self._ctx.session.request(header, bufs, limit, what)
        except WorkerFailure as e:
            observed.append(("stopped", e.kind))
            if e.kind == "timeout":
                self._ctx.timed_out.update(names)
                raise StudentTimeout(_("{what} did not return within {limit} s. Look for an infinite loop, "
                                       "or a Python loop where a tensor operation would do.").format(
                    what=what, limit=f"{limit:.1f}")) from None
            if e.kind == "crash":
                raise WorkerCrashed(_("{what} crashed the process running your code ({why}). Does your code "
                                      "call os._exit, allocate a huge tensor, or recurse without end?").format(
                    what=what, why=describe_exit(e.exit_code))) from None
            raise ProtocolViolation(f"{what}: {e}") from None
        if not reply.get("ok"):
            error = _student_error(what, reply.get("error"))
            observed.append(("raised", (error.type_names[0] if isinstance(error, StudentException) and error.type_names
                                        else type(error).__name__,
                                        error.exc_message if isinstance(error, StudentException) else "")))
            raise error
        try:
            value = protocol.decode(reply.get("value"), rbufs, cuda_ok=self._ctx.cuda)
            if op == "vjp":
                grads = protocol.decode(reply.get("grads"), rbufs, cuda_ok=self._ctx.cuda)
                if not isinstance(grads, list):
                    raise protocol.ProtocolError("gradients must come as a list")
                value = (value, tuple(grads))
                if not reply.get("connected"):
                    raise NotDifferentiable(_(
                        "{what}: the output is not connected to the autograd graph of its inputs, so no "
                        "gradient can flow. Avoid .detach(), .numpy(), .item(), torch.tensor(...) or "
                        "in-place writes into a tensor created with torch.zeros(...) on the way.").format(what=what))
            args_after = kwargs_after = None
            if return_args:
                args_after = protocol.decode(reply.get("args"), rbufs, cuda_ok=self._ctx.cuda)
                kwargs_after = protocol.decode(reply.get("kwargs"), rbufs, cuda_ok=self._ctx.cuda)
        except protocol.ProtocolError as e:
            observed.append(("stopped", "protocol"))
            self._ctx.session.worker.kill()
            raise ProtocolViolation(_("{what} returned data the grader cannot accept ({why})").format(
                what=what, why=e)) from None
        observed.append(("value", (value, args_after, kwargs_after)))
        seconds = reply.get("seconds")
        return CallResult(value, args_after, kwargs_after, seconds if isinstance(seconds, float) else 0.0)


def _student_error(what: str, err) -> StudentError:
    err = err if isinstance(err, dict) else {}
    kind = err.get("kind")
    # The worker's report of the student's exception: student text, cleaned as it enters.
    message = sanitize.clean(err.get("message", ""), max_chars=4000)
    if kind == "missing":
        detail = (message if "is not a" in message else
                  _("{name} is not defined in your submission").format(name=what.removesuffix("()")))
        return MissingName(_("{detail}. Define it at the top level of the notebook with exactly this name "
                             "(and check that the cell defining it ran without errors).").format(detail=detail))
    if kind == "bad_return":
        return BadReturnValue(_("{what} returned {message}; the contract expects plain tensors, "
                                "arrays, numbers, lists, tuples or dicts.").format(what=what, message=message))
    mro = err.get("mro")
    type_names = [sanitize.clean_name(n, 200) for n in mro if isinstance(n, str)][:20] if isinstance(mro, list) else []
    exc_type = type_names[0] if type_names else _("an exception")
    tb = sanitize.clean(str(err.get("traceback", ""))[-4000:])
    text = _("{what} raised {error}: {message}").format(what=what, error=exc_type, message=message)
    if exc_type == "NotImplementedError":
        text += "\n" + _("(It is still a stub: replace `raise NotImplementedError()` with your code.)")
    if tb:
        text += "\n\n" + tb.rstrip()
    return StudentException(text, type_names, message, tb)


# ----------------------------------------------------------------------------- pictures

# The harness owns where a picture goes: the outcome of the test running now (one at a
# time). ``figures`` only draws; a test hands its PNG here.
_RUNNING: list[TestOutcome] = []
MAX_IMAGES_PER_TEST = 3


def attach_image(png: bytes | None, alt: str) -> None:
    """Attach a PNG (from ``figures.loss_curves``, ``figures.difference_map``...) to the running
    test's outcome, at most ``MAX_IMAGES_PER_TEST`` per test. None (nothing was drawn: no
    matplotlib, or nothing to draw) and calls outside a grading run attach nothing."""
    if png is None:
        return
    if _RUNNING and len(_RUNNING[-1].images) < MAX_IMAGES_PER_TEST:
        _RUNNING[-1].images.append(Picture(alt=alt[:200], png_base64=base64.b64encode(png).decode("ascii")))


# ----------------------------------------------------------------------------- the plugin

class HarnessPlugin:
    """Registered with ``pytest.main(plugins=[...])`` for one grading run."""

    def __init__(self, ctx: GradingContext):
        self.ctx = ctx

    @pytest.fixture(scope="session")
    def student(self) -> Student:
        return Student(self.ctx)

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "exercise(*names): the exercises a test checks (its tags)")
        from hypothesis import settings

        settings.load_profile("grading")

    def _visibility(self, path: Path) -> str:
        return "hidden" if any(path.is_relative_to(d) for d in self.ctx.hidden_dirs) else "public"

    def pytest_collection_modifyitems(self, session, config, items):
        cfg = self.ctx.config
        if self.ctx.only_exercises:
            wanted = set(self.ctx.only_exercises)
            keep = [i for i in items if wanted.intersection(_tags(i))]
            config.hook.pytest_deselected(items=[i for i in items if i not in keep])
            items[:] = keep
        for item in items:
            name = item.name
            spec = cfg.spec(name)
            marker = item.get_closest_marker("exercise")
            exercises = tuple(marker.args) if marker else ()
            if spec is None:
                self.ctx.problems.append(f"{item.nodeid}: no [tests.{name}] entry in assignment.toml")
            if not exercises:
                self.ctx.problems.append(f"{item.nodeid}: add @pytest.mark.exercise(...) naming what it checks")
            unknown = [e for e in exercises if cfg.exercises and e not in cfg.exercises]
            if unknown:
                self.ctx.problems.append(f"{item.nodeid}: unknown exercise tag(s) {unknown}")
            doc = (getattr(item, "obj", None).__doc__ or "").strip().splitlines() if hasattr(item, "obj") else []
            self.ctx.outcomes[item.nodeid] = TestOutcome(
                name=name, nodeid=item.nodeid, exercises=exercises,
                points=spec.points if spec else 0.0, visibility=self._visibility(Path(item.path)),
                author_message=doc[0] if doc else "")

    def pytest_collectreport(self, report):
        if report.failed:
            self.ctx.problems.append(f"could not collect {report.nodeid}: {report.longreprtext[-2000:]}")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item):
        spec = self.ctx.config.spec(item.name)
        self.ctx.budget = spec.timeout_s if spec else self.ctx.config.default_timeout_s
        self.ctx.deadline = time.monotonic() + self.ctx.budget
        self.ctx.session.output.take()  # output belongs to the test that caused it
        self.ctx.observed = []  # so do the values its calls sent back
        outcome = self.ctx.outcomes.get(item.nodeid)
        if outcome is not None:
            outcome.images.clear()  # a rerun's pictures replace the last run's
            _RUNNING.append(outcome)
        try:
            return (yield)
        finally:
            self.ctx.deadline = None
            if outcome is not None:
                _RUNNING.remove(outcome)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        outcome = self.ctx.outcomes.get(item.nodeid)
        if outcome is None:
            return report
        if report.when == "call" or (report.when == "setup" and report.failed):
            outcome.seconds += report.duration
            if report.passed:
                outcome.status, outcome.message = "passed", ""
                if self.ctx.record:  # validate proves no correct code's values match a known mistake
                    outcome.observations = diagnosis.observe(self.ctx.observed)
            else:
                outcome.status = "failed"
                # A test's message can quote the student's values (their str, their repr):
                # cleaned here, where every test's message is taken.
                outcome.message = sanitize.clean(_failure_message(call.excinfo))
                exc = call.excinfo.value if call.excinfo is not None else None
                outcome.not_started = (isinstance(exc, StudentException)
                                       and exc.type_names[:1] == ["NotImplementedError"])
                outcome.failure_kind = failure_kind(exc)
                if isinstance(exc, NotJudged):
                    outcome.shown_by = exc.shown_by
                self._observe(outcome)
                if outcome.visibility == "hidden":  # public failures already say it all, to everyone
                    outcome.traceback = sanitize.clean(report.longreprtext[-TRACEBACK_CHARS:])
            outcome.output = self.ctx.session.output.take()
        return report

    def pytest_sessionfinish(self, session):
        """A not-judged test says why, once every test has run: the test that shows the wrong
        values when it failed here, else only that they were wrong on this test's inputs."""
        failed = {o.name for o in self.ctx.outcomes.values() if o.status == "failed"}
        for o in self.ctx.outcomes.values():
            if o.status != "failed" or o.failure_kind != "not_judged":
                continue
            if o.shown_by in failed:
                o.not_judged = _("Not judged: the values it needs are already wrong ({test} shows them)").format(
                    test=o.shown_by)
            else:
                o.not_judged = _("Not judged: the values it needs are wrong on this test's inputs")
            o.message = _("{verdict}, so the property this test checks could not be judged. What was wrong:").format(
                verdict=o.not_judged) + "\n" + o.message

    def _observe(self, outcome: TestOutcome) -> None:
        """Keep (validate) or diagnose what a failed test's calls sent back. A stub's failure
        is never diagnosed: it is "not started", not a mistake."""
        ctx = self.ctx
        known = ctx.fingerprints is not None and outcome.name in ctx.fingerprints.tests
        if outcome.not_started or not (ctx.record or known):
            return  # nothing to keep, and no mistake is known on this test: no summary is made
        observed = diagnosis.observe(ctx.observed)
        if ctx.record:
            outcome.observations = observed
        if known:
            outcome.diagnosis = ctx.fingerprints.diagnose(outcome.name, observed, outcome.visibility == "hidden")


def _tags(item) -> tuple[str, ...]:
    marker = item.get_closest_marker("exercise")
    return tuple(marker.args) if marker else ()


def _failure_message(excinfo) -> str:
    if excinfo is None:
        return _("failed")
    exc = excinfo.value
    if isinstance(exc, (StudentError, StudentAbort)):
        text = str(exc)
    elif isinstance(exc, AssertionError):
        text = str(exc) or _("an assertion in the test failed")
    else:
        text = _("the test could not check your result ({error}: {message}). Check the type and shape of "
                 "what your function returns.").format(error=type(exc).__name__, message=exc)
    notes = [n for n in getattr(exc, "__notes__", []) if isinstance(n, str)]
    if notes:
        text += "\n\n" + "\n".join(notes)
    return text
