"""The service's grading slots: each takes the next submission from the durable queue and
has it graded.

Grading: ``jobs`` slot threads each take the next submission from the durable queue and
grade it in a warm trusted grader process (``executors.GraderProcess``: imports torch and
the suites once, forks an untrusted worker per submission through its zygote), or as a Ray
task (``executors.RayExecutor``). The serving process never imports student code; a slot
thread only waits on a socket. A grader process that dies is replaced; the submission is
queued again once, then marked ``not_graded``.
"""

from __future__ import annotations

import contextvars
import json
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from pathlib import Path

from autograder import i18n
from autograder.service.messages import t as _
from autograder.executors import GradeSpec, GraderProcess, GraderProcessFault, Job, Outcome, RayExecutor
from autograder.executors.grader_process import rss_kib
from autograder.cache_key import suite_hash
from autograder.processes import alive, descendants, kill_tree
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
        self._procs: list[dict[str, GraderProcess]] = []
        self._lock = threading.Lock()
        # Tests are collected afresh for every grading, but a warm grading process keeps what
        # harness.memo computed (seeded inputs, references) under keys a test author may not
        # change when fixing a reference. A regrade usually follows such a fix, so it bumps the
        # generation and older processes are replaced before their next grading (cheaper than
        # hashing the suite for every submission: ~0.4 s).
        self._generation: dict[str, int] = {}
        self._born: dict[int, int] = {}  # grading process pid -> the generation it loaded
        self._ray: RayExecutor | None = None
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
            procs: dict[str, GraderProcess] = {}
            self._procs.append(procs)
            # The slot thread starts its grading processes and lives as long as they do:
            # PR_SET_PDEATHSIG is tied to the thread that forked them.
            # In a copy of this context: its log lines keep the language the server was started in.
            t = threading.Thread(target=contextvars.copy_context().run, args=(self._slot, procs),
                                 name=f"grading-slot-{i}", daemon=True)
            t.start()
            self.threads.append(t)

    def processes(self) -> list[dict]:
        """The warm grading processes of each slot (the staff page shows them): slot, assignment,
        pid, resident memory in KiB."""
        with self._lock:
            return [{"slot": i, "assignment": aid, "pid": p.proc.pid, "rss_kib": rss_kib(p.proc.pid)}
                    for i, slot in enumerate(self._procs) for aid, p in slot.items()]

    def stop(self, timeout: float = 20) -> None:
        """Stop grading now: kill the grading processes (their zygotes and workers die with
        them), and put back what was grading."""
        self.stopping.set()
        self.wakeup.notify()
        with self._lock:
            procs = [p for slot in self._procs for p in slot.values()]
        for p in procs:
            _kill(p)
        tree = descendants(os.getpid())
        try:
            if self._ray is not None:
                self._ray.close()  # a slot waiting on a Ray task returns
            deadline = time.monotonic() + timeout
            for t in self.threads:
                t.join(max(0.1, deadline - time.monotonic()))
        finally:
            # Whatever is left below us (Ray's agents outlive ray.shutdown()) goes too: the
            # server leaves no process behind.
            # Repeated until nothing is left: a dying raylet's agents can still be starting.
            ended: set[int] = set()
            deadline = time.monotonic() + 10
            while True:
                left = {p for p in set(tree) | set(descendants(os.getpid())) if alive(p)}
                if not left or time.monotonic() > deadline:
                    break
                groups = set()
                for pid in left:
                    try:
                        groups.add(os.getpgid(pid))
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                for group in groups - {os.getpgid(0)}:  # Ray's own process groups
                    try:
                        os.killpg(group, signal.SIGKILL)
                    except OSError:
                        pass
                ended |= left
                time.sleep(0.1)
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
        grading process that loads them again."""
        with self._lock:
            self._generation[assignment] = self._generation.get(assignment, 0) + 1

    def _slot(self, procs: dict[str, GraderProcess]) -> None:
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
                        self._preview(job, procs)
                    continue
                try:
                    self._grade(row, procs)
                except Exception as e:  # noqa: BLE001 - a slot must outlive one submission's surprise
                    if self.stopping.is_set():
                        return
                    self.log(_("grading {id} failed: {error}").format(id=row["id"], error=f"{type(e).__name__}: {e}"))
                    submission_queue.fault(conn, row["id"], row["attempts"],
                                _("internal error: {error}").format(error=type(e).__name__))
        finally:
            with self._lock:
                for p in procs.values():
                    _kill(p)
                procs.clear()

    def _outcome(self, row, folder: Path, procs: dict[str, GraderProcess]) -> Outcome | None:
        """Grade the row's upload (a submission, or a preview job joined with its submission)."""
        path = folder / f"{row['assignment']}.{row['kind']}"
        shutil.copyfile(self.store.path(row["sha256"]), path)
        if self.config.executor == "ray":
            return self._grade_ray(row, path)
        return self._grade_local(row, path, procs)

    def _preview(self, job, procs: dict[str, GraderProcess]) -> None:
        """Grade a regrade preview's job; the result goes to the job's row only."""
        conn = self.db.conn
        folder = Path(tempfile.mkdtemp(prefix=f"preview-{job['id']}-", dir=self.work))
        try:
            try:
                outcome = self._outcome(job, folder, procs)
            except Exception as e:  # noqa: BLE001 - as in _slot
                if self.stopping.is_set():
                    return
                outcome = Outcome(Job(job["student"], folder), fault=_("internal error: {error}").format(
                    error=type(e).__name__))
            if self.stopping.is_set() or outcome is None:
                return  # put back by stop()
            if outcome.result is not None:
                result = result_from_dict(outcome.result)
                raw = result.score if result.status == "graded" else 0.0
                previews.finish(conn, job["seq"], job["attempts"], result=json.dumps(outcome.result), raw=raw,
                                max_score=result.max_score, worker=outcome.worker)
            else:
                previews.fault(conn, job["seq"], job["attempts"], outcome.fault or "grader fault")
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _grade(self, row, procs: dict[str, GraderProcess]) -> None:
        conn = self.db.conn
        folder = Path(tempfile.mkdtemp(prefix=f"{row['id']}-", dir=self.work))
        try:
            t0 = time.perf_counter()
            outcome = self._outcome(row, folder, procs)
            if self.stopping.is_set() or outcome is None:
                return  # put back by stop()
            if outcome.result is not None:
                result = result_from_dict(outcome.result)
                raw = result.score if result.status == "graded" else 0.0
                submission_queue.finish(conn, row["id"], row["attempts"], result.status, result=json.dumps(outcome.result),
                             raw=raw, max_score=result.max_score, worker=outcome.worker)
                # The status word is data (as stored); the sentence around it is the operator's.
                self.log(_("graded {id} ({assignment}): {status} {score} in {seconds} s").format(
                    id=row["id"], assignment=row["assignment"], status=result.status,
                    score=f"{raw:g}/{result.max_score:g}", seconds=f"{time.perf_counter() - t0:.1f}"))
            else:
                status = submission_queue.fault(conn, row["id"], row["attempts"], outcome.fault or "grader fault")
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
                         backend=c.backend, backend_options=options, lang=self.lang)

    def _grade_local(self, row, path: Path, procs: dict[str, GraderProcess]) -> Outcome | None:
        job = Job(row["student"], path)
        aid = row["assignment"]
        with self._lock:
            if self.stopping.is_set():
                return None
            proc = procs.pop(aid, None)
            generation = self._generation.get(aid, 0)
            if proc is not None and self._born.get(proc.proc.pid) != generation:
                _kill(proc)  # loaded the tests before the last regrade
                self._born.pop(proc.proc.pid, None)
                proc = None
            if proc is None:
                while len(procs) >= WARM_PER_SLOT:  # the least recently used goes
                    _kill(procs.pop(next(iter(procs))))
                proc = GraderProcess(self._spec(aid), Path(self.config.data) / "workers.log")
                self._born[proc.proc.pid] = generation
            procs[aid] = proc  # most recently used last
        try:
            proc.wait_ready()
            reply = proc.grade(path)
        except GraderProcessFault as e:  # the course or backend is broken: not the student's fault
            self._drop(procs, aid)
            return Outcome(job, fault=str(e), fatal=True)
        except (EOFError, OSError, json.JSONDecodeError) as e:
            if self.stopping.is_set():
                return None
            code = proc.proc.poll()
            self._drop(procs, aid)
            return Outcome(job, fault=_("the grading process died (exit status {code}: {error})").format(
                code=code, error=type(e).__name__))
        worker = f"{socket.gethostname()}/{proc.proc.pid}"
        if "fault" in reply:
            if reply.get("fatal"):
                self._drop(procs, aid)
            return Outcome(job, fault=reply["fault"], fatal=bool(reply.get("fatal")), worker=worker)
        return Outcome(job, result=reply["result"], worker=worker)

    def _drop(self, procs: dict[str, GraderProcess], aid: str) -> None:
        with self._lock:
            proc = procs.pop(aid, None)
        if proc is not None:
            _kill(proc)

    def _grade_ray(self, row, path: Path) -> Outcome | None:
        """One Ray task per submission (a RayExecutor grades one assignment, so one per call;
        Ray itself is started once and its workers keep their graders warm)."""
        from autograder.config import assignment_paths

        spec = self._spec(row["assignment"])
        gpus = self.config.gpus
        per_task = (float(gpus) if gpus and gpus.replace(".", "", 1).isdigit() else 1.0) if gpus else 0.0
        one = RayExecutor(spec, suite_hash(assignment_paths(row["assignment"], Path(spec.course))),
                          address=self.config.address, gpus=per_task)
        # Started from a slot thread, which lives as long as Ray is used (and is not the main
        # thread, whose SIGTERM handler is uvicorn's). Ray's C++ failure handler would end the
        # server on SIGTERM before it puts work back.
        os.environ.setdefault("RAY_DISABLE_FAILURE_SIGNAL_HANDLER", "1")
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        with self._ray_lock:  # one slot starts Ray; the others wait and connect
            one.start()
            if one.started_here:
                self.on_library_start()
        with self._lock:
            if one.started_here and self._ray is None:
                self._ray = one  # shut down at stop()
        got: list[Outcome] = []
        one.run([Job(row["student"], path)], got.append)
        return got[0] if got else None


def _kill(proc: GraderProcess) -> None:
    """End a grader process and everything under it now (its zygote runs in its own
    session and would otherwise linger until it notices the closed socket)."""
    kill_tree(proc.proc.pid, after_kill=proc.close)
