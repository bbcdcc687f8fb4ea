"""Confine a freshly forked worker before any student code runs in it.

Order matters: namespaces and mounts need root, so they come first; rlimits next; the
uid drop last, after which nothing can be undone. Each step that cannot be taken (no
root, a kernel without user namespaces) is recorded, never silently assumed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import signal
import stat
import sys
import tempfile

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_BIND = 0x1000
MS_REC = 0x4000
MNT_DETACH = 2
MS_PRIVATE = 1 << 18
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _blocked_ancestor(path: str) -> str | None:
    """The topmost ancestor of ``path`` that other users cannot traverse, if any."""
    parts = os.path.abspath(path).split(os.sep)[1:]
    current = ""
    for part in parts[:-1]:
        current += os.sep + part
        try:
            if not os.stat(current).st_mode & stat.S_IXOTH:
                return current
        except OSError:
            return None
    return None


def _expose_interpreter() -> None:
    """Make Python itself reachable for the dropped uid, and nothing else of its home.

    A Python installed under a private home (``/root/.pyenv``) is unreadable after the uid
    drop, so lazily imported modules would fail. Over each blocking folder goes a fresh
    tmpfs holding bind mounts of just the interpreter's folders: the rest of that home
    stays out of sight.
    """
    needed = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path)
              if p and os.path.isdir(p)}
    by_blocker: dict[str, list[str]] = {}
    for p in sorted(needed):
        blocker = _blocked_ancestor(p + os.sep + "x")
        if blocker and not any(p.startswith(q + os.sep) for q in by_blocker.get(blocker, [])):
            by_blocker.setdefault(blocker, []).append(p)
    for n, (blocker, paths) in enumerate(sorted(by_blocker.items())):
        staged = []
        for i, p in enumerate(paths):
            stage = f"/tmp/.ag-expose-{n}-{i}"
            os.mkdir(stage)
            _check(_libc.mount(p.encode(), stage.encode(), None, MS_BIND | MS_REC, None), f"bind {p}")
            staged.append((stage, p))
        _check(_libc.mount(b"tmpfs", blocker.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=64k,mode=755"),
               f"cover {blocker}")
        for stage, p in staged:
            os.makedirs(p, exist_ok=True)
            _check(_libc.mount(stage.encode(), p.encode(), None, MS_BIND | MS_REC, None), f"expose {p}")
            _libc.umount2(stage.encode(), MNT_DETACH)
            os.rmdir(stage)


def _private_mounts(hide: list[str], tmp_mb: int) -> None:
    """In our private mount namespace: hide paths, give the worker temp dirs of its own.

    An empty, unreadable tmpfs goes over each hidden path; fresh tmpfs over /tmp,
    /var/tmp and /dev/shm mean nothing written there outlives the worker or reaches the
    next submission.
    """
    _check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "make / private")
    for p in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.isdir(p):
            opts = f"size={tmp_mb}m,mode=1777".encode()
            _check(_libc.mount(b"tmpfs", p.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, opts), f"private {p}")
    if os.geteuid() == 0:
        _expose_interpreter()
    # Last, so a secret folder inside an exposed one is still covered.
    for p in hide:
        if os.path.isdir(p):
            _check(_libc.mount(b"tmpfs", p.encode(), b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                               b"size=4k,mode=000"), f"hide {p}")


def confine(cfg: dict, keep_fds: list[int]) -> dict:
    """Apply the sandbox described by ``cfg``; returns what actually holds.

    cfg keys: uid, gid (used when root), hide (paths), memory_mb, nproc, fsize_mb,
    cpu_s, threads, cuda (bool).
    """
    held = {"uid_drop": False, "network_off": False, "hidden_paths": False, "private_tmp": False,
            "rlimits": False}
    os.setsid()
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # die with the zygote
    root = os.geteuid() == 0
    hide = [p for p in cfg.get("hide", []) if p]
    try:
        if root:
            _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWNET), "unshare")
        else:
            # An unprivileged user namespace gives the same isolation where the kernel allows it.
            uid, gid = os.getuid(), os.getgid()
            _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET), "unshare")
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{uid} {uid} 1")
            _write("/proc/self/gid_map", f"{gid} {gid} 1")
        held["network_off"] = True
        _private_mounts(hide, int(cfg.get("fsize_mb", 256)))
        held["hidden_paths"] = held["private_tmp"] = True
    except OSError as e:
        held["namespace_error"] = str(e)

    workdir = tempfile.mkdtemp(prefix="ag-work-", dir="/tmp")
    held["workdir"] = workdir
    uid, gid = int(cfg.get("uid", 65534)), int(cfg.get("gid", 65534))
    if root:
        os.chown(workdir, uid, gid)
    os.chmod(workdir, 0o700)
    os.chdir(workdir)
    tempfile.tempdir = workdir

    threads = str(cfg.get("threads", 1))
    os.environ.clear()
    os.environ.update({
        "HOME": workdir, "TMPDIR": workdir, "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": threads,
        "MKL_NUM_THREADS": threads, "PYTHONHASHSEED": "0",
    })
    if cfg.get("cuda_visible_devices") is not None:
        os.environ["CUDA_VISIBLE_DEVICES"] = str(cfg["cuda_visible_devices"])

    limits = [(resource.RLIMIT_CORE, 0),
              (resource.RLIMIT_NOFILE, 512),
              (resource.RLIMIT_FSIZE, int(cfg.get("fsize_mb", 256)) * 2**20),
              (resource.RLIMIT_CPU, int(cfg.get("cpu_s", 900)))]
    # CUDA maps huge virtual ranges, so an address-space cap only works on CPU runs.
    if cfg.get("memory_mb") and not cfg.get("cuda"):
        limits.append((resource.RLIMIT_AS, int(cfg["memory_mb"]) * 2**20))
    if root:
        # Counted per uid: the dropped uid owns only sandboxed processes.
        limits.append((resource.RLIMIT_NPROC, int(cfg.get("nproc", 256))))
    for which, value in limits:
        resource.setrlimit(which, (value, value))
    held["rlimits"] = True

    if root:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        held["uid_drop"] = os.getuid() == uid and uid != 0
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    return held
