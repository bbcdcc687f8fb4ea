"""The docker backend: each submission's worker runs in a container of its own.

One container per submission runs the zygote as its PID 1 (``python -m
autograder.untrusted.zygote --connect ... --container``): it imports torch once, and
every worker of that submission (the first one and each restart after a timeout or a
crash) is a fork inside the container. The container is the sandbox: no network,
read-only root, a tmpfs ``/tmp``, the image's non-root user, every capability dropped,
``no-new-privileges``, and memory / CPU / pids limits from ``assignment.toml``. Nothing
of the course is mounted; the student's cells and the probes travel over the socket.

Control channel: the grader listens on a Unix socket in a fresh host folder that is
bind-mounted (read-only) into the container; the zygote connects to it, the grader
checks that the peer is that container's PID 1, closes the listener and removes the
socket file. From then on the zygote protocol is the local one: ``send_fds`` passes each
worker's socket and output pipe into the container (one kernel), and a ``kill`` op
replaces the host-side ``kill()`` because pids inside the container mean nothing here.
A zygote that does not answer a kill in time has its container killed.

The next submission's container is started while the current one is graded, so a batch
does not wait for a container start and a torch import per submission.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import struct
import tempfile
import threading
import time
from dataclasses import dataclass

from autograder.backends.contract import Backend, BackendError, SandboxConfig, SandboxLost, ZygoteHandle
from autograder.backends.channel import ZygoteChannel
from autograder.backends.docker_image import LABEL, ImageError, find_image
from autograder.i18n import t as _
from autograder.processes import alive

DECIDES_GRADES = True  # cache_key.py

CTRL_MOUNT = "/run/autograder"
# Container memory on top of the worker's memory_mb: the zygote (torch imported, ~0.3 GB)
# and slack for the kernel's accounting. The worker's own cap is its RLIMIT_AS.
ZYGOTE_MB = 1024
START_TIMEOUT_S = 120.0
KILL_ACK_S = 3.0
# After a lost container: how long the grader waits for the Docker daemon to answer again
# (a restart takes seconds) before it marks the submission "not graded".
RECOVER_S = 120.0


class DockerUnavailable(BackendError):
    """No Docker engine can be reached; the message says how to get one."""


class GpuSpecError(BackendError, ValueError):
    """A ``--gpus`` value Docker cannot take; the message lists the forms it can."""


def docker_client(timeout: int = 60):
    """A Docker SDK client for the engine at DOCKER_HOST (default: the local socket)."""
    try:
        import docker
    except ImportError:
        raise DockerUnavailable(_("the Docker SDK for Python is missing: pip install 'torch-autograder[docker]'")) \
            from None
    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
    except Exception as e:  # noqa: BLE001 - docker raises many kinds here (socket, HTTP, config)
        raise DockerUnavailable(_("no Docker engine is reachable ({error}). Start one (`sudo systemctl start "
                                  "docker`, or `dockerd &` as root; `.ci/run` does this on CI), or grade with "
                                  "--backend local").format(error=f"{type(e).__name__}: {e}")) from None
    return client


def parse_gpus(spec: str | int | None):
    """``--gpus``: all | N | device=ID[,ID...] -> the DeviceRequests sent to Docker (None: no GPU)."""
    from docker.types import DeviceRequest

    if spec is None or spec == "" or spec == 0 or spec == "0":
        return None
    text = str(spec).strip()
    if text == "all":
        return [DeviceRequest(count=-1, capabilities=[["gpu"]])]
    if text.isdigit():
        return [DeviceRequest(count=int(text), capabilities=[["gpu"]])]
    if text.startswith("device="):
        ids = [i.strip() for i in text[len("device="):].split(",") if i.strip()]
        if ids:
            return [DeviceRequest(device_ids=ids, capabilities=[["gpu"]])]
    raise GpuSpecError(_("--gpus {spec}: use all, a count (e.g. 1), or device=0,1").format(spec=repr(spec)))


@dataclass(frozen=True)
class ContainerLimits:
    """The cgroup limits of one container, from the worker's SandboxConfig (assignment.toml)."""

    memory_mb: int = 4096
    cpus: float = 1.0
    pids: int = 256
    tmp_mb: int = 256

    @classmethod
    def of(cls, cfg: SandboxConfig) -> "ContainerLimits":
        return cls(memory_mb=cfg.memory_mb, cpus=float(max(1, cfg.threads)), pids=cfg.nproc, tmp_mb=cfg.fsize_mb)


class _Container:
    """One container running one zygote, and the control channel to it.

    ``start()`` creates the container and returns; the zygote's import of torch and its
    connection are awaited in a thread, so a container can warm up while another
    submission is graded.
    """

    def __init__(self, backend: "DockerBackend", limits: ContainerLimits):
        self.backend = backend
        self.limits = limits
        self.container = None
        self.channel: ZygoteChannel | None = None
        self.error: str | None = None
        self._connected = threading.Event()  # the channel is up, or the start failed
        self._failed = False
        self._destroyed = False
        self._verdict: str | None = None  # loss(), once decided ("" = not an infrastructure loss)
        self._id: str | None = None
        self._cv = threading.Condition()
        self._dir = tempfile.mkdtemp(prefix="ag-docker-")
        threading.Thread(target=self._start, daemon=True, name="docker-zygote-start").start()

    @property
    def dead(self) -> bool:
        return self._failed or (self.channel is not None and self.channel.dead)

    # ------------------------------------------------------------------ start
    def _start(self) -> None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            # The image's user must reach the socket: search-only folder, socket open to it.
            os.chmod(self._dir, 0o711)
            path = os.path.join(self._dir, "ctrl.sock")
            listener.bind(path)
            os.chmod(path, 0o666)
            listener.listen(1)
            listener.settimeout(START_TIMEOUT_S)
            container = self.backend._run_container(self.limits, self._dir)
            with self._cv:
                self.container = container
                self._id = container.id
                destroyed = self._destroyed
            if destroyed:  # disposed of while it was being created
                self.destroy()
                return
            conn = self._accept(listener)
            with self._cv:
                destroyed = self._destroyed
                # Nothing inside can end PID 1 (signals from inside are dropped, the workers
                # go first on OOM): a channel that closes under us means stopped from outside.
                self.channel = ZygoteChannel(conn, "the grading container's zygote")
            if destroyed:
                self.channel.close()
        except Exception as e:  # noqa: BLE001 - reported to whoever waits for this container
            self.error = f"{type(e).__name__}: {e}"  # (the container's log is in it already)
            listener.close()
            self.destroy()
        finally:
            listener.close()
            shutil.rmtree(self._dir, ignore_errors=True)
            self._connected.set()

    def _accept(self, listener: socket.socket) -> socket.socket:
        started = time.monotonic()
        while True:
            try:
                conn, _peer = listener.accept()
            except socket.timeout:
                raise RuntimeError(_("the zygote did not connect within {seconds} s; container log:").format(
                    seconds=f"{START_TIMEOUT_S:g}") + f"\n{self.logs()}") from None
            # Only this container's PID 1 may be our zygote: compare the peer's host pid.
            pid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0]
            self.container.reload()
            if pid == self.container.attrs["State"]["Pid"]:
                return conn
            conn.close()
            if time.monotonic() - started > START_TIMEOUT_S:
                raise RuntimeError(_("no connection from the container's zygote"))

    # ------------------------------------------------------------------ zygote ops
    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        up = self._connected.wait(timeout) and self.channel is not None
        if not up or not self.channel.wait_ready(max(0.0, deadline - time.monotonic())):
            why = self.error or _("its zygote did not start; container log:") + f"\n{self.logs()}"
            raise RuntimeError(_("the grading container could not start: {why}").format(why=why))

    def spawn(self, cfg: SandboxConfig) -> tuple[int, socket.socket, int]:
        self.wait_ready()
        return self.channel.spawn(cfg.as_message())  # ZygoteGone marks it dead

    def exit_code(self, pid: int, timeout: float) -> int | None:
        return self.channel.exit_code(pid, timeout) if self.channel is not None else None

    def kill(self, pid: int) -> None:
        """Kill through the zygote; a zygote that does not confirm loses its container."""
        if self.dead:
            return
        if not self.channel.kill(pid, KILL_ACK_S):
            self.destroy()

    def loss(self) -> str | None:
        """Why this container counts as lost to infrastructure (None: it was not, or the
        submission did it). Asks the daemon once, briefly: a container the memory limit
        killed as a whole is the submission's doing; stopped, removed, or a daemon that
        does not answer is not."""
        if self._verdict is None:
            if self.error is not None:
                self._verdict = _("a grading container could not start: {error}").format(error=self.error[:500])
            elif not (self.channel is not None and self.channel.vanished):
                self._verdict = ""
            else:
                try:
                    state = self.backend._state(self._id)
                except Exception as e:  # noqa: BLE001 - gone, or no daemon: either way not the student's
                    state = None
                    why = _("the Docker daemon does not answer ({error})").format(error=type(e).__name__)
                    if type(e).__name__ == "NotFound":
                        why = _("the container was removed")
                if state is not None and state.get("OOMKilled"):
                    self._verdict = ""
                elif state is not None:
                    self._verdict = _("its container stopped from outside (Docker: {status}, exit code {code})").format(
                        status=state.get("Status"), code=state.get("ExitCode"))
                else:
                    self._verdict = _("its container was lost: {why}").format(why=why)
        return self._verdict or None

    def logs(self) -> str:
        try:
            return self.container.logs(tail=40).decode("utf-8", "replace") if self.container else ""
        except Exception:  # noqa: BLE001 - the container may be gone already
            return "(no log: the container is gone)"

    def destroy(self) -> None:
        """Kill and remove the container (its zygote, workers and tmpfs go with it)."""
        with self._cv:
            self._failed = True
            self._destroyed = True
            container, self.container = self.container, None
            channel = self.channel
        if channel is not None:
            channel.close()
        if container is not None:
            with contextlib.suppress(Exception):
                container.remove(force=True)
        shutil.rmtree(self._dir, ignore_errors=True)


class DockerZygote(ZygoteHandle):
    """What the grader holds for one submission (a ``ZygoteHandle``).

    The container is chosen at the first ``spawn``, when the worker's limits are known: a
    prestarted one whose limits match, else a fresh one. A container whose zygote died
    (killed with its workers by the memory limit, say) is replaced at the next spawn, so
    the next test of the submission runs as with the local backend.
    """

    def __init__(self, backend: "DockerBackend", container: _Container | None):
        self.backend = backend
        self.container = container
        self._pids: dict[int, _Container] = {}
        self._used: list[_Container] = []  # every container this submission's workers ran in
        self._lost: str | None = None
        self.containers_started = 0

    @property
    def lost(self) -> str | None:
        """Why this submission's sandbox was lost under it (grader's fault), else None."""
        if self._lost is None:
            for c in self._used:
                why = c.loss()
                if why:
                    self._lost = why
                    break
        return self._lost

    def _check(self) -> None:
        # Once a container was lost, grading on would only charge the remaining tests to
        # the student: fail them fast, and the grader throws the whole grade away.
        if self.lost:
            raise RuntimeError(_("the grading sandbox was lost ({why}); this grade will be discarded").format(
                why=self._lost))

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        if self.container is None:
            self.container = self.backend._take(None)
        self.container.wait_ready(timeout)

    def spawn(self, cfg: SandboxConfig) -> tuple[int, socket.socket, int]:
        limits = ContainerLimits.of(cfg)
        self._check()
        c = self.container
        if c is None or c.dead or c.limits != limits:
            if c is not None:
                self.backend._dispose(c)
            c = self.container = self.backend._take(limits)
            self.containers_started += 1
        try:
            pid, sock, out_r = self._spawn_in(c, cfg)
        except RuntimeError:
            if not c.dead:
                raise
            # Its container died since the last worker without being lost to infrastructure
            # (the pids limit left no room to fork, say): a fresh one, the cells run again.
            self.backend._dispose(c)
            c = self.container = self.backend._take(limits)
            self.containers_started += 1
            pid, sock, out_r = self._spawn_in(c, cfg)
        self._pids[pid] = c
        return pid, sock, out_r

    def _spawn_in(self, c: _Container, cfg: SandboxConfig) -> tuple[int, socket.socket, int]:
        if c not in self._used:
            self._used.append(c)
        try:
            return c.spawn(cfg)
        except RuntimeError:
            self._check()  # lost (it could not start, or it vanished): not the student's doing
            raise

    def exit_code(self, pid: int, timeout: float = 1.0) -> int | None:
        c = self._pids.get(pid)
        return c.exit_code(pid, timeout) if c is not None else None

    def kill(self, pid: int, reaped: bool = False) -> None:
        c = self._pids.get(pid)
        if c is not None:
            c.kill(pid)

    def close(self) -> None:
        if self.container is not None:
            self.backend._dispose(self.container)
            self.container = None


class DockerBackend(Backend):
    """Workers in containers of the grading image, one container per submission."""

    name = "docker"

    def __init__(self, image: str | None = None, gpus: str | int | None = None, *, client=None,
                 limits: ContainerLimits | None = None, spares: int = 1, recover_s: float = RECOVER_S):
        self._own_client = client is None
        self.client = client or docker_client()
        self.recover_s = recover_s
        self._probe = None  # a short-timeout client for _state()
        self.device_requests = parse_gpus(gpus)
        self.gpus = None if self.device_requests is None else str(gpus)
        variant = "gpu" if self.device_requests else "cpu"
        found, self.note = find_image(self.client, image, variant)
        self.image = image or f"{found.tags[0] if found.tags else found.id}"
        self.image_id = found.id
        self.limits = limits or ContainerLimits()
        self.spares = spares
        self._lock = threading.Lock()
        self._spares: list[_Container] = []
        self._live: set[_Container] = set()
        self._closing = False
        self._owner = f"{socket.gethostname()}:{os.getpid()}"
        self._remove_stale()
        self._prestart()

    @property
    def cuda(self) -> bool:
        """Whether workers can see a GPU (the grader adds CUDA cases only then)."""
        return self.device_requests is not None

    # ------------------------------------------------------------------ Backend protocol
    def acquire(self) -> DockerZygote:
        with self._lock:
            spare = self._spares.pop(0) if self._spares else None
        if spare is not None and spare.dead:  # died while waiting (a daemon restart): never handed out
            self._dispose(spare)
            spare = None
        zygote = DockerZygote(self, spare)
        self._prestart()
        return zygote

    def release(self, zygote: DockerZygote) -> None:
        zygote.close()

    def describe(self) -> dict:
        d = {"backend": self.name, "image": self.image, "image_id": self.image_id[:19],
             "memory_mb": self.limits.memory_mb + ZYGOTE_MB, "pids_limit": self.limits.pids,
             "cpus": self.limits.cpus}
        if self.gpus:
            d["gpus"] = self.gpus
        return d

    def close(self) -> None:
        with self._lock:
            self._closing = True
            containers = list(self._spares) + list(self._live)
            self._spares.clear()
        for c in containers:
            c.destroy()
        with self._lock:
            self._live.clear()

    def recover(self, timeout: float | None = None) -> None:
        """After a lost container: wait until the daemon answers again (at most ``timeout``,
        default ``recover_s``), then drop every spare (started before the loss, it may be dead
        or half-started) and start fresh ones. Raises SandboxLost when the daemon stays away."""
        timeout = self.recover_s if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            try:
                # A fresh client: the old connection pool may hold sockets to the old daemon.
                client = docker_client(timeout=60) if self._own_client else self.client
                client.ping()
                break
            except Exception as e:  # noqa: BLE001 - DockerUnavailable, or the SDK's connection errors
                if time.monotonic() >= deadline:
                    raise SandboxLost(_("the Docker daemon did not answer within {seconds} s ({error})").format(
                        seconds=f"{timeout:g}", error=str(e)[:300])) from None
                time.sleep(1.0)
        if client is not self.client:
            old, self.client = self.client, client
            self._probe = None
            with contextlib.suppress(Exception):
                old.close()
        with self._lock:
            stale, self._spares = self._spares, []
        for c in stale:
            self._dispose(c)
        self._remove_exited()
        self._prestart()

    def _remove_exited(self) -> None:
        """Our containers that stopped while the daemon could not remove them (it was down)."""
        try:
            ours = self.client.containers.list(all=True, filters={"label": f"{LABEL}.owner={self._owner}",
                                                                  "status": "exited"})
        except Exception:  # noqa: BLE001 - best effort, as _remove_stale
            return
        for c in ours:
            with contextlib.suppress(Exception):
                c.remove(force=True)

    def _state(self, container_id: str | None) -> dict:
        """A container's State as the daemon reports it now (raises when it does not answer)."""
        if container_id is None:
            raise RuntimeError("never created")
        if self._probe is None:
            # Short timeout: this asks, mid-grading, whether the daemon is still there.
            self._probe = docker_client(timeout=5) if self._own_client else self.client
        return self._probe.api.inspect_container(container_id)["State"]

    def __enter__(self) -> "DockerBackend":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ containers
    def _take(self, limits: ContainerLimits | None) -> _Container:
        """A container with these limits (None: the backend's): a spare if one fits."""
        limits = limits or self.limits
        with self._lock:
            if limits != self.limits:
                # The assignment's limits differ from the spares': remember them for the
                # next prestarts, and drop spares that cannot serve.
                self.limits = limits
                stale, self._spares = self._spares, []
            else:
                stale = []
            spare = self._spares.pop(0) if self._spares else None
        for c in stale:
            self._dispose(c)
        if spare is not None and spare.dead:
            self._dispose(spare)
            spare = None
        if spare is None:
            spare = self._new(limits)
        self._prestart()
        return spare

    def _new(self, limits: ContainerLimits) -> _Container:
        c = _Container(self, limits)
        with self._lock:
            self._live.add(c)
        return c

    def _prestart(self) -> None:
        with self._lock:
            missing = 0 if self._closing else self.spares - len(self._spares)
        for _spare in range(max(0, missing)):
            c = self._new(self.limits)
            with self._lock:
                self._spares.append(c)

    def _dispose(self, c: _Container) -> None:
        with self._lock:
            self._live.discard(c)
        # Removing takes a few hundred ms: not on the grading path.
        threading.Thread(target=c.destroy, daemon=True, name="docker-remove").start()

    def _run_container(self, limits: ContainerLimits, ctrl_dir: str):
        memory = f"{limits.memory_mb + ZYGOTE_MB}m"
        return self.client.containers.run(
            self.image_id,
            ["python3", "-m", "autograder.untrusted.zygote", "--connect", f"{CTRL_MOUNT}/ctrl.sock",
             "--container"],
            detach=True,
            network_mode="none",
            read_only=True,
            tmpfs={"/tmp": f"rw,nosuid,nodev,size={limits.tmp_mb}m,mode=1777"},
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            mem_limit=memory,
            memswap_limit=memory,  # no swap: the limit is the limit
            nano_cpus=int(limits.cpus * 1e9),
            pids_limit=limits.pids,
            # PID 1 ignores SIGTERM and nothing in here is worth a graceful stop: a daemon
            # shutting down (or `docker stop`) kills it at once instead of after 10 s.
            stop_signal="SIGKILL",
            volumes={ctrl_dir: {"bind": CTRL_MOUNT, "mode": "ro"}},
            environment={"OMP_NUM_THREADS": str(int(limits.cpus)), "PYTHONDONTWRITEBYTECODE": "1"},
            device_requests=self.device_requests,
            labels={f"{LABEL}.role": "worker", f"{LABEL}.owner": self._owner},
            log_config={"type": "json-file", "config": {"max-size": "1m"}},
        )

    def _remove_stale(self) -> None:
        """Containers left by a grader on this host that died without cleaning up."""
        host = socket.gethostname()
        try:
            leftovers = self.client.containers.list(all=True, filters={"label": f"{LABEL}.role=worker"})
        except Exception:  # noqa: BLE001 - best effort; grading does not depend on it
            return
        for c in leftovers:
            owner = (c.labels or {}).get(f"{LABEL}.owner", "")
            owner_host, _sep, pid = owner.rpartition(":")
            if owner_host == host and pid.isdigit() and not alive(int(pid)):
                with contextlib.suppress(Exception):
                    c.remove(force=True)


def docker_ready(image: str | None = None, gpus: str | None = None) -> str | None:
    """None when the docker backend can run here, else why not (for --backend auto)."""
    try:
        client = docker_client(timeout=10)
    except DockerUnavailable as e:
        return str(e)
    try:
        find_image(client, image, "gpu" if parse_gpus(gpus) else "cpu")
    except ImageError as e:
        return str(e)
    finally:
        client.close()
    return None
