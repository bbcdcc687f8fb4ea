"""Trusted-side control of the untrusted worker: worker processes, requests, restarts.

The grader never imports student code. It asks a zygote (a warm process that imported
torch once; the backend's business, see ``backends.contract``) to fork a confined worker, talks to
it over a socket in the framed protocol, drains and caps its output, and kills it on a
timeout, a crash or a malformed answer. The next request starts a fresh worker, so one
bad call costs one test only. Nothing here depends on where the worker runs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import time
from dataclasses import dataclass, field

from autograder import protocol, sanitize
# The backend contract, imported in one direction (backends import it too, never this module);
# SandboxConfig and ZYGOTE_START_S keep their old import path here.
from autograder.backends.contract import ZYGOTE_START_S, SandboxConfig, ZygoteHandle
from autograder.i18n import N_, t as _

__all__ = ["LoadReport", "OutputBuffer", "SandboxConfig", "WorkerFailure", "WorkerProcess", "WorkerSession",
           "ZYGOTE_START_S", "describe_exit"]

DECIDES_GRADES = True  # cache_key.py

SIGNAL_HINTS = {
    # Students read this: say both causes (their memory use, or an operator / the OOM
    # killer from outside) and what to do about each. Translated when shown (describe_exit).
    -signal.SIGKILL: N_("killed by SIGKILL: out of memory (the memory limit or the OOM killer), or killed "
                      "from outside by an operator. Reduce your code's memory use; if it uses little, "
                      "ask for a regrade"),
    -signal.SIGSEGV: N_("segmentation fault (SIGSEGV)"),
    -signal.SIGXCPU: N_("CPU time limit exceeded (SIGXCPU)"),
    -signal.SIGXFSZ: N_("file size limit exceeded (SIGXFSZ)"),
    -signal.SIGABRT: N_("aborted (SIGABRT)"),
}


# Bounded waits on a fresh worker (a loaded machine slows it, never forever). The zygote's
# start is bounded by contract.ZYGOTE_START_S, its answer to a spawn request by
# backends.channel.SPAWN_ANSWER_S.
WORKER_HELLO_S = 60.0  # a forked worker confines itself and says hello


class WorkerFailure(Exception):
    """A request did not get a proper answer. ``kind``: timeout, crash or protocol."""

    def __init__(self, kind: str, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.exit_code = exit_code


class OutputBuffer:
    """Keeps the first ``cap`` bytes of what the worker printed; counts the rest."""

    def __init__(self, cap: int):
        self.cap = cap
        self.data = bytearray()
        self.dropped = 0

    def feed(self, chunk: bytes) -> None:
        room = self.cap - len(self.data)
        if room > 0:
            self.data += chunk[:room]
        self.dropped += max(0, len(chunk) - max(room, 0))

    def take(self) -> str:
        # Student bytes enter the trusted side here: cleaned once, for every writer.
        text = sanitize.clean(bytes(self.data))
        if self.dropped:
            text += "\n... [" + _("{n} more bytes of output not shown").format(n=self.dropped) + "]\n"
        self.data = bytearray()
        self.dropped = 0
        return text


class WorkerProcess:
    """One live worker: request/reply with deadlines, output drained into ``output``."""

    def __init__(self, zygote: ZygoteHandle, cfg: SandboxConfig, output: OutputBuffer):
        self.zygote = zygote
        self.output = output
        self.pid, self.sock, self.out_r = zygote.spawn(cfg)
        self.alive = True
        self.sandbox: dict = {}
        self.reader = protocol.FrameReader(self.sock)
        self.reader.extra[self.out_r] = self._drain
        hello, _bufs = self._read(WORKER_HELLO_S, _("start"))
        sandbox = hello.get("sandbox")  # worker data: its strings are cleaned like any student text
        self.sandbox: dict = sanitize.clean_tree(sandbox) if isinstance(sandbox, dict) else {}

    def _drain(self, fd: int) -> None:
        try:
            chunk = os.read(fd, 1 << 16)
        except OSError:
            chunk = b""
        if chunk:
            self.output.feed(chunk)
        else:
            del self.reader.extra[fd]  # writer closed: stop selecting on it

    @contextlib.contextmanager
    def _failures(self, what: str, timeout: float | None):
        """Turn a dead, slow or babbling worker into a WorkerFailure (after killing it).
        ``timeout``: the limit to name in the message."""
        try:
            yield
        except protocol.PeerTimeout:
            self.kill()
            raise WorkerFailure("timeout", _("{what} did not finish within {seconds} s").format(
                what=what, seconds=f"{timeout:.1f}")) from None
        except protocol.PeerClosed:
            code = self.kill(wait_exit=1.0)
            raise WorkerFailure("crash", _("the worker process died during {what} ({why})").format(
                what=what, why=describe_exit(code)), exit_code=code) from None
        except protocol.ProtocolError as e:
            self.kill()
            raise WorkerFailure("protocol", _("the worker sent malformed data during {what}: {error}").format(
                what=what, error=e)) from None

    def _read(self, timeout: float | None, what: str, limit: float | None = None) -> tuple[dict, list[bytes]]:
        with self._failures(what, limit if limit is not None else timeout):
            return self.reader.read(timeout)

    def request(self, header: dict, buffers: list[bytes], timeout: float | None, what: str):
        if not self.alive:
            raise WorkerFailure("crash", _("the worker is not running"))
        with self._failures(what, timeout):
            protocol.send_frame(self.sock, header, buffers, timeout=timeout)
        return self._read(timeout, what)

    def kill(self, wait_exit: float = 0.0) -> int | None:
        """Kill the worker's whole process group; returns its exit code when known.

        ``wait_exit``: a worker that closed its socket is dying on its own; give it that
        long to finish, so its own exit status (not our SIGKILL) is what gets reported.
        """
        if not self.alive:
            return None
        self.alive = False
        code = self.zygote.exit_code(self.pid, timeout=wait_exit) if wait_exit else None
        self.zygote.kill(self.pid, reaped=code is not None)
        if code is None:
            code = self.zygote.exit_code(self.pid, timeout=2.0)
        # What it printed last often explains a crash: drain what is left without blocking.
        os.set_blocking(self.out_r, False)
        try:
            while self.out_r in self.reader.extra:
                self._drain(self.out_r)
        except BlockingIOError:
            pass
        for close in (self.sock.close, lambda: os.close(self.out_r)):
            try:
                close()
            except OSError:
                pass
        workdir = self.sandbox.get("workdir")
        if not self.sandbox.get("private_tmp") and isinstance(workdir, str) and workdir.startswith("/tmp/ag-work-"):
            shutil.rmtree(workdir, ignore_errors=True)  # rmtree never follows symlinks out of it
        return code


def describe_exit(code: int | None) -> str:
    """How a worker ended, in the current grading's language (students read it in feedback)."""
    if code is None:
        return _("exit status unknown")
    if code < 0:
        hint = SIGNAL_HINTS.get(code)
        return _(hint) if hint else _("killed by signal {signal}").format(signal=signal.Signals(-code).name)
    return _("exit code {code}").format(code=code)


@dataclass
class LoadReport:
    """What happened when the student's cells ran: per-cell errors, names defined."""

    cells: list[dict] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    output: str = ""
    seconds: float = 0.0
    sandbox: dict = field(default_factory=dict)


class WorkerSession:
    """The worker of one submission: loads the cells, restarts after a failure.

    A restart re-runs the student's cells in a fresh fork (milliseconds plus the cells'
    own time), so a timeout or crash in one test never leaks state into the next.
    """

    def __init__(self, zygote: ZygoteHandle, cfg: SandboxConfig, cells: list[dict], probes: str = "",
                 import_budget: float = 30.0):
        self.zygote = zygote
        self.cfg = cfg
        self.cells = cells
        self.probes = probes
        self.import_budget = import_budget
        self.output = OutputBuffer(cfg.output_cap)
        self.worker: WorkerProcess | None = None
        self.first_load: LoadReport | None = None
        self.restarts = 0
        self._ids = 0

    def start(self) -> LoadReport:
        """Start a worker and run the cells (raises WorkerFailure if that itself fails)."""
        if self.worker is not None and self.worker.alive:
            return self.first_load
        if self.worker is not None:
            self.restarts += 1
        started = time.perf_counter()
        self.worker = WorkerProcess(self.zygote, self.cfg, self.output)
        reply, _bufs = self.worker.request({"op": "load", "id": 0, "cells": self.cells, "probes": self.probes},
                                           [], self.import_budget, _("running your notebook's cells"))
        if not reply.get("ok"):
            self.worker.kill()
            raise WorkerFailure("protocol", _("the worker could not load the submission"))
        if self.first_load is None:
            cells, names = reply.get("cells"), reply.get("names")  # worker data: check every type
            self.first_load = LoadReport(
                cells=[c for c in cells if isinstance(c, dict)] if isinstance(cells, list) else [],
                names=[n for n in names if isinstance(n, str)] if isinstance(names, list) else [],
                output=self.output.take(), seconds=time.perf_counter() - started,
                sandbox=self.worker.sandbox)
        else:
            self.output.take()  # the cells' output was shown once already
        return self.first_load

    def request(self, header: dict, buffers: list[bytes], timeout: float | None, what: str):
        self.start()
        self._ids += 1
        header = dict(header, id=self._ids)
        deadline = None if timeout is None else time.monotonic() + timeout
        reply, bufs = self.worker.request(header, buffers, timeout, what)
        # Student code can write frames on the socket too (it is their process): a reply to an
        # earlier request is stale and skipped, so it cannot answer this one. Bounded, so a
        # flood of stale frames still ends in a timeout.
        for _stale in range(1000):
            rid = reply.get("id")
            if not (isinstance(rid, int) and rid < self._ids):
                break
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            reply, bufs = self.worker._read(left, what, limit=timeout)
        if reply.get("id") != self._ids:
            self.worker.kill()
            raise WorkerFailure("protocol", _("the worker answered out of turn during {what}").format(what=what))
        return reply, bufs

    def close(self) -> None:
        if self.worker is not None:
            self.worker.kill()
