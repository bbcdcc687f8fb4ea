"""The Ray executor: each submission one Ray task on a cluster.

Trusted side (the coordinator, and the Ray workers that grade). Each task asks for
``num_cpus=1`` (``num_gpus`` when asked). The course's grading files travel once through
the object store and are unpacked per node, so nodes need only this package installed. A
Ray worker process keeps its Grader (and zygote) warm between tasks, as a local grading
process does, and replies as one does (``grader_runtime.grade_reply``).

Every wait is bounded. No more tasks are in flight than the cluster has slots for, so a
task starts about when it is submitted; one that has not answered within its bound (the
submission's, plus a warm-up that a fresh Ray worker may need first) is cancelled (its
worker process killed) and its submission marked not graded, and the batch goes on.
"""

from __future__ import annotations

import io
import os
import tarfile
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

from autograder import i18n
from autograder.i18n import t as _
from autograder.executors.grader_process import READY_TIMEOUT_S, GraderProcessFault
from autograder.executors.jobs import Executor, GradeSpec, Job, OnOutcome, Outcome, reference_warning


def pack(path: Path, arcname: str, *, only: tuple[str, ...] | None = None) -> bytes:
    """A tar of a file or folder (``only``: top-level entries of a folder to keep)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        if only is None:
            tar.add(path, arcname=arcname, filter=_no_cache)
        else:
            for name in only:
                if (path / name).exists():
                    tar.add(path / name, arcname=f"{arcname}/{name}", filter=_no_cache)
    return buf.getvalue()


def _no_cache(info: tarfile.TarInfo):
    return None if "__pycache__" in info.name or ".hypothesis" in info.name else info


_RAY_GRADER = None  # one warm Grader per Ray worker process, reused by every task it runs


def _ray_course(course_tar: bytes, suite: str) -> Path:
    """Unpack the course's grading files once per node and suite (root-only folder)."""
    base = Path(tempfile.gettempdir()) / "autograder-ray" / suite
    if (base / ".complete").exists():
        return base
    base.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(base.parent, 0o700)  # hidden tests: not readable by the sandbox's uid
    tmp = Path(tempfile.mkdtemp(prefix=f"{suite[:12]}-", dir=base.parent))
    with tarfile.open(fileobj=io.BytesIO(course_tar)) as tar:
        tar.extractall(tmp, filter="data")
    (tmp / ".complete").touch()
    try:
        os.rename(tmp, base)  # atomic; another task on this node may have won the race
    except OSError:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return base


def ray_grade(course_tar: bytes, suite: str, spec: dict, name: str, sub_tar: bytes) -> dict:
    """A Ray task: grade one submission (shipped as a tar) and return the reply as a dict."""
    import ray

    node = ray.get_runtime_context().get_node_id()
    return grade_task(course_tar, suite, spec, name, sub_tar, node)


def grade_task(course_tar: bytes, suite: str, spec: dict, name: str, sub_tar: bytes, node: str) -> dict:
    """The body of a Ray task, on the node ``node``: the local grading process's fault
    handling (``grader_runtime``), plus the unpacking of the course and the submission, which
    meets a full disk first."""
    gspec = GradeSpec(**spec)
    # The batch's language, not the Ray worker's environment: its fault texts are stored.
    with i18n.using(gspec.lang):
        return _grade_task(course_tar, suite, gspec, name, sub_tar, node)


def _grade_task(course_tar: bytes, suite: str, gspec: GradeSpec, name: str, sub_tar: bytes, node: str) -> dict:
    global _RAY_GRADER
    from autograder.errors import no_space
    from autograder.executors.grader_runtime import grade_reply, make_grader, start_fault

    worker = f"{node[:12]}/{os.getpid()}"
    t0 = time.perf_counter()
    warmup = None
    try:
        course = _ray_course(course_tar, suite)
        if _RAY_GRADER is None:
            _RAY_GRADER = make_grader(gspec, course)
            warmup = _RAY_GRADER.warmup  # the coordinator checks it once per Ray worker
    except Exception as e:  # noqa: BLE001 - every task on this worker would fail alike: stop the batch
        return {**start_fault(e), "worker": worker}
    try:
        with tempfile.TemporaryDirectory(prefix="ag-ray-sub-") as tmp:
            with tarfile.open(fileobj=io.BytesIO(sub_tar)) as tar:
                tar.extractall(tmp, filter="data")
            reply = grade_reply(_RAY_GRADER, Path(tmp) / name, gspec, course)
    except OSError as e:
        if not no_space(e):
            raise  # the task fails; Ray retries it once, then the batch records a fault
        reply = {"fault": no_space(e), "fatal": True}
    reply["worker"] = worker
    if warmup:
        reply["warmup"] = warmup
    if "result" in reply:
        reply.update(seconds=time.perf_counter() - t0, node=node)
    return reply


class RayExecutor(Executor):
    """Each submission a Ray task on the cluster at ``address`` (spread over the nodes)."""

    name = "ray"

    def __init__(self, spec: GradeSpec, suite: str, address: str | None = None, gpus: float = 0,
                 course_files: tuple[str, ...] = ("assignment.toml", "tests", "probes.py", "{id}.ipynb"),
                 submission_timeout_s: float | None = None, warmup_s: float = READY_TIMEOUT_S,
                 warn: Callable[[str], None] | None = None):
        try:
            import ray
        except ImportError:
            raise GraderProcessFault(_("--executor ray needs Ray: pip install 'torch-autograder[ray]'")) from None
        self.ray = ray
        self.spec = spec
        self.suite = suite
        self.address = address
        self.gpus = gpus
        self.course_files = course_files
        self.submission_timeout_s = submission_timeout_s  # None: wait as long as grading takes
        self.warmup_s = warmup_s  # a task may land on a fresh Ray worker that builds its Grader first
        self.started_here = False
        self.warnings: list[str] = []
        self.warn = warn or self.warnings.append  # a Ray worker's reference that lost points
        self._shipped: tuple | None = None  # (the course's object ref, the remote task), made once
        self._lock = threading.Lock()

    def start(self) -> None:
        if not self.ray.is_initialized():
            # address=None starts a one-machine Ray; log_to_driver off keeps the progress bar clean.
            self.ray.init(address=self.address, log_to_driver=False, include_dashboard=False)
            self.started_here = True

    def course_tar(self) -> bytes:
        """The course's grading files of this assignment, as every node unpacks them."""
        course = Path(self.spec.course)
        return pack(course / "solutions" / self.spec.assignment, f"solutions/{self.spec.assignment}",
                    only=tuple(f.format(id=self.spec.assignment) for f in self.course_files))

    def slots(self) -> int:
        """How many tasks the cluster runs at once (one CPU each, ``gpus`` GPUs each)."""
        resources = self.ray.cluster_resources()
        n = int(resources.get("CPU", 1))
        if self.gpus:
            n = min(n, int(resources.get("GPU", 0) / self.gpus))
        return max(1, n)

    def _ship(self) -> tuple:
        """The course's grading files in the object store and the remote task: once per
        executor (the service's slots share one per assignment)."""
        with self._lock:
            if self._shipped is None:
                self.start()
                task = self.ray.remote(ray_grade).options(num_cpus=1, num_gpus=self.gpus, max_retries=1,
                                                          scheduling_strategy="SPREAD")
                self._shipped = (self.ray.put(self.course_tar()), task)
            return self._shipped

    def grade(self, job: Job) -> Outcome | None:
        """Grade one job from the caller's thread (a service slot); None if it was cut short
        (the executor closed under it)."""
        got: list[Outcome] = []
        self.run([job], got.append)
        return got[0] if got else None

    def run(self, jobs: Iterable[Job], on_outcome: OnOutcome) -> None:
        ray = self.ray
        course_ref, task = self._ship()
        spec = dict(self.spec.to_json(), course="")  # each node unpacks its own copy
        bound = None if self.submission_timeout_s is None else self.submission_timeout_s + self.warmup_s
        todo = list(jobs)
        todo.reverse()  # popped from the end: submitted in the batch's order
        slots = self.slots()
        pending: dict = {}  # ref -> (job, submitted at)
        while todo or pending:
            # Only as many in flight as the cluster runs: a task's clock starts about when it does.
            while todo and len(pending) < slots:
                job = todo.pop()
                ref = task.remote(course_ref, self.suite, spec, job.path.name, pack(job.path, job.path.name))
                pending[ref] = (job, time.monotonic())
            timeout = None
            if bound is not None:
                timeout = max(0.0, min(t0 for _, t0 in pending.values()) + bound - time.monotonic())
            ready, _waiting = ray.wait(list(pending), num_returns=1, timeout=timeout)
            if not ready:
                self._stop_overdue(pending, bound, on_outcome)
                continue
            for ref in ready:
                job, t0 = pending.pop(ref)
                try:
                    reply = ray.get(ref)
                except Exception as e:  # noqa: BLE001 - a task that died twice: this submission only
                    on_outcome(Outcome(job, fault=_("the Ray task failed: {error}").format(
                        error=f"{type(e).__name__}: {e}")))
                    continue
                self._check_warmup(reply.get("warmup"))
                if "fault" in reply:
                    on_outcome(Outcome(job, fault=reply["fault"], fatal=bool(reply.get("fatal")),
                                       worker=reply.get("worker", "")))
                    if reply.get("fatal"):
                        for other in pending:
                            ray.cancel(other, force=True)
                        return
                    continue
                on_outcome(Outcome(job, result=reply["result"], seconds=reply["seconds"],
                                   worker=reply["worker"]))

    def _stop_overdue(self, pending: dict, bound: float, on_outcome: OnOutcome) -> None:
        """Cancel the tasks past their bound; their submissions end not graded, with the reason."""
        now = time.monotonic()
        for ref, (job, t0) in list(pending.items()):
            if now - t0 < bound:
                continue
            del pending[ref]
            # force: the task may be stuck in C code; its worker process (and the zygote it
            # started) ends, and Ray starts a fresh worker for the next task.
            self.ray.cancel(ref, force=True)
            on_outcome(Outcome(job, fault=_(
                "not graded: the Ray task grading {name} did not finish within {seconds} s; it was cancelled so "
                "the next submissions could be graded. Run the batch again (or regrade it in the service) to retry"
            ).format(name=job.path.name, seconds=f"{bound:g}"),
                stuck=True, seconds=now - t0))

    def _check_warmup(self, warm: dict | None) -> None:
        """A Ray worker's first task brings its warm-up result: a reference solution that lost
        points is said once per worker, as a local grading process's is."""
        warning = reference_warning(self.spec.assignment, warm or {})
        if warning:
            self.warn(warning)

    def close(self) -> None:
        if self.started_here:
            self.ray.shutdown()
