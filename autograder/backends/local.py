"""The local backend: one warm zygote subprocess on this machine serves every submission.

Trusted side. The zygote runs as this process's child (as root on a grading host, so it
can drop each worker to the sandbox user); workers are killed from here by process group,
since their pids are this machine's.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading

from autograder.backends.contract import ZYGOTE_START_S, Backend, SandboxConfig, ZygoteHandle
from autograder.backends.channel import ZygoteChannel
from autograder.i18n import t as _

DECIDES_GRADES = True  # cache_key.py



def kill_worker(pid: int, reaped: bool = False) -> None:
    """SIGKILL a worker's process group (and the worker itself unless already reaped)."""
    # Once reaped, its pid may be reused: only the group (alive while members are) is safe.
    targets = [os.killpg] if reaped else [os.killpg, os.kill]
    for target in targets:
        try:
            target(pid, signal.SIGKILL)
        except OSError:
            pass

class LocalZygote(ZygoteHandle):
    """A warm process that forks workers. Start it early (``LocalBackend.start``): it imports torch
    in parallel with the caller."""

    def __init__(self):
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "PYTHONPATH",
                                                            "CUDA_VISIBLE_DEVICES", "HOME")}
        env.update(OMP_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "autograder.untrusted.zygote", str(child.fileno())],
            pass_fds=[child.fileno()], env=env, stdin=subprocess.DEVNULL,
            cwd="/", start_new_session=True)
        child.close()
        self.channel = ZygoteChannel(parent, "the worker zygote")

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None and not self.channel.dead

    def wait_ready(self, timeout: float = ZYGOTE_START_S) -> None:
        if not self.channel.wait_ready(timeout):
            raise RuntimeError(_("the worker zygote did not start; run `python -m autograder.untrusted.zygote` "
                                 "to see why (is torch installed in this environment?)"))

    def spawn(self, cfg: SandboxConfig) -> tuple[int, socket.socket, int]:
        self.wait_ready()
        return self.channel.spawn(cfg.as_message())

    def exit_code(self, pid: int, timeout: float = 1.0) -> int | None:
        return self.channel.exit_code(pid, timeout)

    def kill(self, pid: int, reaped: bool = False) -> None:
        kill_worker(pid, reaped)

    def close(self) -> None:
        self.channel.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class LocalBackend(Backend):
    name = "local"
    cuda = True  # workers see whatever GPU this machine has

    def __init__(self, zygote: LocalZygote | None = None):
        # Started on first use, not here: an upload that cannot be loaded never starts one.
        self._zygote: LocalZygote | None = zygote
        # One zygote however many threads ask at once (a grading, and whoever watches or warms
        # it up): without it each would start its own and all but one would be lost.
        self._lock = threading.RLock()

    def _running(self) -> LocalZygote:
        with self._lock:
            if self._zygote is None:
                self._zygote = LocalZygote()
            return self._zygote

    @property
    def zygote(self) -> LocalZygote:
        """The shared warm zygote, started now if nothing started it yet (executors wait for it
        at start-up; tests fork sessions on it)."""
        return self._running()

    def start(self) -> None:
        self._running()  # it imports torch now, in parallel with the caller

    def acquire(self) -> LocalZygote:
        with self._lock:
            zygote = self._running()
            if not zygote.alive:  # died (killed by a student?) or hung up: start another
                zygote.close()
                self._zygote = zygote = LocalZygote()
            return zygote

    def release(self, zygote: ZygoteHandle) -> None:
        pass  # kept warm for the next submission

    def describe(self) -> dict:
        return {"backend": self.name}

    def close(self) -> None:
        with self._lock:
            if self._zygote is not None:
                self._zygote.close()
