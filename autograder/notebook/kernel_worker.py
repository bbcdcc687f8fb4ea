"""Workers forked from the student's own kernel: the live definitions, the grader's protocol.

Runs in the student's Jupyter kernel. There is nothing to protect from the student here
(their kernel, their laptop), so no confinement: the fork exists so that a function that
never returns, or kills its process, costs its own tests only and leaves the kernel
usable, exactly as in grading. ``KernelForker`` is a zygote for ``sandbox.WorkerSession``
(the same spawn / exit_code / kill seam the grading backends provide): each worker is a
fork of the kernel taken when it starts, so it sees the functions and classes as they are
defined right now, with no save and no re-run. A restart after a timeout forks again.

Where ``os.fork`` does not exist (Windows), ``InProcessSession`` runs the student's code in
the kernel itself: no timeouts, and ``check()`` says so.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import sys
import time
import types
from typing import Any

from autograder import protocol
from autograder.backends.contract import ZygoteHandle
from autograder.backends.local import kill_worker
from autograder.sandbox import LoadReport, OutputBuffer, SandboxConfig, WorkerFailure

CAN_FORK = hasattr(os, "fork")


class KernelForker(ZygoteHandle):
    """Forks workers from this process, whose namespace ``namespace`` holds the student's code
    (the ``ZygoteHandle`` seam of backends, with the kernel as the zygote)."""

    pid: int | None = None  # no zygote process of its own: the kernel is the zygote

    def __init__(self, namespace: dict[str, Any]):
        self.namespace = namespace
        self._exits: dict[int, int] = {}

    def wait_ready(self, timeout: float = 120.0) -> None:
        return None

    def spawn(self, cfg: SandboxConfig) -> tuple[int, socket.socket, int]:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_r, out_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # ---- child: never returns
            mine.close()
            os.close(out_r)
            _child(theirs, out_w, self.namespace, cfg)
        theirs.close()
        os.close(out_w)
        return pid, mine, out_r

    def exit_code(self, pid: int, timeout: float = 1.0) -> int | None:
        if pid in self._exits:
            return self._exits.pop(pid)
        deadline = time.monotonic() + timeout
        while True:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return None
            if done:
                return os.waitstatus_to_exitcode(status)
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.005)

    def kill(self, pid: int, reaped: bool = False) -> None:
        kill_worker(pid, reaped)
        if not reaped:
            # Reap it now: a kernel that runs check() all day must not collect zombies.
            try:
                _, status = os.waitpid(pid, 0)
                self._exits[pid] = os.waitstatus_to_exitcode(status)
            except ChildProcessError:
                pass

    def close(self) -> None:
        return None


def _child(sock: socket.socket, out_fd: int, namespace: dict[str, Any], cfg: SandboxConfig) -> None:
    """The forked worker: the kernel's threads (ZeroMQ, heartbeat) are gone here, so it never
    touches Jupyter's streams; what the student's code prints goes down ``out_fd``."""
    code = 0
    try:
        os.setpgid(0, 0)  # its own group: a kill takes whatever it forked too
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        sys.stdin = open(os.devnull)  # noqa: SIM115 - lives as long as the process
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), write_through=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), write_through=True)
        if "torch" in sys.modules:
            # The kernel may have run parallel regions; a forked child must not reuse a
            # thread pool whose threads did not survive the fork.
            sys.modules["torch"].set_num_threads(max(1, int(cfg.threads)))
        from autograder.untrusted import worker

        w = worker.Worker(sock)
        w.module = types.SimpleNamespace(**namespace)
        protocol.send_frame(sock, {"ready": True, "sandbox": {"kernel_fork": True}, "pid": os.getpid()})
        w.serve()
    except BaseException:  # noqa: BLE001 - say why on the output pipe, then exit
        code = 70
        import traceback

        try:
            traceback.print_exc()
        except BaseException:  # noqa: BLE001
            pass
    finally:
        os._exit(code)


class InProcessSession:
    """The ``student`` fixture's session without a fork: the student's code runs in the
    kernel itself. A hung function hangs the check (interrupt the kernel), and a crash takes
    the kernel with it; only for platforms without ``os.fork``."""

    def __init__(self, namespace: dict[str, Any], probes: str = ""):
        from autograder.untrusted import worker

        self._worker = worker.Worker(_NoSocket())
        self._worker.module = types.SimpleNamespace(**namespace)
        self.output = OutputBuffer(64 * 1024)
        self.worker = self
        self.restarts = 0
        self.first_load: LoadReport | None = None
        self._probes = probes

    def start(self) -> LoadReport:
        if self.first_load is None:
            reply = self._worker.load({"cells": [], "probes": self._probes})
            self.first_load = LoadReport(names=list(reply.get("names", [])))
        return self.first_load

    def request(self, header: dict, buffers: list[bytes], timeout: float | None, what: str):
        self.start()
        out: list[bytes] = []
        try:
            reply = self._worker.dispatch(header, list(buffers), out)
        except protocol.Unencodable as e:
            out, reply = [], {"ok": False, "error": {"kind": "bad_return", "message": str(e)}}
        except Exception as e:  # the student's exception, as the worker reports it
            from autograder.untrusted.worker import _error

            out, reply = [], {"ok": False, "error": _error("exception", e)}
        # Encode and decode as the wire would: the test gets copies, never the student's objects.
        return _roundtrip(reply, out)

    def kill(self) -> None:
        return None

    def close(self) -> None:
        return None


class _NoSocket:
    """The in-process worker never reads frames: ``dispatch`` is called directly."""

    def recv(self, *_):
        raise WorkerFailure("protocol", "the in-process worker has no socket")


def _roundtrip(reply: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
    a, b = socket.socketpair()
    try:
        import threading

        t = threading.Thread(target=protocol.send_frame, args=(a, reply, buffers), daemon=True)
        t.start()
        header, bufs = protocol.FrameReader(b).read(60.0)
        t.join()
        return header, bufs
    finally:
        a.close()
        b.close()
