"""The local executor: ``jobs`` warm grading processes on this machine, fed from one queue.

Trusted side, coordinator process: it never imports torch or student code; it hands out
paths and receives results from ``GraderProcess``es.
"""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
from pathlib import Path
from typing import Iterable

from autograder import i18n
from autograder.i18n import t as _
from autograder.executors.grader_process import GraderProcess, GraderProcessFault, GradingStuck
from autograder.executors.jobs import Executor, GradeSpec, Job, OnOutcome, Outcome


class LocalExecutor(Executor):
    """``jobs`` warm grading processes on this machine, fed from one queue."""

    name = "local"

    def __init__(self, spec: GradeSpec, jobs: int = 1, log: Path | None = None,
                 submission_timeout_s: float | None = None):
        self.spec = spec
        self.jobs = max(1, jobs)
        self.log = log
        self.submission_timeout_s = submission_timeout_s  # None: wait as long as grading takes
        self.procs: list[GraderProcess] = []
        self._stop = threading.Event()
        self._checked: set = set()
        self.warnings: list[str] = []  # said once, after the batch

    def start(self) -> None:
        # All start at once: each imports torch (seconds), in parallel.
        self.procs = [GraderProcess(self.spec, self.log) for _ in range(self.jobs)]

    def run(self, jobs: Iterable[Job], on_outcome: OnOutcome) -> None:
        if not self.procs:
            self.start()
        todo: queue.Queue = queue.Queue()
        for job in jobs:
            todo.put(job)
        done: queue.Queue = queue.Queue()
        threads = [threading.Thread(target=self._feed, args=(i, todo, done), daemon=True)
                   for i in range(len(self.procs))]
        for t in threads:
            t.start()
        alive = len(threads)
        while alive:
            item = done.get()
            if item is None:
                alive -= 1
                continue
            on_outcome(item)  # in the caller's thread: the gradebook has one writer
            if item.fatal:
                self._stop.set()
        for t in threads:
            t.join()

    def _feed(self, slot: int, todo: queue.Queue, done: queue.Queue) -> None:
        # A new thread starts without the command's context: the batch's language is set again.
        with i18n.using(self.spec.lang):
            self._feed_slot(slot, todo, done)

    def _feed_slot(self, slot: int, todo: queue.Queue, done: queue.Queue) -> None:
        try:
            while not self._stop.is_set():
                try:
                    job = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    done.put(self._grade(slot, job))
                except Exception:
                    if self._stop.is_set():  # closed under us (the batch stopped, e.g. a full disk)
                        return
                    raise
        finally:
            done.put(None)

    def _check_warmup(self, proc: GraderProcess) -> None:
        warm = proc.wait_ready().get("warmup") or {}
        if warm and proc not in self._checked:
            self._checked.add(proc)
            if warm["status"] != "graded" or warm["score"] < warm["max_score"]:
                self.warnings.append(_(
                    "the reference solution scored {score}/{max_score} on this suite (failed: {failed}): check "
                    "the tests before trusting these grades (`autograder validate`)").format(
                    score=f"{warm['score']:g}", max_score=f"{warm['max_score']:g}",
                    failed=", ".join(warm["failed"]) or warm["status"]))

    def _grade(self, slot: int, job: Job) -> Outcome:
        last = ""
        for attempt in range(2):  # a grading process that died gets one fresh successor
            proc = self.procs[slot]
            t0 = time.perf_counter()
            try:
                self._check_warmup(proc)
                t0 = time.perf_counter()
                reply = proc.grade(job.path, self.submission_timeout_s)
            except GraderProcessFault as e:
                return Outcome(job, fault=str(e), fatal=True)
            except GradingStuck as e:
                # Not retried now (a stuck submission would stall the batch again): marked
                # not graded, and the batch goes on with a fresh process in this slot.
                proc.kill()
                proc.close()
                if not self._stop.is_set():
                    self.procs[slot] = GraderProcess(self.spec, self.log)
                return Outcome(job, fault=_("not graded: {why}; it was stopped so the batch could go on. "
                                            "Run the batch again to retry; see the workers' log").format(why=e),
                               seconds=time.perf_counter() - t0)
            except (EOFError, OSError, json.JSONDecodeError) as e:
                if self._stop.is_set():  # the batch is stopping (closed under us): no successor
                    return Outcome(job, fault=_("the batch stopped before this submission was graded"))
                code = proc.proc.poll()
                last = _("the grading process died while grading {name} (exit status {code}: {error})").format(
                    name=job.path.name, code=code if code is not None else _("unknown"), error=type(e).__name__)
                proc.close()
                self.procs[slot] = GraderProcess(self.spec, self.log)
                continue
            seconds = time.perf_counter() - t0
            worker = f"{socket.gethostname()}/{proc.proc.pid}"
            if "fault" in reply:
                return Outcome(job, fault=reply["fault"], fatal=bool(reply.get("fatal")),
                               seconds=seconds, worker=worker)
            return Outcome(job, result=reply["result"], seconds=seconds, worker=worker)
        return Outcome(job, fault=_("{why}; retried once on a fresh process. See the workers' log.").format(why=last))

    def memory(self) -> list[dict[str, int]]:
        return [p.memory() for p in self.procs]

    def close(self) -> None:
        self._stop.set()
        for p in self.procs:
            p.close()
        self.procs = []
