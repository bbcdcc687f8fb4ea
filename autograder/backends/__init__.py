"""Where the untrusted worker runs. The trusted grader is the same for every backend.

A backend hands the grader a *zygote* for each submission: an object with the interface
of ``sandbox.Zygote`` (``spawn(cfg) -> (pid, socket, output fd)``, ``exit_code(pid)``,
``kill(pid)``, ``close()``). The local backend shares one warm zygote process between
submissions; the docker backend gives each submission a zygote inside its own container.
"""

from __future__ import annotations

from typing import Protocol

from autograder.sandbox import Zygote


class Backend(Protocol):
    name: str

    def acquire(self) -> Zygote:
        """A ready zygote to grade one submission with."""

    def release(self, zygote: Zygote) -> None:
        """The submission is graded: keep the zygote warm or dispose of it."""

    def describe(self) -> dict:
        """What results.json's extra_data records about where the worker ran."""

    def close(self) -> None: ...


BACKENDS = ("local",)


def make_backend(name: str = "local", **options) -> Backend:
    """``name``: local (default); unknown names raise ValueError with the choices."""
    if name == "local":
        from autograder.backends.local import LocalBackend

        return LocalBackend(**options)
    raise ValueError(f"unknown backend {name!r}; choose one of: {', '.join(BACKENDS)}")
