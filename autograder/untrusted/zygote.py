"""The zygote: imports torch once, then forks a fresh, confined worker per request.

Importing torch costs seconds; forking a process that already has it costs
milliseconds. The zygote itself never runs student code, holds no tests or answers, and
never touches CUDA (a forked child could not use it), so every child starts clean.

Control channel (a Unix socket from the grader): the grader sends a JSON request with
two fds attached (the worker's socket and the write end of its output pipe); the zygote
answers ``{"spawned": pid}`` and later ``{"exited": pid, "code": n}`` for each child.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import sys

from autograder import protocol


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
        from autograder.untrusted import confine, worker

        held = confine.confine(cfg)
        import torch

        torch.set_num_threads(int(cfg.get("threads", 1)))
        sock = socket.socket(fileno=sock_fd)
        protocol.send_frame(sock, {"ready": True, "sandbox": held, "pid": os.getpid()})
        worker.serve(sock)
    except BaseException:  # anything here is a sandbox setup failure: say it on stderr
        import traceback

        traceback.print_exc()
        code = 70
    finally:
        os._exit(code)


def main() -> None:
    ctrl = socket.socket(fileno=int(sys.argv[1]))
    # Warm imports: this is the whole point of the zygote.
    import numpy  # noqa: F401
    import torch  # noqa: F401
    # torch.optim imports torch._dynamo on the first optimizer a process builds (~2.5 s):
    # pay it once here, not in every worker that trains a model.
    import torch._dynamo  # noqa: F401

    from autograder.untrusted import confine, worker  # noqa: F401

    confine.prepare()
    try:
        _serve(ctrl)
    finally:
        confine.cleanup()


def _serve(ctrl: socket.socket) -> None:
    _send(ctrl, {"ready": True, "pid": os.getpid()})
    children: set[int] = set()
    buf = b""
    while True:
        ready, _, _ = select.select([ctrl], [], [], 0.05)
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            children.discard(pid)
            _send(ctrl, {"exited": pid, "code": os.waitstatus_to_exitcode(status)})
        if not ready:
            continue
        data, fds, _, _ = socket.recv_fds(ctrl, 65536, 4)
        if not data:
            for pid in children:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass
            return
        msgs, buf = protocol.unpack_messages(buf + data)
        for msg in msgs:
            if msg.get("op") == "spawn" and len(fds) == 2:
                pid = _spawn(msg["config"], fds)
                children.add(pid)
                _send(ctrl, {"spawned": pid})
            for fd in fds:
                os.close(fd)
            fds = []


if __name__ == "__main__":
    main()
