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
import platform
import resource
import signal
import struct
import sys
import tempfile
import time

DECIDES_GRADES = True  # part of every grade's cache key (cache_key.py)

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
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
    if os.geteuid() == 0:
        _sweep_cgroups()


def cleanup() -> None:
    deadline = time.monotonic() + 2.0  # the last workers' cgroups empty as they finish exiting
    release_cgroups()
    while _leftover_cgroups and time.monotonic() < deadline:
        time.sleep(0.02)
        release_cgroups()
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
    why_not = _seccomp()
    held["seccomp"] = why_not is None
    if why_not:
        held["seccomp_error"] = why_not
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
        if -code not in (signal.SIGKILL, signal.SIGSTOP):  # these two take no handler
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code & 0xFF)


def _isolate(cfg: dict) -> dict:
    """Namespaces and filesystem: everything that needs (namespace) root."""
    held = {"uid_drop": False, "network_off": False, "ipc_ns": False, "pid_ns": False, "own_root": False,
            "hidden_paths": False, "private_tmp": False, "rlimits": False}
    os.setsid()
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # die with the zygote
    root = os.geteuid() == 0
    hide = [os.path.realpath(p) for p in cfg.get("hide", []) if p]
    tmp_mb = int(cfg.get("fsize_mb", 256))
    if root:
        held.update(_join_cgroups(os.getpid(), cfg))
    try:
        if root:
            # Own IPC namespace: System V objects outlive their processes; these die with the worker.
            _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC), "unshare")
        else:
            # An unprivileged user namespace gives the same isolation where the kernel allows it.
            uid, gid = os.getuid(), os.getgid()
            _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC), "unshare")
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{uid} {uid} 1")
            _write("/proc/self/gid_map", f"{gid} {gid} 1")
        held["network_off"] = held["ipc_ns"] = True
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
    if root and not held.get("pids_cgroup"):
        # Counted per uid (every worker's), so only where the worker has no pids cgroup of its own.
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


# ----------------------------------------------------------------------------- seccomp
# System calls a worker never needs, refused as Docker's default profile refuses them (the
# docker backend has that profile already): kernel keyrings (a key outlives its process and
# is shared by every process of the uid: a channel to the next submission), new namespaces
# (fake root and kernel attack surface), mounts, chroot, BPF, userfaultfd, perf, kernel
# modules, kexec, swap, reboot, process accounting, file handles.
_DENY = {
    "x86_64": (248, 249, 250, 272, 308, 165, 166, 155, 161, 321, 323, 298, 175, 313, 176, 246, 320, 167,
               168, 169, 163, 304, 303),
    "aarch64": (217, 218, 219, 97, 268, 40, 39, 41, 51, 280, 282, 241, 105, 273, 106, 104, 294, 224, 225,
                142, 89, 265, 264),
}
# (add_key, request_key, keyctl, unshare, setns, mount, umount2, pivot_root, chroot, bpf,
#  userfaultfd, perf_event_open, init_module, finit_module, delete_module, kexec_load,
#  kexec_file_load, swapon, swapoff, reboot, acct, open_by_handle_at, name_to_handle_at)
_CLONE = {"x86_64": (56, 435), "aarch64": (220, 435)}  # clone, clone3
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_NS_FLAGS = (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
             | CLONE_NEWCGROUP)
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2


def _seccomp_program(arch: str) -> list[bytes]:
    """A classic BPF filter: other ABIs killed, the deny list EPERM, clone3 ENOSYS (its
    flags sit in a struct a filter cannot read; libc then falls back to clone, as under
    Docker), clone with a namespace flag EPERM, everything else allowed."""

    def op(code: int, jt: int, jf: int, k: int) -> bytes:
        return struct.pack("HBBI", code, jt, jf, k & 0xFFFFFFFF)

    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    allow, kill = 0x7FFF0000, 0x80000000
    eperm, enosys = 0x00050000 | 1, 0x00050000 | 38
    deny = _DENY[arch]
    clone, clone3 = _CLONE[arch]
    n = len(deny)
    # Index:  0 ld arch | 1 jeq arch | 2 kill | 3 ld nr | 4 jge x32 | 5.. deny | 5+n clone3
    #         6+n clone | 7+n ld args[0] | 8+n jset | 9+n allow | 10+n eperm | 11+n enosys
    prog = [op(ld, 0, 0, 4), op(jeq, 1, 0, _AUDIT_ARCH[arch]), op(ret, 0, 0, kill), op(ld, 0, 0, 0),
            # x32 system calls share x86_64's arch value, their numbers have bit 30 set.
            op(jge, n + 5, 0, 0x40000000)]
    prog += [op(jeq, n + 4 - i, 0, nr) for i, nr in enumerate(deny)]
    prog += [op(jeq, 5, 0, clone3), op(jeq, 0, 2, clone),
             op(ld, 0, 0, 16),  # the low 32 bits of args[0] (the flags)
             op(jset, 1, 0, _NS_FLAGS), op(ret, 0, 0, allow), op(ret, 0, 0, eperm), op(ret, 0, 0, enosys)]
    return prog


def _seccomp() -> str | None:
    """Install the filter (irrevocable, inherited by every child); returns why not, or None."""
    arch = platform.machine()
    if arch not in _DENY or sys.byteorder != "little":
        return f"no seccomp filter for {arch} here"
    prog = b"".join(_seccomp_program(arch))
    buf = ctypes.create_string_buffer(prog, len(prog))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(prog) // 8, ctypes.cast(buf, ctypes.c_void_p))
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)  # required without CAP_SYS_ADMIN
    if _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        return f"seccomp: {os.strerror(ctypes.get_errno())}"
    return None


# ----------------------------------------------------------------------------- cgroups
# RLIMIT_AS caps each process, not their sum, and RLIMIT_NPROC counts every process of the
# uid (all workers'). Where the zygote runs as root on a cgroup v1 hierarchy, each worker
# gets cgroups of its own below the zygote's: the memory limit then holds for the worker and
# everything it forks, and the pids limit is its own. On cgroup v2 a non-root cgroup holding
# processes cannot hand controllers down, so there the rlimits remain (SECURITY.md).
CGROUP_ROOT = "/sys/fs/cgroup"
_CONTROLLERS = {"memory": "memory.limit_in_bytes", "pids": "pids.max"}


def _cgroup_dir(controller: str, pid: int) -> str | None:
    """Where worker ``pid``'s cgroup of this v1 controller goes (None: no such hierarchy)."""
    mount = os.path.join(CGROUP_ROOT, controller)  # v1: one hierarchy per controller
    if not os.path.exists(os.path.join(mount, "cgroup.procs")):
        return None
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, names, path = line.rstrip("\n").split(":", 2)
                if controller in names.split(","):
                    return os.path.join(mount + path.rstrip("/"), f"ag-worker-{pid}")
    except (OSError, ValueError):
        pass
    return None


def _join_cgroups(pid: int, cfg: dict) -> dict:
    """Make this process (the worker-to-be, still root) the first member of its cgroups."""
    held = {"memory_cgroup": False, "pids_cgroup": False}
    values = {"memory": int(cfg.get("memory_mb") or 0) * 2**20, "pids": int(cfg.get("nproc", 256))}
    for controller, limit_file in _CONTROLLERS.items():
        path = _cgroup_dir(controller, pid)
        # With CUDA the driver's own host memory would count against memory_mb: not capped
        # there, as RLIMIT_AS is not.
        if path is None or not values[controller] or (controller == "memory" and cfg.get("cuda")):
            continue
        try:
            os.makedirs(path, exist_ok=True)
            _write(os.path.join(path, limit_file), str(values[controller]))
            _write(os.path.join(path, "cgroup.procs"), str(pid))
            held[f"{controller}_cgroup"] = True
        except OSError as e:
            held[f"{controller}_cgroup_error"] = str(e)
    return held


def kill_cgroup(pid: int) -> None:
    """SIGKILL everything in worker ``pid``'s cgroups (called by the zygote, as root)."""
    for controller in _CONTROLLERS:
        path = _cgroup_dir(controller, pid)
        if path is None:
            continue
        try:
            with open(os.path.join(path, "cgroup.procs")) as f:
                members = [int(x) for x in f.read().split()]
        except (OSError, ValueError):
            continue
        for member in members:
            try:
                os.kill(member, signal.SIGKILL)
            except OSError:
                pass


_leftover_cgroups: set[str] = set()


def _sweep_cgroups() -> None:
    """Remove worker cgroups that a zygote killed with SIGKILL left (their relay is gone)."""
    for controller in _CONTROLLERS:
        path = _cgroup_dir(controller, 0)
        parent = os.path.dirname(path) if path else None
        try:
            names = os.listdir(parent) if parent else []
        except OSError:
            continue
        for name in names:
            pid = name.removeprefix("ag-worker-")
            if name.startswith("ag-worker-") and pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                try:
                    os.rmdir(os.path.join(parent, name))
                except OSError:
                    pass


def release_cgroups(pid: int | None = None) -> None:
    """Remove worker ``pid``'s cgroups once empty; ones still emptying are retried next time."""
    if pid is not None and os.geteuid() == 0:
        for controller in _CONTROLLERS:
            path = _cgroup_dir(controller, pid)
            if path is not None and os.path.isdir(path):
                _leftover_cgroups.add(path)
    for path in list(_leftover_cgroups):
        try:
            os.rmdir(path)
        except FileNotFoundError:
            pass
        except OSError:
            continue  # its last processes are still exiting
        _leftover_cgroups.discard(path)
