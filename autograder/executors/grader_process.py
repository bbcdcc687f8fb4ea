"""A warm trusted grading process, and the loop it runs (``python -m autograder.executors FD``).

Trusted side. The process imports torch, pytest and the engine once, starts its own
untrusted zygote (the backend's), grades the reference solution (unless the spec's
``warmup`` is off), and then grades one submission after another, receiving paths and
sending results as JSON over a socket. It dies with its parent. pytest is not reentrant
(one plugin manager, one ``sys.modules``), so parallel grading needs separate processes,
which also keep one grader's crash from taking the others down.
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from autograder import i18n
from autograder.i18n import t as _
from autograder.executors.jobs import GradeSpec

# Its warm-up (torch, a zygote or container, the reference solution graded once) is slow on
# a loaded machine, never this slow; a submission's own bound comes from its suite
# (``jobs.submission_timeout``).
READY_TIMEOUT_S = 900.0


class GraderProcess:
    """A warm trusted grading process (``python -m autograder.executors FD``), seen from the coordinator."""

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
            self._wait(timeout, _("the grading process did not finish warming up within {seconds} s"))
            self.hello = self._recv()
        return self.hello

    def _wait(self, timeout: float | None, message: str, **fields: str) -> None:
        """``message``: what to say if no answer comes in time; ``{seconds}`` is the bound."""
        if timeout is not None and not self.conn.poll(timeout):
            raise GradingStuck(message.format(seconds=f"{timeout:g}", **fields))

    def _recv(self) -> dict:
        msg = json.loads(self.conn.recv_bytes())
        if "fault" in msg and msg.get("fatal"):
            raise GraderProcessFault(msg["fault"])
        return msg

    def grade(self, path: Path, timeout: float | None = None, lang: str | None = None) -> dict:
        """Grade one submission; raises EOFError/OSError when the process died, GradingStuck
        when it gave no answer within ``timeout`` seconds (then ``kill`` it: it is not reusable).
        ``lang``: this grading's language, when it is not the spec's (one warm process can
        grade each submission in its own language)."""
        self.wait_ready()
        request = {"op": "grade", "path": str(path), **({"lang": lang} if lang else {})}
        self.conn.send_bytes(json.dumps(request).encode())
        self._wait(timeout, _("the grading process did not finish grading {name} within {seconds} s"),
                   name=path.name)
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


class GraderProcessFault(Exception):
    """A grading process could not start (broken backend or course)."""


class GradingStuck(Exception):
    """A grading process gave no answer within its bound (kill it; a fresh one follows)."""


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


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


def serve(fd: int) -> None:
    """The grading process: warm up once, then grade paths until the coordinator hangs up."""
    _die_with_parent()
    conn = Connection(fd)
    spec = GradeSpec(**json.loads(conn.recv_bytes()))
    # The batch's language for everything this process writes (its start fault included).
    with i18n.using(spec.lang):
        _serve(conn, spec)


def _serve(conn: Connection, spec: GradeSpec) -> None:
    from autograder.executors.grader_runtime import grade_reply, make_grader, start_fault

    try:
        grader = make_grader(spec)
    except Exception as e:  # noqa: BLE001 - reported to the coordinator, which stops the batch
        conn.send_bytes(json.dumps(start_fault(e)).encode())
        return
    zygote = grader.backend.zygote
    conn.send_bytes(json.dumps({"ready": os.getpid(), "warmup": grader.warmup,
                                "zygote_pid": zygote.pid if zygote is not None else None}).encode())
    course = Path(spec.course)
    try:
        while True:
            try:
                req = json.loads(conn.recv_bytes())
            except (EOFError, OSError):
                return
            lang = req.get("lang") or spec.lang  # grade_reply grades and writes its faults in it
            reply = grade_reply(grader, Path(req["path"]), dataclasses.replace(spec, lang=lang), course)
            conn.send_bytes(json.dumps(reply).encode())
    finally:
        grader.close()
