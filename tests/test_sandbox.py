"""The worker sandbox, driven directly: restarts, crashes, output caps, confinement."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest
import torch

from autograder import protocol
from autograder.sandbox import SandboxConfig, WorkerFailure, WorkerSession

from conftest import IS_ROOT, ROOT

needs_root = pytest.mark.skipif(not IS_ROOT, reason="uid drop, mount and network namespaces need root "
                                                    "(CI runs as root)")


def session(grader, source: str, **cfg) -> WorkerSession:
    cells = [{"label": "cell 1", "source": source, "filename": "<cell 1>", "first_line": 1}]
    return WorkerSession(grader.zygote, SandboxConfig(hide=(str(ROOT / "solutions"),), **cfg), cells,
                         import_budget=20)


def call(s: WorkerSession, name: str, *args, timeout: float = 10.0):
    bufs: list[bytes] = []
    header = {"op": "call", "name": name, "args": protocol.encode(list(args), bufs)}
    reply, rbufs = s.request(header, bufs, timeout, name)
    return reply, (protocol.decode(reply["value"], rbufs) if reply.get("ok") else None)


def test_call_timeout_then_restart(grader):
    s = session(grader, "def spin():\n    while True: pass\ndef ok(x):\n    return x + 1\n")
    try:
        t0 = time.monotonic()
        with pytest.raises(WorkerFailure) as e:
            call(s, "spin", timeout=0.5)
        assert e.value.kind == "timeout" and time.monotonic() - t0 < 5
        reply, value = call(s, "ok", torch.ones(2))
        assert torch.equal(value, torch.full((2,), 2.0))
        assert s.restarts == 1
    finally:
        s.close()


@pytest.mark.parametrize("body,code", [("os._exit(7)", 7), ("__import__('ctypes').string_at(0)", -11)])
def test_crash_reports_exit_status(grader, body, code):
    s = session(grader, f"import os\ndef boom():\n    {body}\n")
    try:
        with pytest.raises(WorkerFailure) as e:
            call(s, "boom")
        assert e.value.kind == "crash" and e.value.exit_code == code
    finally:
        s.close()


def test_sys_exit_inside_a_call_is_an_exception_not_a_crash(grader):
    s = session(grader, "import sys\ndef leave():\n    sys.exit(0)\n")
    try:
        reply, _ = call(s, "leave")
        assert not reply["ok"] and reply["error"]["type"] == "SystemExit"
    finally:
        s.close()


def test_huge_output_is_drained_and_capped(grader):
    s = session(grader, "import sys\ndef chatty():\n    sys.stdout.write('x' * 100_000_000)\n    return 1\n",
                output_cap=10_000)
    try:
        t0 = time.monotonic()
        reply, value = call(s, "chatty", timeout=60)
        assert value == 1
        text = s.output.take()
        assert len(text) < 11_000 and "99990000 more bytes" in text
        assert time.monotonic() - t0 < 30
    finally:
        s.close()


def test_cell_errors_are_reported_and_loading_goes_on(grader):
    cells = [{"label": "cell 1", "source": "def a():\n    return 1\n", "filename": "<cell 1>", "first_line": 1},
             {"label": "cell 2", "source": "raise SystemExit(3)\n", "filename": "<cell 2>", "first_line": 1},
             {"label": "cell 3", "source": "def (:\n", "filename": "<cell 3>", "first_line": 1},
             {"label": "cell 4", "source": "def b():\n    return 2\n", "filename": "<cell 4>", "first_line": 1}]
    s = WorkerSession(grader.zygote, SandboxConfig(), cells)
    try:
        report = s.start()
        assert [c["ok"] for c in report.cells] == [True, False, False, True]
        assert report.cells[1]["error"]["type"] == "SystemExit"
        assert report.cells[2]["error"]["type"] == "SyntaxError" and "<cell 3>" in report.cells[2]["error"]["traceback"]
        assert {"a", "b"} <= set(report.names)
    finally:
        s.close()


@needs_root
def test_worker_runs_unprivileged_and_cannot_read_solutions(grader):
    probe = (
        "import os\n"
        "def who():\n"
        "    return os.getuid(), os.getcwd()\n"
        "def read(p):\n"
        "    try:\n"
        "        return open(p).read()[:20]\n"
        "    except OSError as e:\n"
        "        return type(e).__name__\n"
        "def listdir(p):\n"
        "    try:\n"
        "        return os.listdir(p)\n"
        "    except OSError as e:\n"
        "        return type(e).__name__\n")
    s = session(grader, probe)
    try:
        report = s.start()
        assert report.sandbox["uid_drop"] and report.sandbox["network_off"], report.sandbox
        uid, cwd = call(s, "who")[1]
        assert uid != 0 and cwd.startswith("/tmp/ag-work-")
        secret = ROOT / "solutions" / "01_tensors" / "01_tensors.ipynb"
        assert secret.exists()
        assert call(s, "read", str(secret))[1] in ("FileNotFoundError", "PermissionError")
        assert call(s, "listdir", str(ROOT / "solutions"))[1] in ("FileNotFoundError", "PermissionError")
        # Its root holds system folders and Python only: no course, no homes.
        assert report.sandbox["own_root"]
        assert call(s, "read", str(ROOT / "README.md"))[1] in ("FileNotFoundError", "PermissionError")
    finally:
        s.close()


@needs_root
def test_worker_has_no_network(grader):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    got = []
    threading.Thread(target=lambda: got.append(_accept(listener)), daemon=True).start()
    src = ("import socket\ndef connect(port):\n    try:\n"
           "        socket.create_connection(('127.0.0.1', port), timeout=2).sendall(b'secret')\n"
           "        return 'connected'\n    except OSError as e:\n        return type(e).__name__\n")
    s = session(grader, src)
    try:
        assert call(s, "connect", port)[1] != "connected"
    finally:
        s.close()
    time.sleep(0.6)
    assert got == [None]


def _accept(listener):
    try:
        conn, _ = listener.accept()
        return conn.recv(100)
    except OSError:
        return None


@needs_root
def test_private_tmp_does_not_leak_to_the_host_or_next_worker(grader):
    marker = f"/tmp/poison-{os.getpid()}"
    src = (f"def write():\n    open({marker!r}, 'w').write('x')\n    return 1\n"
           f"import os\ndef exists():\n    return os.path.exists({marker!r})\n")
    s = session(grader, src)
    try:
        assert call(s, "write")[1] == 1
        assert not os.path.exists(marker)
        s.worker.kill()
        assert call(s, "exists")[1] is False
    finally:
        s.close()


def test_memory_bomb_is_contained(grader):
    s = session(grader, "def bomb():\n    return bytearray(8 * 2**30)\ndef ok():\n    return 1\n", memory_mb=2048)
    try:
        reply, _ = call(s, "bomb")
        assert not reply["ok"] and reply["error"]["type"] == "MemoryError"
        assert call(s, "ok")[1] == 1
    finally:
        s.close()


SYSCALLS = """
import ctypes, os, subprocess, threading
libc = ctypes.CDLL(None, use_errno=True)
def denied():
    out = {}
    for name, call in (("add_key", lambda: libc.syscall(248, b"user", b"k", b"v", 1, -4)),
                       ("unshare", lambda: libc.unshare(0x10000000)),
                       ("mount", lambda: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None))):
        out[name] = (call(), ctypes.get_errno())
    return out
def allowed():
    t = threading.Thread(target=lambda: None)
    t.start()
    t.join()
    pid = os.fork()
    if pid == 0:
        os._exit(7)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), subprocess.run(["true"]).returncode
"""


@needs_root
@pytest.mark.skipif(os.uname().machine != "x86_64", reason="the probe uses x86_64 system call numbers")
def test_seccomp_refuses_keyrings_namespaces_and_mounts_not_threads_or_forks(grader):
    """Docker's default seccomp profile, roughly, for the local backend: a kernel key would
    outlive the worker (a channel to the next submission), a user namespace gives fake root."""
    s = session(grader, SYSCALLS)
    try:
        report = s.start()
        assert report.sandbox["seccomp"] and report.sandbox["ipc_ns"], report.sandbox
        assert call(s, "denied")[1] == {"add_key": (-1, 1), "unshare": (-1, 1), "mount": (-1, 1)}
        assert call(s, "allowed")[1] == (7, 0)
    finally:
        s.close()


def test_lazy_imports_work_wherever_python_lives(grader):
    # torch imports sympy only on first use (autograd with some ops): the worker's root must
    # carry site-packages and the standard library, wherever the venv or Python is installed.
    s = session(grader, "def f():\n    import sympy, mpmath, email.mime.text\n    return 1\n")
    try:
        reply, value = call(s, "f", timeout=60)
        assert reply["ok"] and value == 1, reply
    finally:
        s.close()


@needs_root
def test_processes_started_by_the_student_die_with_the_worker(grader):
    # A daemon that double-forks into its own session would outlive a process-group kill;
    # the worker is PID 1 of its own PID namespace, so the kernel ends it with the worker.
    src = ("import os, time\n"
           "def spawn():\n"
           "    if os.fork() == 0:\n"
           "        os.setsid()\n"
           "        if os.fork() == 0:\n"
           "            while True:\n"
           "                time.sleep(0.1)\n"
           "        os._exit(0)\n"
           "    return os.getpid()\n"
           "def ps():\n"
           "    return sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n")
    baseline = set(_nobody_processes())  # whatever else runs as nobody on this host
    s = session(grader, src)
    try:
        assert s.start().sandbox.get("pid_ns") and s.worker.sandbox.get("private_proc")
        assert call(s, "spawn")[1] == 1  # PID 1 of its namespace
        time.sleep(0.3)
        pids = call(s, "ps")[1]
        assert len(pids) >= 2 and max(pids) < 100  # only its own processes are visible
        assert set(_nobody_processes()) - baseline  # the worker and its daemon
        s.worker.kill()
        deadline = time.monotonic() + 5
        while set(_nobody_processes()) - baseline and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not set(_nobody_processes()) - baseline
    finally:
        s.close()


def _nobody_processes() -> list[int]:
    """PIDs of processes owned by uid 65534 (the sandbox's), as the host sees them."""
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if os.stat(f"/proc/{p}").st_uid == 65534:
                    out.append(int(p))
            except OSError:
                pass
    return out


def test_import_budget_stops_a_notebook_that_never_finishes_loading(grader):
    cells = [{"label": "cell 1", "source": "while True:\n    pass\n", "filename": "<cell 1>", "first_line": 1}]
    s = WorkerSession(grader.zygote, SandboxConfig(), cells, import_budget=1.0)
    try:
        t0 = time.monotonic()
        with pytest.raises(WorkerFailure) as e:
            s.start()
        assert e.value.kind == "timeout" and time.monotonic() - t0 < 10
    finally:
        s.close()
