"""Where a batch's submissions are graded: warm local grading processes, or Ray tasks.

Local: ``jobs`` trusted grading processes. Each imports torch, pytest and the engine once,
starts its own untrusted zygote (the backend's), and then grades one submission after
another; the zygote forks a fresh worker per submission. pytest is not reentrant (one
plugin manager, one ``sys.modules``), so parallel grading needs separate processes, and
separate processes also keep one grader's crash from taking the others down. The
coordinator (the ``batch`` command) never imports torch or student code; it hands out
paths and receives results as JSON over a socket.

Ray: each submission is one Ray task (``num_cpus=1``, ``num_gpus`` when asked). The course's
grading files travel once through the object store and are unpacked per node, so nodes need
only this package installed. A Ray worker process keeps its Grader (and zygote) warm between
tasks, as a local grading process does.
"""

from __future__ import annotations

import ctypes
import gc
import io
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable, Iterable


@dataclass(frozen=True)
class GradeSpec:
    """What every submission of a batch is graded with."""

    assignment: str
    course: str
    device: str = "auto"
    backend: str = "local"
    backend_options: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"assignment": self.assignment, "course": self.course, "device": self.device,
                "backend": self.backend, "backend_options": self.backend_options}


@dataclass(frozen=True)
class Job:
    student: str
    path: Path


@dataclass
class Outcome:
    """One job's end: ``result`` (a GradeResult dict) or ``fault`` (the grader's problem)."""

    job: Job
    result: dict | None = None
    fault: str | None = None
    fatal: bool = False  # a broken suite or config: no other submission can be graded either
    seconds: float = 0.0
    worker: str = ""


OnOutcome = Callable[[Outcome], None]

# Bounded waits on a grading process. Its warm-up (torch, a zygote or container, the reference
# solution graded once) is slow on a loaded machine, never this slow; a submission's own bound
# comes from its suite (``submission_timeout``).
READY_TIMEOUT_S = 900.0


def submission_timeout(import_budget_s: float, test_timeouts: Iterable[float]) -> float:
    """How long one submission may take before its grading counts as stuck: twice what its
    suite allows (the cells, every test's budget), plus a container start and a margin."""
    return 2 * (import_budget_s + sum(test_timeouts)) + 240.0


class GradingStuck(Exception):
    """A grading process gave no answer within its bound (it is killed; a fresh one follows)."""


# =========================================================================== local processes

class GradingProcess:
    """A warm trusted grading process (``python -m autograder.executors FD``)."""

    def __init__(self, spec: GradeSpec, log: Path | None = None):
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        err = open(log, "ab") if log else subprocess.DEVNULL
        try:
            self.proc = subprocess.Popen([sys.executable, "-m", "autograder.executors", str(theirs.fileno())],
                                         pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                                         stdout=err, stderr=err, env={**os.environ, "OMP_NUM_THREADS": "1"})
        finally:
            theirs.close()
            if log:
                err.close()
        self.conn = Connection(mine.detach())
        self.conn.send_bytes(json.dumps(spec.to_json()).encode())
        self.hello: dict | None = None

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> dict:
        if self.hello is None:
            self._wait(timeout, "did not finish warming up")
            self.hello = self._recv()
        return self.hello

    def _wait(self, timeout: float | None, what: str) -> None:
        if timeout is not None and not self.conn.poll(timeout):
            raise GradingStuck(f"the grading process {what} within {timeout:g} s")

    def _recv(self) -> dict:
        msg = json.loads(self.conn.recv_bytes())
        if "fault" in msg and msg.get("fatal"):
            raise GradingProcessFault(msg["fault"])
        return msg

    def grade(self, path: Path, timeout: float | None = None) -> dict:
        """Grade one submission; raises EOFError/OSError when the process died, GradingStuck
        when it gave no answer within ``timeout`` seconds."""
        self.wait_ready()
        self.conn.send_bytes(json.dumps({"op": "grade", "path": str(path)}).encode())
        self._wait(timeout, f"did not finish grading {path.name}")
        return json.loads(self.conn.recv_bytes())

    def memory(self) -> dict[str, int]:
        """Resident memory (KiB) of this process and of the untrusted zygote it started."""
        self.wait_ready()
        out = {"trusted": rss_kib(self.proc.pid)}
        zpid = self.hello.get("zygote_pid") if self.hello else None
        if zpid:
            out["zygote"] = rss_kib(int(zpid))
        return out

    def close(self) -> None:
        try:
            self.conn.close()  # EOF: the process finishes its loop and closes its zygote
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL: its zygote (or container) sees its control channel close and ends too."""
        self.proc.kill()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass  # unkillable (D state): left to the OS, never waited on forever


class GradingProcessFault(Exception):
    """A grading process could not start (broken backend or course)."""


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class LocalExecutor:
    """``jobs`` warm grading processes on this machine, fed from one queue."""

    name = "local"

    def __init__(self, spec: GradeSpec, jobs: int = 1, log: Path | None = None,
                 submission_timeout_s: float | None = None):
        self.spec = spec
        self.jobs = max(1, jobs)
        self.log = log
        self.submission_timeout_s = submission_timeout_s  # None: wait as long as grading takes
        self.procs: list[GradingProcess] = []
        self._stop = threading.Event()
        self._checked: set = set()
        self.warnings: list[str] = []  # said once, after the batch

    def start(self) -> None:
        # All start at once: each imports torch (seconds), in parallel.
        self.procs = [GradingProcess(self.spec, self.log) for _ in range(self.jobs)]

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

    def _check_warmup(self, proc: GradingProcess) -> None:
        warm = proc.wait_ready().get("warmup") or {}
        if warm and proc not in self._checked:
            self._checked.add(proc)
            if warm["status"] != "graded" or warm["score"] < warm["max_score"]:
                self.warnings.append(
                    f"the reference solution scored {warm['score']:g}/{warm['max_score']:g} on this suite "
                    f"(failed: {', '.join(warm['failed']) or warm['status']}): check the tests before "
                    "trusting these grades (`autograder validate`)")

    def _grade(self, slot: int, job: Job) -> Outcome:
        last = ""
        for attempt in range(2):  # a grading process that died gets one fresh successor
            proc = self.procs[slot]
            t0 = time.perf_counter()
            try:
                self._check_warmup(proc)
                t0 = time.perf_counter()
                reply = proc.grade(job.path, self.submission_timeout_s)
            except GradingProcessFault as e:
                return Outcome(job, fault=str(e), fatal=True)
            except GradingStuck as e:
                # Not retried now (a stuck submission would stall the batch again): marked
                # not graded, and the batch goes on with a fresh process in this slot.
                proc.kill()
                proc.close()
                if not self._stop.is_set():
                    self.procs[slot] = GradingProcess(self.spec, self.log)
                return Outcome(job, fault=f"not graded: {e}; it was stopped so the batch could go on. "
                                          "Run the batch again to retry; see the workers' log",
                               seconds=time.perf_counter() - t0)
            except (EOFError, OSError, json.JSONDecodeError) as e:
                if self._stop.is_set():  # the batch is stopping (closed under us): no successor
                    return Outcome(job, fault="the batch stopped before this submission was graded")
                code = proc.proc.poll()
                last = (f"the grading process died while grading {job.path.name} "
                        f"(exit status {code if code is not None else 'unknown'}: {type(e).__name__})")
                proc.close()
                self.procs[slot] = GradingProcess(self.spec, self.log)
                continue
            seconds = time.perf_counter() - t0
            worker = f"{socket.gethostname()}/{proc.proc.pid}"
            if "fault" in reply:
                return Outcome(job, fault=reply["fault"], fatal=bool(reply.get("fatal")),
                               seconds=seconds, worker=worker)
            return Outcome(job, result=reply["result"], seconds=seconds, worker=worker)
        return Outcome(job, fault=last + "; retried once on a fresh process. See the workers' log.")

    def memory(self) -> list[dict[str, int]]:
        return [p.memory() for p in self.procs]

    def close(self) -> None:
        self._stop.set()
        for p in self.procs:
            p.close()
        self.procs = []


def _die_with_parent() -> None:
    """Linux: SIGKILL us when the coordinator dies (a killed batch leaves no graders behind)."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _release_memory() -> None:
    """After a submission: free its garbage now and hand freed heap back to the OS.

    Failed tests leave tracebacks holding big tensors in reference cycles, and glibc keeps
    freed heap pages: without this a long-lived grading process grows by hundreds of MB.
    (A fixed mmap threshold also keeps memory flat, but page-faulting every large tensor
    made grading 20% slower.) With the warm state frozen (``gc.freeze``) this takes ~50 ms.
    """
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: the collection alone


def _serve(fd: int) -> None:
    """The grading process: warm up once, then grade paths until the coordinator hangs up."""
    _die_with_parent()
    conn = Connection(fd)
    spec = GradeSpec(**json.loads(conn.recv_bytes()))
    from autograder.config import ConfigError
    from autograder.grader import GradeOptions, GraderFault, InfrastructureFault

    try:
        grader = _make_grader(spec)
    except Exception as e:  # noqa: BLE001 - reported to the coordinator, which stops the batch
        why = _no_space(e) or f"cannot start grading ({type(e).__name__}: {e})"
        conn.send_bytes(json.dumps({"fault": why, "fatal": True}).encode())
        return
    zygote = getattr(grader.backend, "zygote", None)
    conn.send_bytes(json.dumps({"ready": os.getpid(), "warmup": grader.warmup,
                                "zygote_pid": zygote.proc.pid if zygote is not None else None}).encode())
    options = GradeOptions(device=spec.device, course=Path(spec.course))
    try:
        while True:
            try:
                req = json.loads(conn.recv_bytes())
            except (EOFError, OSError):
                return
            try:
                result = grader.grade(Path(req["path"]), spec.assignment, options)
                reply = {"result": result.to_dict()}
                del result
                _release_memory()
            except InfrastructureFault as e:  # this submission only: marked, graded by the next run
                reply = {"fault": f"not graded: {e}"}
            except (GraderFault, ConfigError) as e:
                reply = {"fault": str(e), "fatal": True}
            except OSError as e:
                if not _no_space(e):
                    raise
                # A full temp folder fails every submission alike: stop, say where.
                reply = {"fault": _no_space(e), "fatal": True}
            except Exception as e:  # noqa: BLE001 - one submission's grader error, not the batch's
                import traceback

                traceback.print_exc()
                reply = {"fault": f"internal grader error on this submission ({type(e).__name__}: {e}); "
                                  "see the workers' log"}
            conn.send_bytes(json.dumps(reply).encode())
    finally:
        grader.close()


def _no_space(e: BaseException) -> str | None:
    """The message for a full disk met by a grading process (the temp folder, usually), else None."""
    from autograder.gradebook import NO_SPACE, storage_full

    if not isinstance(e, OSError) or e.errno not in NO_SPACE:
        return None
    where = Path(e.filename).parent if e.filename else Path(tempfile.gettempdir())
    return str(storage_full(where, "the grader's temp folder (TMPDIR)" if str(where).startswith(
        tempfile.gettempdir()) else "a folder the grader writes to", e.strerror or str(e)))


def _make_grader(spec: GradeSpec, course: Path | None = None):
    """A Grader whose zygote is up and whose suites are imported and have run once."""
    import torch

    from autograder.backends import make_backend
    from autograder.grader import Grader

    # One thread: the worker computes while we wait and vice versa, and idle OpenMP threads
    # spin on the cores the worker needs (grading took 1.6x as long with torch's default).
    # Parallelism comes from --jobs.
    torch.set_num_threads(1)
    grader = Grader(backend=make_backend(spec.backend, **spec.backend_options))
    zygote = getattr(grader.backend, "zygote", None)
    if zygote is not None:
        zygote.wait_ready()
    grader.warmup = _warm_up(grader, spec, course or Path(spec.course))
    # Everything alive now (torch, pytest, the suites) stays for the process's life: freezing
    # it makes the full collection after each submission scan only that submission's objects.
    gc.collect()
    gc.freeze()
    return grader


def _warm_up(grader, spec: GradeSpec, course: Path) -> dict:
    """Grade the reference solution once before any student: it imports the suites and takes
    torch's first-call costs out of the first submission's time, and it checks the course
    (a solution that loses points means a broken suite, which the coordinator reports)."""
    from autograder.config import assignment_paths
    from autograder.grader import GradeOptions

    paths = assignment_paths(spec.assignment, course)
    if paths.notebook is None or not paths.notebook.exists():
        return {}
    t0 = time.perf_counter()
    result = grader.grade(paths.notebook, spec.assignment, GradeOptions(device=spec.device, course=course))
    return {"score": result.score, "max_score": result.max_score, "seconds": round(time.perf_counter() - t0, 3),
            "failed": [t.name for t in result.tests if not t.passed][:10], "status": result.status}


# =========================================================================== Ray

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
    """A Ray task: grade one submission (shipped as a tar) and return the result as a dict."""
    global _RAY_GRADER
    import ray

    from autograder.config import ConfigError
    from autograder.grader import GradeOptions, GraderFault, InfrastructureFault

    gspec = GradeSpec(**spec)
    ctx = ray.get_runtime_context()
    worker = f"{ctx.get_node_id()[:12]}/{os.getpid()}"
    t0 = time.perf_counter()
    try:
        course = _ray_course(course_tar, suite)
        if _RAY_GRADER is None:
            _RAY_GRADER = _make_grader(gspec, course)
        with tempfile.TemporaryDirectory(prefix="ag-ray-sub-") as tmp:
            with tarfile.open(fileobj=io.BytesIO(sub_tar)) as tar:
                tar.extractall(tmp, filter="data")
            result = _RAY_GRADER.grade(Path(tmp) / name, gspec.assignment,
                                       GradeOptions(device=gspec.device, course=course))
        _release_memory()
    except InfrastructureFault as e:
        return {"fault": f"not graded: {e}", "worker": worker}
    except (GraderFault, ConfigError) as e:
        return {"fault": str(e), "fatal": True, "worker": worker}
    return {"result": result.to_dict(), "seconds": time.perf_counter() - t0, "worker": worker,
            "node": ctx.get_node_id()}


class RayExecutor:
    """Each submission a Ray task on the cluster at ``address`` (spread over the nodes)."""

    name = "ray"

    def __init__(self, spec: GradeSpec, suite: str, address: str | None = None, gpus: float = 0,
                 course_files: tuple[str, ...] = ("assignment.toml", "tests", "probes.py", "{id}.ipynb")):
        try:
            import ray
        except ImportError:
            raise GradingProcessFault("--executor ray needs Ray: pip install 'torch-autograder[ray]'") from None
        self.ray = ray
        self.spec = spec
        self.suite = suite
        self.address = address
        self.gpus = gpus
        self.course_files = course_files
        self.started_here = False

    def start(self) -> None:
        if not self.ray.is_initialized():
            # address=None starts a one-machine Ray; log_to_driver off keeps the progress bar clean.
            self.ray.init(address=self.address, log_to_driver=False, include_dashboard=False)
            self.started_here = True

    def run(self, jobs: Iterable[Job], on_outcome: OnOutcome) -> None:
        ray = self.ray
        self.start()
        course = Path(self.spec.course)
        course_tar = pack(course / "solutions" / self.spec.assignment, f"solutions/{self.spec.assignment}",
                          only=tuple(f.format(id=self.spec.assignment) for f in self.course_files))
        course_ref = ray.put(course_tar)
        spec = dict(self.spec.to_json(), course="")  # each node unpacks its own copy
        task = ray.remote(ray_grade).options(num_cpus=1, num_gpus=self.gpus, max_retries=1,
                                             scheduling_strategy="SPREAD")
        pending = {}
        for job in jobs:
            ref = task.remote(course_ref, self.suite, spec, job.path.name, pack(job.path, job.path.name))
            pending[ref] = (job, time.perf_counter())
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                job, t0 = pending.pop(ref)
                try:
                    reply = ray.get(ref)
                except Exception as e:  # noqa: BLE001 - a task that died twice: this submission only
                    on_outcome(Outcome(job, fault=f"the Ray task failed: {type(e).__name__}: {e}"))
                    continue
                if "fault" in reply:
                    on_outcome(Outcome(job, fault=reply["fault"], fatal=bool(reply.get("fatal")),
                                       worker=reply.get("worker", "")))
                    if reply.get("fatal"):
                        for other in pending:
                            ray.cancel(other)
                        return
                    continue
                on_outcome(Outcome(job, result=reply["result"], seconds=reply["seconds"],
                                   worker=reply["worker"]))

    def close(self) -> None:
        if self.started_here:
            self.ray.shutdown()


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
