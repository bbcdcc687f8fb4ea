"""The zygote: imports torch once, then forks a fresh, confined worker per request.

Importing torch costs seconds; forking a process that already has it costs
milliseconds. The zygote itself never runs student code, holds no tests or answers, and
never touches CUDA (a forked child could not use it), so every child starts clean.

Control channel (a Unix socket from the grader): the grader sends a JSON request with
two fds attached (the worker's socket and the write end of its output pipe); the zygote
answers ``{"spawned": pid}`` and later ``{"exited": pid, "code": n}`` for each child.
``{"op": "kill", "pid": n}`` kills a worker (answer ``{"killed": n}``): the docker backend
needs it because pids inside the container mean nothing on the host.

Two ways to start:
  ``python -m autograder.untrusted.zygote FD``          local backend: FD is a socketpair end
  ``python -m autograder.untrusted.zygote --connect PATH --container``
        docker backend: PID 1 of a per-submission container, connects to the grader's Unix
        socket (bind-mounted into the container); the container is the sandbox.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import sys
import time

from autograder import protocol
from autograder.untrusted import confine

DECIDES_GRADES = True  # part of every grade's cache key (cache_key.py)

PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
CONTAINER = False  # set by --container: PID 1 of a container that holds one submission


def _send(ctrl: socket.socket, msg: dict) -> None:
    try:
        ctrl.sendall(protocol.pack_message(msg))
    except OSError:  # the grader is gone: so are we (children die with us, PDEATHSIG)
        raise SystemExit(0) from None


def _spawn(cfg: dict, fds: list[int]) -> int:
    sock_fd, out_fd = fds
    pid = os.fork()
    if pid:
        return pid
    # ---- child: from here on this process belongs to the student.
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        os.closerange(3, sock_fd)
        os.closerange(sock_fd + 1, 65536)
        from autograder.untrusted import worker

        held = confine.confine(cfg)
        import torch

        torch.set_num_threads(int(cfg.get("threads", 1)))
        sock = socket.socket(fileno=sock_fd)
        protocol.send_frame(sock, {"ready": True, "sandbox": held, "pid": os.getpid()})
        worker.serve(sock)
    except BaseException:  # anything here is a sandbox setup failure: say it on stderr
        code = 70  # first: stderr may be closed, and printing then raises too
        import traceback

        try:
            traceback.print_exc()
        except BaseException:  # noqa: BLE001 - the exit status still tells
            pass
    finally:
        os._exit(code)


def _container_setup() -> None:
    """Hardening for a zygote that shares its uid with the student's workers (container mode).

    Not dumpable: a worker of the same uid can then neither ptrace this process nor open
    its /proc/1/fd (our stdout, the control socket). As PID 1 the kernel drops every
    signal from inside the container that has no handler, so SIGINT/SIGTERM/SIGHUP get
    none: a student cannot kill the zygote (SIGKILL to PID 1 is dropped by the kernel).
    """
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2,
                signal.SIGQUIT, signal.SIGALRM):
        signal.signal(sig, signal.SIG_DFL)


def _connect(path: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    return sock


def main(argv: list[str] | None = None) -> None:
    global CONTAINER
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--connect" and len(argv) >= 2:
        CONTAINER = "--container" in argv[2:]
        if CONTAINER:
            _container_setup()
        ctrl = _connect(argv[1])
    elif len(argv) == 1 and argv[0].isdigit():
        ctrl = socket.socket(fileno=int(argv[0]))
    else:
        raise SystemExit("usage: python -m autograder.untrusted.zygote FD | --connect PATH [--container]")
    # Warm imports: this is the whole point of the zygote.
    import numpy  # noqa: F401
    import torch  # noqa: F401
    # torch.optim imports torch._dynamo on the first optimizer a process builds (~2.5 s):
    # pay it once here, not in every worker that trains a model.
    import torch._dynamo  # noqa: F401

    from autograder.untrusted import worker  # noqa: F401

    if CONTAINER:
        confine.MODE = "container"
    else:
        # Workers orphaned by a killed relay are reparented to us and reaped in _reap, not
        # left as zombies for a host init that may never reap them.
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    confine.prepare()
    try:
        _serve(ctrl)
    finally:
        confine.cleanup()


def _kill(ctrl: socket.socket, pid: int, children: set[int]) -> None:
    """SIGKILL a worker's process group and the worker. In a container also every other
    process but us when no other worker lives: what a student's code left running
    (setsid, double fork, a fork bomb) was reparented to us, PID 1, and must not outlive
    its worker. Passes repeat until nothing is left (a fork bomb forks between them)."""
    for target in (os.killpg, os.kill):
        try:
            target(pid, signal.SIGKILL)
        except OSError:
            pass
    if not CONTAINER:
        confine.kill_cgroup(pid)  # whatever of it is left, however detached
    if not CONTAINER or children - {pid}:
        return
    me = os.getpid()
    deadline = time.monotonic() + 2.0  # the grader waits 3 s for our answer, then kills the container
    while time.monotonic() < deadline:
        others = [int(n) for n in os.listdir("/proc") if n.isdigit() and int(n) != me]
        if not others:
            break
        for other in others:
            try:
                os.kill(other, signal.SIGKILL)
            except OSError:
                pass
        _reap(ctrl, children)
        time.sleep(0.005)
    _reap(ctrl, children)


def _reap(ctrl: socket.socket, children: set[int]) -> None:
    """Collect exited children; as PID 1 (container) orphans too. Reports our workers only."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in children:
            children.discard(pid)
            _send(ctrl, {"exited": pid, "code": os.waitstatus_to_exitcode(status)})
            if not CONTAINER:
                confine.release_cgroups(pid)


def _serve(ctrl: socket.socket) -> None:
    _send(ctrl, {"ready": True, "pid": os.getpid()})
    children: set[int] = set()
    buf = b""
    while True:
        ready, _, _ = select.select([ctrl], [], [], 0.05)
        _reap(ctrl, children)
        confine.release_cgroups()  # those that were still emptying (nothing to do mostly)
        if not ready:
            continue
        data, fds, _, _ = socket.recv_fds(ctrl, 65536, 4)
        if not data:  # the grader hung up: end every worker, then clean up after them
            for pid in children:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass
                if not CONTAINER:
                    confine.kill_cgroup(pid)
            for pid in children:
                try:
                    os.waitpid(pid, 0)  # SIGKILLed: prompt
                except ChildProcessError:
                    pass
                if not CONTAINER:
                    confine.release_cgroups(pid)  # the rest in confine.cleanup()
            return
        msgs, buf = protocol.unpack_messages(buf + data)
        for msg in msgs:
            if msg.get("op") == "spawn" and len(fds) == 2:
                try:
                    pid = _spawn(msg["config"], fds)
                except OSError as e:  # EAGAIN: the pids limit, still full of a student's processes
                    if not CONTAINER:
                        raise
                    _send(ctrl, {"spawned": 0, "error": str(e)})  # the grader replaces the container
                else:
                    children.add(pid)
                    _send(ctrl, {"spawned": pid})
            elif msg.get("op") == "kill" and isinstance(msg.get("pid"), int) and msg["pid"] > 1:
                _kill(ctrl, msg["pid"], children)
                _send(ctrl, {"killed": msg["pid"]})
            for fd in fds:
                os.close(fd)
            fds = []


if __name__ == "__main__":
    main()
