"""The service's grading slots: each takes the next submission from the durable queue and
has it graded through the executors, as ``batch`` grades.

Grading: ``jobs`` slot threads each take the next submission (or a regrade preview's job)
and grade it on their ``executors.WarmSlot`` (warm trusted grading processes keyed by
assignment: torch and the suites imported once, an untrusted worker forked per submission
through their zygote), or as a Ray task on the assignment's one ``executors.RayExecutor``.
The executors hold the per-submission bound (``executors.suite_timeout``), the reference's
warm-up check and the fault handling; this module keeps the service's own concerns:
claiming rows, writing results, logging, and the stop that puts work back. The serving
process never imports student code; a slot thread only waits on a socket. A fault queues
the submission again once, then it is ``not_graded``; one stopped at its bound is
``not_graded`` at once (a retry would stall a slot as long again).
"""

from __future__ import annotations

import contextvars
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from autograder import i18n, scoring
from autograder.service.messages import t as _
from autograder.executors import GradeSpec, Generations, Job, Outcome, RayExecutor, WarmSlot, suite_timeout
from autograder.executors.grader_process import rss_kib
from autograder.cache_key import suite_hash
from autograder.processes import descendants, end_below
from autograder.results import result_from_dict
from autograder.service import previews, submission_queue
from autograder.service.config import ServiceConfig
from autograder.service.db import Database
from autograder.service.policies import Course
from autograder.service.store import BlobStore

WARM_PER_SLOT = 2  # assignments whose grading process a slot keeps warm at once


# =========================================================================== grading slots

class Dispatcher:
    def __init__(self, config: ServiceConfig, db: Database, course: Course, store: BlobStore,
                 wakeup: submission_queue.Wakeup, log=print):
        self.config = config
        self.db = db
        self.course = course
        self.store = store
        self.wakeup = wakeup
        self.log = log
        # The course's language (`serve --lang`, AUTOGRADER_LANG): every grading's texts are
        # written in it and stay so; a page's language switch changes the pages around them.
        self.lang = i18n.current()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.slots: list[WarmSlot] = []
        self.generations = Generations()  # reload(): a regrade's tests are loaded afresh
        # One Ray executor per assignment (its suite hash computed once), shared by the slots;
        # made again after a reload.
        self._ray: dict[str, tuple[int, RayExecutor]] = {}
        self._ray_closed: list[RayExecutor] = []  # replaced after a reload; the one that started Ray may be here
        self._ray_lock = threading.Lock()
        self.on_library_start = lambda: None  # called after Ray started (it installs signal handlers)
        self.work = Path(config.data) / "work"

    def preflight(self) -> None:
        """Say now, not on every submission, when the docker backend cannot grade here (no
        engine, no image, an image built from other engine sources)."""
        if self.config.backend != "docker" or self.config.executor != "local":
            return
        from autograder.backends.docker import docker_client
        from autograder.backends.docker_image import find_image
        from autograder.config import ConfigError

        try:
            find_image(docker_client(), self.config.image, "gpu" if self.config.gpus else "cpu")
        except RuntimeError as e:  # DockerUnavailable, ImageError: their messages say what to do
            raise ConfigError(_("--backend docker cannot grade: {error}").format(error=e)) from None

    def start(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        n = submission_queue.requeue_interrupted(self.db.conn)
        if n:
            self.log(_("put back {n} submission(s) that were grading when the server last stopped").format(n=n))
        previews.requeue_interrupted(self.db.conn)
        for i in range(max(1, self.config.jobs)):
            slot = WarmSlot(keep=WARM_PER_SLOT, log=Path(self.config.data) / "workers.log", warn=self._warn,
                            generations=self.generations, stopping=self.stopping)
            self.slots.append(slot)
            # The slot thread starts its grading processes and lives as long as they do:
            # PR_SET_PDEATHSIG is tied to the thread that forked them.
            # In a copy of this context: its log lines keep the language the server was started in.
            t = threading.Thread(target=contextvars.copy_context().run, args=(self._slot, slot),
                                 name=f"grading-slot-{i}", daemon=True)
            t.start()
            self.threads.append(t)

    def processes(self) -> list[dict]:
        """The warm grading processes of each slot (the staff page shows them): slot, assignment,
        pid, resident memory in KiB."""
        return [{"slot": i, "assignment": aid, "pid": p.proc.pid, "rss_kib": rss_kib(p.proc.pid)}
                for i, slot in enumerate(self.slots) for aid, p in slot.processes().items()]

    def stop(self, timeout: float = 20) -> None:
        """Stop grading now: kill the grading processes (their zygotes and workers die with
        them), and put back what was grading."""
        self.stopping.set()  # before the kill: a slot starts no process after it
        self.wakeup.notify()
        for slot in self.slots:
            slot.kill()
        tree = descendants(os.getpid())
        try:
            with self._ray_lock:
                executors = [ex for _gen, ex in self._ray.values()] + self._ray_closed
            for ex in executors:
                ex.close()  # a slot waiting on a Ray task returns (the one that started Ray shuts it down)
            deadline = time.monotonic() + timeout
            for t in self.threads:
                t.join(max(0.1, deadline - time.monotonic()))
        finally:
            # Whatever is left below us (Ray's agents outlive ray.shutdown()) goes too: the
            # server leaves no process behind.
            ended, left = end_below(os.getpid(), tree)
            if ended:
                self.log(_("ended {n} leftover process(es) below the server").format(n=len(ended)))
            if left:
                self.log(_("could not end process(es) {pids}: end them by hand (kill -9)").format(pids=sorted(left)))
        n = submission_queue.requeue_interrupted(self.db.conn)
        if n:
            self.log(_("put back {n} submission(s) that were grading; they are graded after the next start").format(
                n=n))
        previews.requeue_interrupted(self.db.conn)

    def reload(self, assignment: str) -> None:
        """The assignment's tests may have changed: grade its next submissions with a fresh
        grading process (or Ray executor, its suite hashed again) that loads them again."""
        self.generations.reload(assignment)

    def _warn(self, warning: str) -> None:
        self.log(_("warning: {warning}").format(warning=warning))

    def _slot(self, slot: WarmSlot) -> None:
        conn = self.db.conn
        try:
            while not self.stopping.is_set():
                row = submission_queue.claim(conn)
                if row is None:
                    # Students' submissions first; a regrade preview's jobs fill idle slots.
                    job = previews.claim(conn)
                    if job is None:
                        self.wakeup.wait(1.0)
                    else:
                        self._preview(job, slot)
                    continue
                try:
                    self._grade(row, slot)
                except Exception as e:  # noqa: BLE001 - a slot must outlive one submission's surprise
                    if self.stopping.is_set():
                        return
                    self.log(_("grading {id} failed: {error}").format(id=row["id"], error=f"{type(e).__name__}: {e}"))
                    submission_queue.fault(conn, row["id"], row["attempts"],
                                _("internal error: {error}").format(error=type(e).__name__))
        finally:
            slot.kill()

    def _outcome(self, row, folder: Path, slot: WarmSlot) -> Outcome | None:
        """Grade the row's upload (a submission, or a preview job joined with its submission)
        through the executors; None when the stop cut it short (the row is put back)."""
        path = folder / f"{row['assignment']}.{row['kind']}"
        shutil.copyfile(self.store.path(row["sha256"]), path)
        job = Job(row["student"], path)
        aid = row["assignment"]
        if self.config.executor == "ray":
            outcome = self._ray_executor(aid).grade(job)
        else:
            outcome = slot.grade(self._spec(aid), job, self._bound(aid))
        return None if self.stopping.is_set() else outcome

    def _preview(self, job, slot: WarmSlot) -> None:
        """Grade a regrade preview's job; the result goes to the job's row only."""
        conn = self.db.conn
        folder = Path(tempfile.mkdtemp(prefix=f"preview-{job['id']}-", dir=self.work))
        try:
            try:
                outcome = self._outcome(job, folder, slot)
            except Exception as e:  # noqa: BLE001 - as in _slot
                if self.stopping.is_set():
                    return
                outcome = Outcome(Job(job["student"], folder), fault=_("internal error: {error}").format(
                    error=type(e).__name__))
            if self.stopping.is_set() or outcome is None:
                return  # put back by stop()
            if outcome.result is not None:
                result = result_from_dict(outcome.result)
                raw = scoring.raw_score(result)
                previews.finish(conn, job["seq"], job["attempts"], result=json.dumps(outcome.result), raw=raw,
                                max_score=result.max_score, worker=outcome.worker)
            else:
                previews.fault(conn, job["seq"], job["attempts"], outcome.fault or "grader fault",
                               retry=not outcome.stuck)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _grade(self, row, slot: WarmSlot) -> None:
        conn = self.db.conn
        folder = Path(tempfile.mkdtemp(prefix=f"{row['id']}-", dir=self.work))
        try:
            t0 = time.perf_counter()
            outcome = self._outcome(row, folder, slot)
            if self.stopping.is_set() or outcome is None:
                return  # put back by stop()
            if outcome.result is not None:
                result = result_from_dict(outcome.result)
                raw = scoring.raw_score(result)
                submission_queue.finish(conn, row["id"], row["attempts"], result.status, result=json.dumps(outcome.result),
                             raw=raw, max_score=result.max_score, worker=outcome.worker)
                # The status word is data (as stored); the sentence around it is the operator's.
                self.log(_("graded {id} ({assignment}): {status} {score} in {seconds} s").format(
                    id=row["id"], assignment=row["assignment"], status=result.status,
                    score=f"{raw:g}/{result.max_score:g}", seconds=f"{time.perf_counter() - t0:.1f}"))
            else:
                status = submission_queue.fault(conn, row["id"], row["attempts"], outcome.fault or "grader fault",
                                                retry=not outcome.stuck)
                self.log(_("grader fault on {id} ({status}): {fault}").format(id=row["id"], status=status,
                                                                              fault=outcome.fault))
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _spec(self, assignment: str) -> GradeSpec:
        c = self.config
        options: dict = {}
        if c.backend != "local":
            options = {k: v for k, v in (("image", c.image), ("gpus", c.gpus)) if v is not None}
        return GradeSpec(assignment=assignment, course=str(Path(c.course).resolve()), device=c.device,
                         backend=c.backend, backend_options=options, lang=self.lang, warmup=c.warmup)

    def _bound(self, assignment: str) -> float | None:
        """One submission's bound, as ``batch`` computes it (``serve --submission-timeout``, else
        the suite's budgets); None for an assignment gone from the course (its grading faults)."""
        got = self.course.get(assignment)
        if got is None:
            return self.config.submission_timeout_s
        return suite_timeout(got[0], self.config.submission_timeout_s)

    def _ray_executor(self, assignment: str) -> RayExecutor:
        """The assignment's Ray executor: made once (its suite hashed once), again after a
        reload. Ray itself is started once, by the first; its workers keep their graders warm."""
        from autograder.config import assignment_paths

        generation = self.generations.current(assignment)
        with self._ray_lock:  # one slot starts Ray; the others wait and connect
            got = self._ray.get(assignment)
            if got is not None and got[0] == generation:
                return got[1]
            if got is not None:
                self._ray_closed.append(got[1])  # tasks in flight on it finish; closed at stop
            spec = self._spec(assignment)
            gpus = self.config.gpus
            per_task = (float(gpus) if gpus and gpus.replace(".", "", 1).isdigit() else 1.0) if gpus else 0.0
            ex = RayExecutor(spec, suite_hash(assignment_paths(assignment, Path(spec.course))),
                             address=self.config.address, gpus=per_task,
                             submission_timeout_s=self._bound(assignment), warn=self._warn)
            # Started from a slot thread, which lives as long as Ray is used (and is not the main
            # thread, whose SIGTERM handler is uvicorn's). Ray's C++ failure handler would end the
            # server on SIGTERM before it puts work back.
            os.environ.setdefault("RAY_DISABLE_FAILURE_SIGNAL_HANDLER", "1")
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            ex.start()
            if ex.started_here:
                self.on_library_start()
            self._ray[assignment] = (generation, ex)
            return ex
