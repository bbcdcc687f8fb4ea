"""The local executor: ``jobs`` warm grading processes on this machine, fed from one queue.

Trusted side, coordinator process: it never imports torch or student code; it hands out
paths and receives results from ``GraderProcess``es. Each of its slots is a
``warm_pool.WarmSlot`` (the service's slots are too), which holds the bound, the warm-up
check and the fault handling.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Iterable

from autograder import i18n
from autograder.executors.grader_process import GraderProcess
from autograder.executors.jobs import Executor, GradeSpec, Job, OnOutcome
from autograder.executors.warm_pool import WarmSlot


class LocalExecutor(Executor):
    """``jobs`` warm grading processes on this machine, fed from one queue."""

    name = "local"

    def __init__(self, spec: GradeSpec, jobs: int = 1, log: Path | None = None,
                 submission_timeout_s: float | None = None):
        self.spec = spec
        self.jobs = max(1, jobs)
        self.log = log
        self.submission_timeout_s = submission_timeout_s  # None: wait as long as grading takes
        self.slots: list[WarmSlot] = []
        self._stop = threading.Event()
        self.warnings: list[str] = []  # said once, after the batch

    def start(self) -> None:
        self.slots = [WarmSlot(keep=1, log=self.log, warn=self.warnings.append, stopping=self._stop)
                      for _ in range(self.jobs)]
        for slot in self.slots:  # all start at once: each imports torch (seconds), in parallel
            slot.warm(self.spec)

    @property
    def procs(self) -> list[GraderProcess]:
        """The slots' warm grading processes (a slot whose process was just dropped has none
        until its next job)."""
        return [p for slot in self.slots for p in slot.processes().values()]

    def run(self, jobs: Iterable[Job], on_outcome: OnOutcome) -> None:
        if not self.slots:
            self.start()
        todo: queue.Queue = queue.Queue()
        for job in jobs:
            todo.put(job)
        done: queue.Queue = queue.Queue()
        threads = [threading.Thread(target=self._feed, args=(slot, todo, done), daemon=True)
                   for slot in self.slots]
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

    def _feed(self, slot: WarmSlot, todo: queue.Queue, done: queue.Queue) -> None:
        # A new thread starts without the command's context: the batch's language is set again.
        with i18n.using(self.spec.lang):
            self._feed_slot(slot, todo, done)

    def _feed_slot(self, slot: WarmSlot, todo: queue.Queue, done: queue.Queue) -> None:
        try:
            while not self._stop.is_set():
                try:
                    job = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    done.put(slot.grade(self.spec, job, self.submission_timeout_s))
                except Exception:
                    if self._stop.is_set():  # closed under us (the batch stopped, e.g. a full disk)
                        return
                    raise
        finally:
            done.put(None)

    def memory(self) -> list[dict[str, int]]:
        return [p.memory() for p in self.procs]

    def close(self) -> None:
        self._stop.set()
        for slot in self.slots:
            slot.close()
        self.slots = []
