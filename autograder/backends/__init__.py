"""Where the untrusted worker runs. The trusted grader is the same for every backend.

Trusted side. This module declares the two seams every backend implements, with their
defaults: ``Backend`` (hands the grader a zygote per submission) and ``ZygoteHandle``
(what the grader and ``sandbox.WorkerProcess`` call on that zygote). The local backend
(``backends.local``) shares one warm zygote process between submissions; the docker
backend (``backends.docker``) gives each submission a zygote inside its own container.
Both talk to their zygotes through the one control client, ``backends.channel``.

To add a backend: subclass ``Backend`` and ``ZygoteHandle`` (override what differs from
the defaults), and add its name to ``make_backend``. ARCHITECTURE.md has the whole path.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from autograder.sandbox import SandboxConfig

DECIDES_GRADES = True  # where and how the worker runs is part of every grade (cache_key.py)


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

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Block until the zygote can fork (torch imported); raise RuntimeError if it never will."""
        ...

    def spawn(self, cfg: "SandboxConfig") -> tuple[int, socket.socket, int]:
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
    """Where the workers run. Subclass it: the members with bodies here are defaults."""

    name: str
    #: Whether workers can see a GPU (the grader adds CUDA cases only then).
    cuda: bool = True
    #: A line for the operator about how the backend was chosen or set up (None: nothing to say).
    note: str | None = None
    #: The one warm zygote every submission shares, for backends that keep one (executors
    #: wait for it at start-up and report its memory); None where each submission gets its own.
    zygote: ZygoteHandle | None = None

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


BACKENDS = ("local", "docker", "auto")


def make_backend(name: str = "local", **options) -> Backend:
    """``name``: local (default), docker, or auto; unknown names raise BackendError.

    docker options: ``image`` (default: the ``torch-autograder:cpu`` image built from this
    engine, ``:gpu`` with ``gpus``), ``gpus`` (all | N | device=ID,...), ``client``,
    ``limits``, ``spares``. It raises BackendError (DockerUnavailable, ImageError, a bad
    ``gpus``; messages say what to do) where it cannot run. ``auto`` is docker where an
    engine and the image are there, else local; the backend's ``note`` says which and why.
    """
    if name == "local":
        from autograder.backends.local import LocalBackend

        return LocalBackend(**{k: v for k, v in options.items() if k == "zygote"})
    if name == "docker":
        from autograder.backends.docker import DockerBackend

        return DockerBackend(**options)
    if name == "auto":
        from autograder.backends.docker import docker_ready

        why_not = docker_ready(options.get("image"), options.get("gpus"))
        if why_not is None:
            backend = make_backend("docker", **options)
            backend.note = f"backend: docker (image {backend.image})" + (
                f"; {backend.note}" if backend.note else "")
            return backend
        backend = make_backend("local")
        backend.note = f"backend: local, because the docker backend cannot run here: {why_not}"
        return backend
    from autograder.i18n import t as _

    raise BackendError(_("unknown backend {name}; choose one of: {backends}").format(
        name=repr(name), backends=", ".join(BACKENDS)))
