"""Where the untrusted worker runs. The trusted grader is the same for every backend.

Trusted side. The contract every backend implements (``Backend``, ``ZygoteHandle``,
``SandboxConfig``, ``BackendError``, ``SandboxLost``) lives in ``backends.contract``, which
the grader's side (``sandbox``, ``grader``) and the backends both import; it is re-exported
here under the names it always had. This module only chooses a backend (``make_backend``).
The local backend (``backends.local``) shares one warm zygote process between submissions;
the docker backend (``backends.docker``) gives each submission a zygote inside its own
container. Both talk to their zygotes through the one control client, ``backends.channel``.

To add a backend: subclass ``Backend`` and ``ZygoteHandle`` (override what differs from
the defaults), and add its name to ``make_backend``. ARCHITECTURE.md has the whole path.
"""

from __future__ import annotations

from autograder.backends.contract import Backend, BackendError, SandboxConfig, SandboxLost, ZygoteHandle

__all__ = ["BACKENDS", "Backend", "BackendError", "SandboxConfig", "SandboxLost", "ZygoteHandle", "make_backend"]

DECIDES_GRADES = True  # which backend runs the worker is part of every grade (cache_key.py)


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
