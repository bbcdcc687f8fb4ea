"""Warm grading processes kept per slot, keyed by assignment, and one grading on them: the
bound, the reference's warm-up check and the fault handling that every local grading shares
(a batch's ``LocalExecutor`` and the service's slots grade through ``WarmSlot.grade``).

Trusted side, coordinator process (a batch, or the service's web process): it never imports
torch or student code; it hands paths to ``GraderProcess``es and receives their replies.

A slot grades one job at a time. What can go wrong, and what follows:

- the process cannot start (``GraderProcessFault``: a broken course or backend): a fatal
  outcome, the process is dropped;
- no answer within the bound (``GradingStuck``): the process tree is killed, the outcome is
  ``stuck`` ("not graded", not retried: a retry would stall the slot as long again), and the
  slot's next grading starts a fresh process;
- the process died under the job: one retry on a fresh process, then a fault.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Callable

from autograder.i18n import t as _
from autograder.executors.grader_process import GraderProcess, GraderProcessFault, GradingStuck
from autograder.executors.jobs import GradeSpec, Job, Outcome, reference_warning
from autograder.processes import kill_tree


class Generations:
    """Which load of each assignment's tests is current.

    Tests are collected afresh for every grading, but a warm grading process keeps what
    ``harness.memo`` computed (seeded inputs, references) under keys a test author may not
    change when fixing a reference. A regrade usually follows such a fix, so it calls
    ``reload`` and processes that loaded the tests before are replaced before their next
    grading (cheaper than hashing the suite for every submission: ~0.4 s)."""

    def __init__(self) -> None:
        self._current: dict[str, int] = {}
        self._lock = threading.Lock()

    def current(self, assignment: str) -> int:
        with self._lock:
            return self._current.get(assignment, 0)

    def reload(self, assignment: str) -> None:
        with self._lock:
            self._current[assignment] = self._current.get(assignment, 0) + 1


@dataclass
class _Warm:
    proc: GraderProcess
    generation: int  # of its assignment's tests when it loaded them
    checked: bool = False  # its warm-up result was looked at


class WarmSlot:
    """One slot's warm grading processes, keyed by assignment, grading one job at a time.

    At most ``keep`` stay warm (the least recently used goes first). A process is started by
    the thread that calls ``grade`` or ``warm`` and dies with it (PR_SET_PDEATHSIG follows the
    forking thread). ``warn`` hears, once per process, that the reference solution lost points
    in its warm-up. Once ``stopping`` is set no process is started and a grading cut short
    ends as a fault that says so."""

    def __init__(self, keep: int = 1, log=None, warn: Callable[[str], None] = print,
                 generations: Generations | None = None, stopping: threading.Event | None = None):
        self.keep = max(1, keep)
        self.log = log
        self.warn = warn
        self.generations = generations or Generations()
        self.stopping = stopping or threading.Event()
        self._warm: dict[str, _Warm] = {}  # least recently used first
        self._lock = threading.Lock()  # the dict is read by other threads (a status page, a stop)

    def warm(self, spec: GradeSpec) -> GraderProcess | None:
        """The assignment's warm process, started now if there is none (without waiting for
        its warm-up); None once stopping."""
        w = self._take(spec)
        return None if w is None else w.proc

    def grade(self, spec: GradeSpec, job: Job, timeout_s: float | None, lang: str | None = None) -> Outcome:
        """Grade ``job`` on the assignment's warm process within ``timeout_s`` seconds (None:
        unbounded); the outcome, faults included (never raises for a grading's failure)."""
        last = ""
        for _attempt in range(2):  # a grading process that died gets one fresh successor
            w = self._take(spec)
            if w is None:
                return Outcome(job, fault=_("grading stopped before this submission was graded"))
            proc = w.proc
            t0 = time.perf_counter()
            try:
                self._check_warmup(spec, w)
                t0 = time.perf_counter()
                reply = proc.grade(job.path, timeout_s, lang)
            except GraderProcessFault as e:
                self._drop(spec.assignment, w)
                return Outcome(job, fault=str(e), fatal=True)
            except GradingStuck as e:
                # Killed now (it is not reusable); the slot's next grading starts a fresh one.
                self._drop(spec.assignment, w)
                return Outcome(job, fault=_("not graded: {why}; it was stopped so the next submissions could be "
                                            "graded. Run the batch again (or regrade it in the service) to retry; "
                                            "see the workers' log").format(why=e),
                               stuck=True, seconds=time.perf_counter() - t0)
            except (EOFError, OSError, json.JSONDecodeError) as e:
                if self.stopping.is_set():  # killed by the stop: no successor
                    return Outcome(job, fault=_("grading stopped before this submission was graded"))
                code = proc.proc.poll()
                last = _("the grading process died while grading {name} (exit status {code}: {error})").format(
                    name=job.path.name, code=code if code is not None else _("unknown"), error=type(e).__name__)
                self._drop(spec.assignment, w)
                continue
            seconds = time.perf_counter() - t0
            worker = f"{socket.gethostname()}/{proc.proc.pid}"
            if "fault" in reply:
                if reply.get("fatal"):
                    self._drop(spec.assignment, w)
                return Outcome(job, fault=reply["fault"], fatal=bool(reply.get("fatal")),
                               seconds=seconds, worker=worker)
            return Outcome(job, result=reply["result"], seconds=seconds, worker=worker)
        return Outcome(job, fault=_("{why}; retried once on a fresh process. See the workers' log.").format(why=last))

    def processes(self) -> dict[str, GraderProcess]:
        """The warm processes by assignment, least recently used first."""
        with self._lock:
            return {aid: w.proc for aid, w in self._warm.items()}

    def close(self) -> None:
        """Let each process finish its loop and close its zygote (waits up to 10 s each)."""
        for w in self._take_all():
            w.proc.close()

    def kill(self) -> None:
        """End every process of the slot and all below it now."""
        for w in self._take_all():
            _end(w.proc)

    def _take(self, spec: GradeSpec) -> _Warm | None:
        aid = spec.assignment
        generation = self.generations.current(aid)
        ended: list[_Warm] = []
        with self._lock:
            if self.stopping.is_set():
                return None
            w = self._warm.pop(aid, None)
            if w is not None and w.generation != generation:
                ended.append(w)  # loaded the tests before the last reload
                w = None
            if w is None:
                while len(self._warm) >= self.keep:  # the least recently used goes
                    ended.append(self._warm.pop(next(iter(self._warm))))
                w = _Warm(GraderProcess(spec, self.log), generation)
            self._warm[aid] = w  # most recently used last
        for old in ended:
            _end(old.proc)
        return w

    def _take_all(self) -> list[_Warm]:
        with self._lock:
            out = list(self._warm.values())
            self._warm.clear()
        return out

    def _drop(self, aid: str, w: _Warm) -> None:
        with self._lock:
            if self._warm.get(aid) is w:
                del self._warm[aid]
        _end(w.proc)

    def _check_warmup(self, spec: GradeSpec, w: _Warm) -> None:
        warm = w.proc.wait_ready().get("warmup") or {}
        if w.checked:
            return
        w.checked = True
        warning = reference_warning(spec.assignment, warm)
        if warning:
            self.warn(warning)


def _end(proc: GraderProcess) -> None:
    """End a grading process and everything under it now (its zygote runs in its own session
    and would otherwise linger until it notices the closed socket)."""
    kill_tree(proc.proc.pid, after_kill=proc.close)
