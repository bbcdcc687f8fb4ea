"""Where the untrusted worker runs. The trusted grader is the same for every backend.

A backend hands the grader a *zygote* for each submission: an object with the interface
of ``sandbox.Zygote`` (``spawn(cfg) -> (pid, socket, output fd)``, ``exit_code(pid)``,
``kill(pid)``, ``close()``). The local backend shares one warm zygote process between
submissions; the docker backend gives each submission a zygote inside its own container.
"""

from __future__ import annotations

from typing import Protocol

from autograder.sandbox import Zygote


class SandboxLost(Exception):
    """The place a submission's worker ran in was lost under it (its container stopped or was
    removed from outside, the Docker daemon restarted or went away): the grader's problem,
    never the student's. Backends that can lose it say so in their zygote's ``lost``."""


class Backend(Protocol):
    name: str

    def acquire(self) -> Zygote:
        """A ready zygote to grade one submission with."""

    def release(self, zygote: Zygote) -> None:
        """The submission is graded: keep the zygote warm or dispose of it."""

    def describe(self) -> dict:
        """What results.json's extra_data records about where the worker ran."""

    def close(self) -> None: ...

    # Optional: ``recover()`` waits (bounded) until the backend can start sandboxes again
    # after a SandboxLost, and raises SandboxLost when it cannot. The local backend has none.


BACKENDS = ("local", "docker", "auto")


def make_backend(name: str = "local", **options) -> Backend:
    """``name``: local (default), docker, or auto; unknown names raise ValueError.

    docker options: ``image`` (default: the ``torch-autograder:cpu`` image built from this
    engine, ``:gpu`` with ``gpus``), ``gpus`` (all | N | device=ID,...), ``client``,
    ``limits``, ``spares``. It raises DockerUnavailable or ImageError (messages say what to
    do) where it cannot run. ``auto`` is docker where an engine and the image are there,
    else local; the backend's ``note`` says which and why.
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
    raise ValueError(f"unknown backend {name!r}; choose one of: {', '.join(BACKENDS)}")
