"""The backend contract: what the grader asks of where the worker runs.

Trusted side, and the one seam between the grader (``grader``, ``sandbox``, the notebook
helper) and the backends (``backends.local``, ``backends.docker``): ``Backend`` hands the
grader a zygote per submission, ``ZygoteHandle`` is what the grader and
``sandbox.WorkerProcess`` call on that zygote, ``SandboxConfig`` is the worker's limits,
and ``BackendError`` / ``SandboxLost`` are how a backend fails. Both sides import this
module; it imports neither of them (tests/test_imports.py checks that no cycle comes back).
The members with bodies are defaults: a backend overrides only what differs.
"""

from __future__ import annotations

import pwd
import socket
from dataclasses import dataclass
from typing import Protocol

DECIDES_GRADES = True  # where and how the worker runs is part of every grade (cache_key.py)

# A zygote imports torch before it can fork: the bound on that wait (a loaded machine
# slows it, never forever).
ZYGOTE_START_S = 120.0


@dataclass(frozen=True)
class SandboxConfig:
    """Limits and isolation of one worker (defaults suit a CPU grading run)."""

    memory_mb: int = 4096
    nproc: int = 256
    fsize_mb: int = 256
    cpu_s: int = 900
    threads: int = 1
    cuda: bool = False
    hide: tuple[str, ...] = ()
    user: str = "nobody"
    output_cap: int = 64 * 1024

    def as_message(self) -> dict:
        try:
            pw = pwd.getpwnam(self.user)
            uid, gid = pw.pw_uid, pw.pw_gid
        except KeyError:
            uid = gid = 65534
        return {"uid": uid, "gid": gid, "memory_mb": self.memory_mb, "nproc": self.nproc,
                "fsize_mb": self.fsize_mb, "cpu_s": self.cpu_s, "threads": self.threads,
                "cuda": self.cuda, "hide": list(self.hide)}


class SandboxLost(Exception):
    """The place a submission's worker ran in was lost under it (its container stopped or was
    removed from outside, the Docker daemon restarted or went away): the grader's problem,
    never the student's. Backends that can lose it say so in their zygote's ``lost``."""


class BackendError(RuntimeError):
    """A backend cannot run here (no engine, no image, a bad option); the message says what
    to do. The CLI reports it as a grader fault."""


class ZygoteHandle(Protocol):
    """A zygote as the grader sees it: forks workers for one submission (or for many)."""

    #: Host pid of the zygote process when it is one on this machine (None: it is not).
    pid: int | None = None

    @property
    def lost(self) -> str | None:
        """Why this submission's sandbox was lost under it (the grader's fault), else None.
        Backends whose sandbox cannot be lost keep the default."""
        return None

    def wait_ready(self, timeout: float = ZYGOTE_START_S) -> None:
        """Block until the zygote can fork (torch imported); raise RuntimeError if it never will."""
        ...

    def spawn(self, cfg: SandboxConfig) -> tuple[int, socket.socket, int]:
        """Fork a worker; returns (pid, socket to it, read end of its output pipe)."""
        ...

    def exit_code(self, pid: int, timeout: float = 1.0) -> int | None:
        """The worker's exit status once known (None: not within ``timeout``)."""
        ...

    def kill(self, pid: int, reaped: bool = False) -> None:
        """Kill a worker and its process group (``reaped``: its exit status is known already)."""
        ...

    def close(self) -> None: ...


class Backend(Protocol):
    """Where the workers run. Subclass it: the members with bodies here are defaults.

    Making a backend starts no worker process: a submission that cannot be loaded is
    refused before anything untrusted runs. ``start()`` begins the slow part (a zygote's
    torch import) early for a caller that knows a grading follows; ``acquire()`` starts
    whatever is not started yet."""

    name: str
    #: Whether workers can see a GPU (the grader adds CUDA cases only then).
    cuda: bool = True
    #: A line for the operator about how the backend was chosen or set up (None: nothing to say).
    note: str | None = None
    #: The one warm zygote every submission shares, for backends that keep one (executors
    #: wait for it at start-up and report its memory); None where each submission gets its own.
    zygote: ZygoteHandle | None = None

    def start(self) -> None:
        """Start warming up now and return at once (a grading follows). Backends that have
        nothing to warm, or warm when made, keep the default."""
        return None

    def acquire(self) -> ZygoteHandle:
        """A ready zygote to grade one submission with."""
        ...

    def release(self, zygote: ZygoteHandle) -> None:
        """The submission is graded: keep the zygote warm or dispose of it."""
        ...

    def describe(self) -> dict:
        """What results.json's extra_data records about where the worker ran."""
        ...

    def recover(self) -> None:
        """After a SandboxLost: wait (bounded) until sandboxes can start again, or raise
        SandboxLost. Backends whose sandbox cannot be lost have nothing to wait for."""
        return None

    def close(self) -> None: ...
