"""Confine a freshly forked worker before any student code runs in it.

As root the worker gets a root filesystem of its own: a tmpfs holding read-only bind
mounts of the system folders and of the Python installation, and nothing else (no
course, no homes, no other checkouts), a fresh ``/tmp``, no network namespace peers,
rlimits, then the uid drop and ``no_new_privs``. Without root an unprivileged user
namespace gives what the kernel allows. Each step that cannot be taken is recorded in
the returned dict, never silently assumed.

In a container (``MODE = "container"``: the docker backend's zygote, or a non-root
process in a Docker container such as ``make docker-check``) the container is the
sandbox: no namespaces or chroot are tried (Docker's seccomp profile refuses them to a
non-root user anyway). The worker gets a private work folder in the container's tmpfs,
a clean environment and rlimits, and the returned dict records what the container
actually provides, checked from inside rather than assumed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import signal
import sys
import tempfile

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38

# What a Python process needs of the host; everything else stays outside the worker's root.
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/dev", "/proc",
                "/sys")
# The mount point for workers' roots; the zygote makes it once (see ``prepare``).
NEW_ROOT = ""
# "namespaces" (own root, namespaces, uid drop) or "container" (see the module docstring).
# A non-root process inside Docker cannot build namespaces: it gets container mode.
MODE = "container" if os.path.exists("/.dockerenv") and os.geteuid() != 0 else "namespaces"

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(src: str, target: str, fstype: str | None, flags: int, data: str | None, what: str) -> None:
    _check(_libc.mount(src.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                       data.encode() if data else None), what)


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _python_paths(hide: list[str]) -> list[str]:
    """Folders of the interpreter and its packages (never ``/`` nor a parent of a secret)."""
    import autograder

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(autograder.__file__),
             *sys.path}
    out = set()
    for p in paths:
        if not p or not os.path.isdir(p):
            continue
        p = os.path.realpath(p)
        if p == "/" or any(h == p or h.startswith(p + os.sep) for h in hide):
            continue
        out.add(p)
    # Drop folders already inside another one.
    return sorted(p for p in out if not any(p != q and p.startswith(q + os.sep) for q in out))


def _bind(src: str, root: str, readonly: bool = True) -> None:
    target = root + src
    if os.path.islink(src):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.lexists(target):
            os.symlink(os.readlink(src), target)
        return
    os.makedirs(target, exist_ok=True)
    _mount(src, target, None, MS_BIND | MS_REC, None, f"bind {src}")
    if readonly:
        _mount(src, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID, None, f"read-only {src}")


def prepare() -> None:
    """Called once in the zygote: an empty, private folder to mount each worker's root on.

    Each worker mounts its own tmpfs there inside its own mount namespace, so one folder
    serves them all and nothing is left behind per worker.
    """
    global NEW_ROOT
    if os.geteuid() == 0 and not NEW_ROOT:
        NEW_ROOT = tempfile.mkdtemp(prefix="ag-root-")


def cleanup() -> None:
    if NEW_ROOT:
        try:
            os.rmdir(NEW_ROOT)
        except OSError:
            pass


def _own_root(hide: list[str], tmp_mb: int) -> None:
    """Build the worker's root filesystem and chroot into it (needs root, own mount ns)."""
    if not NEW_ROOT:
        raise OSError(0, "no mount point for the worker's root (confine.prepare was not called)")
    _mount("tmpfs", NEW_ROOT, "tmpfs", MS_NOSUID, "size=1m,mode=755", "new root")
    for p in SYSTEM_PATHS:
        if os.path.lexists(p):
            _bind(p, NEW_ROOT, readonly=p not in ("/dev", "/proc"))
    for p in ("/tmp", "/var/tmp", "/dev/shm"):
        os.makedirs(NEW_ROOT + p, exist_ok=True)
        _mount("tmpfs", NEW_ROOT + p, "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmp_mb}m,mode=1777", f"private {p}")
    # After the temp folders, so a Python installed under /tmp is mounted on top of them.
    for p in _python_paths(hide):
        if not any(p == s or p.startswith(s + os.sep) for s in SYSTEM_PATHS):
            _bind(p, NEW_ROOT)
    _check(_libc.chroot(NEW_ROOT.encode()), "chroot")
    os.chdir("/")


def _hide(hide: list[str]) -> None:
    """An empty, unreadable tmpfs over each secret folder still visible."""
    for p in hide:
        if os.path.isdir(p):
            _mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=000",
                   f"hide {p}")


def _private_tmp(tmp_mb: int, hide: list[str]) -> None:
    """Fresh temp folders, except over one that holds Python itself (a venv in /tmp)."""
    python = _python_paths(hide)
    for p in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.isdir(p) and not any(q.startswith(p + os.sep) for q in python):
            _mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmp_mb}m,mode=1777", f"private {p}")


def confine(cfg: dict) -> dict:
    """Apply the sandbox described by ``cfg``; returns what actually holds.

    cfg keys: uid, gid (used when root), hide (paths), memory_mb, nproc, fsize_mb,
    cpu_s, threads, cuda (bool).

    With a PID namespace the calling process stays outside as a relay and the worker
    continues as its child, PID 1 of the namespace: when it dies, the kernel kills every
    process the student started, however detached (setsid, double fork).
    """
    if MODE == "container":
        return _in_container(cfg)
    held = _isolate(cfg)
    if held.get("pid_ns"):
        pid = os.fork()
        if pid:
            _relay(pid)
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        try:
            # A /proc of our own: the host's processes (the grader's included) drop out of view.
            _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None, "mount /proc")
            held["private_proc"] = True
        except OSError as e:
            held["proc_error"] = str(e)
    _drop(cfg, held)
    return held


def _relay(pid: int) -> None:
    """Wait for the worker (PID 1 of its namespace) and exit the way it did."""
    os.closerange(0, 65536)  # its socket and pipe must close when the worker dies, not later
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code & 0xFF)


def _isolate(cfg: dict) -> dict:
    """Namespaces and filesystem: everything that needs (namespace) root."""
    held = {"uid_drop": False, "network_off": False, "pid_ns": False, "own_root": False,
            "hidden_paths": False, "private_tmp": False, "rlimits": False}
    os.setsid()
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # die with the zygote
    root = os.geteuid() == 0
    hide = [os.path.realpath(p) for p in cfg.get("hide", []) if p]
    tmp_mb = int(cfg.get("fsize_mb", 256))
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
        _mount("none", "/", None, MS_REC | MS_PRIVATE, None, "make / private")
        if root:
            _own_root(hide, tmp_mb)
            held["own_root"] = True
        else:
            _private_tmp(tmp_mb, hide)
        held["private_tmp"] = True
        _hide(hide)
        held["hidden_paths"] = True
        _check(_libc.unshare(CLONE_NEWPID), "unshare pid")
        held["pid_ns"] = True
    except OSError as e:
        held["namespace_error"] = str(e)
    return held


def _in_container(cfg: dict) -> dict:
    """Container mode: the container isolates; check from inside what it provides."""
    os.setsid()
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # die with the zygote
    # The zygote made itself non-dumpable against us; we are dumpable again so that our
    # own /proc/self files stay ours (and the OOM score below can be written).
    _libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
    held = {"container": True, "uid_drop": os.geteuid() != 0,
            "network_off": _only_loopback(), "pid_ns": os.getppid() == 1,
            "read_only_root": bool(os.statvfs("/").f_flag & os.ST_RDONLY),
            "private_tmp": _mount_type("/tmp") == "tmpfs",
            # Nothing of the course may exist in here: the grader never mounts it.
            "hidden_paths": not any(os.path.exists(p) for p in cfg.get("hide", []) if p),
            "rlimits": False}
    held["own_root"] = held["read_only_root"]
    try:
        # The memory-limit killer takes the worker first, never the zygote next to it.
        _write("/proc/self/oom_score_adj", "1000")
        held["oom_first"] = True
    except OSError:
        held["oom_first"] = False
    _drop(cfg, held)
    status = _proc_status()
    held["no_new_privs"] = status.get("NoNewPrivs") == "1"
    held["caps_dropped"] = status.get("CapEff", "").strip("0") == "" and "CapEff" in status
    return held


def _only_loopback() -> bool:
    try:
        return set(os.listdir("/sys/class/net")) <= {"lo"}
    except OSError:
        return False


def _mount_type(path: str) -> str:
    """The filesystem type mounted at ``path`` last (the one on top), "" if none."""
    found = ""
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                fields = line.split()
                if len(fields) > 4 and fields[4] == path and " - " in line:
                    found = line.split(" - ", 1)[1].split()[0]
    except OSError:
        pass
    return found


def _proc_status() -> dict:
    try:
        with open("/proc/self/status") as f:
            return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    except OSError:
        return {}


def _drop(cfg: dict, held: dict) -> None:
    """Work folder, environment, rlimits, then the uid drop: nothing after this is undone."""
    root = os.geteuid() == 0
    tmp_mb = int(cfg.get("fsize_mb", 256))
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

    limits = [(resource.RLIMIT_CORE, 0),
              (resource.RLIMIT_NOFILE, 512),
              (resource.RLIMIT_FSIZE, tmp_mb * 2**20),
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
