"""The docker backend: what it sends to Docker (no engine needed), grading through it
(solution, stub, mutants), and container attacks that must not change a grade or reach
the host.

Engine tests are marked ``docker``; they skip only where no Docker engine can be reached
(`.ci/run` starts one). They share one backend (one image; containers per submission).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from autograder import protocol
from autograder.backends import make_backend
from autograder.backends.docker import ZYGOTE_MB, ContainerLimits, DockerBackend, parse_gpus
from autograder.sandbox import SandboxConfig, WorkerFailure, WorkerSession

from conftest import ROOT

ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / "assignment.toml").exists())


# ----------------------------------------------------------------------------- no engine needed

class _Sent(Exception):
    pass


@pytest.fixture
def offline_backend(monkeypatch):
    """A DockerBackend on a client that never reaches a daemon: every request to create a
    container is captured (the JSON body Docker would receive) instead of sent."""
    import docker

    from autograder.backends import docker as docker_backend

    class FakeImage:
        id = "sha256:" + "0" * 64
        tags = ["torch-autograder:cpu"]

    monkeypatch.setattr(docker_backend, "find_image", lambda client, image, variant: (FakeImage(), None))
    client = docker.DockerClient(base_url="unix:///nonexistent/docker.sock", version="1.41")
    sent: list[dict] = []

    def post_json(url, data=None, **kwargs):
        sent.append({"url": url, "body": data})
        raise _Sent()

    monkeypatch.setattr(client.api, "_post_json", post_json)
    monkeypatch.setattr(client.containers, "list", lambda **kw: [])

    def make(**options) -> tuple[DockerBackend, list[dict]]:
        backend = DockerBackend(client=client, spares=0, **options)
        with pytest.raises(_Sent):
            backend._run_container(ContainerLimits(memory_mb=2048, cpus=2, pids=128, tmp_mb=64), "/tmp/ag-docker-x")
        return backend, sent[-1]["body"]

    return make


@pytest.mark.parametrize("gpus,expected", [
    ("all", [{"Driver": "", "Count": -1, "DeviceIDs": [], "Capabilities": [["gpu"]], "Options": {}}]),
    ("2", [{"Driver": "", "Count": 2, "DeviceIDs": [], "Capabilities": [["gpu"]], "Options": {}}]),
    ("device=0,3", [{"Driver": "", "Count": 0, "DeviceIDs": ["0", "3"], "Capabilities": [["gpu"]], "Options": {}}]),
])
def test_gpus_become_the_device_request_sent_to_docker(offline_backend, gpus, expected):
    backend, body = offline_backend(gpus=gpus)
    assert body["HostConfig"]["DeviceRequests"] == expected
    assert backend.cuda and backend.describe()["gpus"] == gpus


def test_no_gpus_no_device_request(offline_backend):
    backend, body = offline_backend()
    assert not body["HostConfig"].get("DeviceRequests")
    assert not backend.cuda


def test_container_is_locked_down(offline_backend):
    """Network, filesystem, privileges and limits as sent in the create request."""
    _, body = offline_backend()
    host = body["HostConfig"]
    assert host["NetworkMode"] == "none"
    assert host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"] and not host.get("CapAdd")
    assert host["SecurityOpt"] == ["no-new-privileges"]
    assert not host.get("Privileged")
    assert host["Memory"] == host["MemorySwap"] == (2048 + ZYGOTE_MB) * 2**20
    assert host["NanoCpus"] == 2 * 10**9 and host["PidsLimit"] == 128
    assert host["Tmpfs"] == {"/tmp": "rw,nosuid,nodev,size=64m,mode=1777"}
    # The control socket's folder, read-only, is the only thing of the host in there.
    assert host["Binds"] == ["/tmp/ag-docker-x:/run/autograder:ro"]
    assert body.get("User") in (None, "")  # the image's own non-root user (checked by find_image)
    assert body["Cmd"][:3] == ["python3", "-m", "autograder.untrusted.zygote"] and "--container" in body["Cmd"]


@pytest.mark.parametrize("spec", ["none", "-1", "gpu", "device="])
def test_bad_gpus_spec_says_what_works(spec):
    with pytest.raises(ValueError, match="all, a count"):
        parse_gpus(spec)


def test_limits_follow_the_sandbox_config():
    cfg = SandboxConfig(memory_mb=3000, nproc=99, threads=2, fsize_mb=128)
    assert ContainerLimits.of(cfg) == ContainerLimits(memory_mb=3000, cpus=2.0, pids=99, tmp_mb=128)


def test_gpus_without_docker_backend_is_refused(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", str(tmp_path / "01_tensors.py"),
                           "--gpus", "all", "--results", str(tmp_path / "r.json"),
                           "--feedback", str(tmp_path / "f.md")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1 and "--backend docker" in proc.stdout


def test_auto_falls_back_to_local_and_says_why(tmp_path):
    env = dict(os.environ, DOCKER_HOST="unix:///nonexistent/docker.sock")
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "check",
                           str(ROOT / "assignments/01_tensors/01_tensors.ipynb"), "--backend", "auto"],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "backend: local, because the docker backend cannot run here" in re.sub(r"\s+", " ", proc.stdout)
    assert "Score: 0 / 30" in proc.stdout


# ----------------------------------------------------------------------------- engine tests

@pytest.fixture(scope="module")
def raw_backend(docker_image):
    """Its own backend without spares: session-level tests choose their own limits."""
    with make_backend("docker", image=docker_image, spares=0) as b:
        yield b


def _grade(docker_grader, path: Path, aid: str = "01_tensors"):
    from autograder.grader import GradeOptions

    return docker_grader.grade(path, aid, GradeOptions(device="cpu", course=ROOT))


@pytest.fixture(scope="module")
def docker_validation(docker_grader, docker_image):
    """01_tensors validated in containers: (checks, results by variant label), in two jobs (this
    process and one grading process on the docker backend). Not its hints in Korean: the tests
    write those on the trusted side, so no backend changes them (test_course judges them)."""
    from autograder.validate import validate_assignment

    graded: dict = {}
    checks = validate_assignment(docker_grader, ROOT, "01_tensors", device="cpu", graded=graded,
                                 backend_options={"image": docker_image}, hints=False)
    return checks, graded


@pytest.mark.docker
@pytest.mark.slow
def test_validate_through_docker(docker_validation, validation):
    """Solution 100, released stub 0, every mutant caught in its own exercise, every
    alternative full marks: in containers, and every variant's every test with the verdict it
    got locally.

    One assignment's variants suffice to show the backend changes no grade (test_course
    validates all of them locally; doing all 90+ again in containers doubles CI time)."""
    from load_grading import verdicts

    checks, graded = docker_validation
    bad = [f"{c.what}: {c.detail}" for c in checks if not c.ok]
    assert not bad, "\n".join(bad)
    _, local = validation("01_tensors")
    assert set(graded) == set(local)
    differ = [f"{label}: {verdicts(local[label])} locally, {verdicts(graded[label])} in docker"
              for label in sorted(local) if verdicts(local[label]) != verdicts(graded[label])]
    assert not differ, "verdicts differ between the local and the docker backend:\n" + "\n".join(differ)


@pytest.mark.docker
@pytest.mark.parametrize("aid", [a for a in ASSIGNMENTS if a != "01_tensors"])
def test_solution_and_stub_through_docker(docker_grader, aid):
    """Every other assignment: its solution scores full marks and its stub zero in containers."""
    sol = _grade(docker_grader, ROOT / "solutions" / aid / f"{aid}.ipynb", aid)
    assert sol.status == "graded" and sol.score == sol.possible, [t.message[:300] for t in sol.tests if not t.passed]
    stub = _grade(docker_grader, ROOT / "assignments" / aid / f"{aid}.ipynb", aid)
    assert stub.status == "graded" and stub.score == 0, [t.name for t in stub.tests if t.passed]


@pytest.mark.docker
def test_results_record_the_container_sandbox(docker_validation):
    result = docker_validation[1]["solution"]  # graded in a container by the validation
    assert result.score == 100, [t.message for t in result.tests if not t.passed]
    sb = result.sandbox
    assert sb["backend"] == "docker" and sb["image"].startswith("torch-autograder:")
    for key in ("container", "uid_drop", "network_off", "read_only_root", "private_tmp", "hidden_paths",
                "rlimits", "no_new_privs", "caps_dropped", "oom_first", "pid_ns"):
        assert sb[key] is True, key
    assert result.timings["worker_restarts"] == 0


# ----------------------------------------------------------------------------- attacks

ATTACK = '''
import json, os, signal, socket, time
_report = {"uid": os.getuid()}
_net = {}
for _host, _port in [("1.1.1.1", 53), ("172.17.0.1", @PORT@), ("127.0.0.1", @PORT@), ("10.0.2.2", 80)]:
    try:
        socket.create_connection((_host, _port), timeout=2).close()
        _net[f"{_host}:{_port}"] = "CONNECTED"
    except OSError as e:
        _net[f"{_host}:{_port}"] = type(e).__name__
try:
    socket.getaddrinfo("pypi.org", 443)
    _net["dns"] = "RESOLVED"
except OSError as e:
    _net["dns"] = type(e).__name__
_report["net"] = _net
_found = []
for _d, _dirs, _files in os.walk("/"):
    if _d.startswith(("/proc", "/sys", "/dev")):
        _dirs[:] = []
        continue
    _found += [os.path.join(_d, f) for f in _files if "test_hidden" in f or f == "assignment.toml"]
    _found += [os.path.join(_d, x) for x in _dirs if x == "solutions"]
_report["found"] = _found
try:
    open(@HIDDEN@).read()
    _report["hidden_read"] = "READ"
except OSError as e:
    _report["hidden_read"] = type(e).__name__
_writes = {}
for _p in ["/attack", "/etc/attack", "/opt/autograder/attack", "/run/autograder/attack", "/home/attack",
           @HOST_FILE@, "/tmp/attack-marker", "/dev/shm/attack"]:
    try:
        with open(_p, "w") as f:
            f.write("x")
        _writes[_p] = "WROTE"
    except OSError as e:
        _writes[_p] = type(e).__name__
_report["writes"] = _writes
_report["marker_from_before"] = os.path.exists("/tmp/attack-marker-old")
os.rename("/tmp/attack-marker", "/tmp/attack-marker-old") if os.path.exists("/tmp/attack-marker") else None
_kills = {}
for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL):
    try:
        os.kill(1, _sig)
        _kills[_sig.name] = "sent"
    except OSError as e:
        _kills[_sig.name] = type(e).__name__
_report["kill_pid1"] = _kills
time.sleep(0.5)
with open("/proc/1/stat") as f:
    _report["pid1_state"] = f.read().split()[2]
for _what, _how in [("environ", lambda: open("/proc/1/environ").read()), ("fds", lambda: os.listdir("/proc/1/fd"))]:
    try:
        _how()
        _report[f"pid1_{_what}"] = "READ"
    except OSError as e:
        _report[f"pid1_{_what}"] = type(e).__name__
print("ATTACK-REPORT " + json.dumps(_report))
'''


def _report(result) -> dict:
    m = re.search(r"ATTACK-REPORT (\{.*\})", result.output)
    assert m, f"the attack did not report; output:\n{result.output[-2000:]}"
    return json.loads(m.group(1))


@pytest.mark.docker
def test_attacks_at_load_time_change_nothing(docker_grader, make_submission):
    """Network, hidden tests, writes outside the tmpfs, killing PID 1: none gets anywhere,
    and the solution the attack rides on keeps its full grade."""
    listener = socket.create_server(("0.0.0.0", 0))
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    host_file = ROOT / "out" / "docker-attack-was-here"
    hidden = ROOT / "solutions/01_tensors/tests/hidden/test_hidden.py"
    accepted = []

    def watch():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not stop.is_set():
            try:
                accepted.append(listener.accept())
            except OSError:
                pass

    stop = threading.Event()
    t = threading.Thread(target=watch, daemon=True)
    t.start()
    try:
        attack = ATTACK.replace("@PORT@", str(port)).replace("@HIDDEN@", repr(str(hidden)))
        sub = make_submission(attack.replace("@HOST_FILE@", repr(str(host_file))))
        result = _grade(docker_grader, sub)
        again = _grade(docker_grader, sub)  # the next submission's container is a clean one
    finally:
        stop.set()
        t.join()
        listener.close()
    r = _report(result)
    assert result.score == 100 and again.score == 100
    assert result.timings["worker_restarts"] == 0  # the zygote was never lost
    assert r["uid"] != 0
    assert all(v not in ("CONNECTED", "RESOLVED") for v in r["net"].values()), r["net"]
    assert not accepted, "a container reached a port on the host"
    assert r["found"] == [] and r["hidden_read"] in ("FileNotFoundError", "PermissionError")
    assert {p: v for p, v in r["writes"].items() if v == "WROTE"} == {"/tmp/attack-marker": "WROTE",
                                                                       "/dev/shm/attack": "WROTE"}
    assert not host_file.exists()
    assert r["pid1_state"] in ("S", "R")  # the zygote lives: signals from inside do not reach PID 1
    assert r["pid1_environ"] == "PermissionError" and r["pid1_fds"] == "PermissionError"
    assert _report(again)["marker_from_before"] is False


@pytest.mark.docker
def test_memory_limit_kills_the_workers_not_the_zygote(raw_backend):
    """Children that outgrow the container's memory limit are OOM-killed first (their OOM
    score is raised); the zygote, and so the container, stays for the next worker."""
    source = '''
import os, time
def bomb():
    kids = []
    for _ in range(4):
        pid = os.fork()
        if pid == 0:
            block = b"x" * (1024 * 2**20)
            time.sleep(5)  # held together, however the children are scheduled: 4 GiB > 3 GiB
            os._exit(0)
        kids.append(pid)
    return [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in kids]
def alive():
    return 1
'''
    zygote = raw_backend.acquire()
    cells = [{"label": "cell 1", "source": source, "filename": "<cell 1>", "first_line": 1}]
    # RLIMIT_AS 2 GiB per process (each child stays under it), 3 GiB for the container.
    session = WorkerSession(zygote, SandboxConfig(memory_mb=2048), cells, import_budget=60)
    try:
        codes = _call(session, "bomb", timeout=120)
        assert -9 in codes, codes  # at least one child met the container's limit
        assert _call(session, "alive") == 1
        assert session.restarts == 0 and zygote.containers_started == 1
    finally:
        session.close()
        raw_backend.release(zygote)


def _call(session: WorkerSession, name: str, timeout: float = 30.0):
    reply, bufs = session.request({"op": "call", "name": name, "args": protocol.encode([], [])}, [], timeout, name)
    assert reply.get("ok"), reply
    return protocol.decode(reply["value"], bufs)


@pytest.mark.docker
def test_a_timeout_kills_through_the_zygote_and_sweeps_leftovers(raw_backend):
    """A detached process (setsid + double fork) does not outlive its worker's kill."""
    source = '''
import os, time
def detach_and_hang():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            with open("/tmp/orphan.pid", "w") as f:
                f.write(str(os.getpid()))
            while True:
                time.sleep(1)
        os._exit(0)
    while True:
        time.sleep(1)
def orphan_alive():
    pid = int(open("/tmp/orphan.pid").read())
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
'''
    zygote = raw_backend.acquire()
    cells = [{"label": "cell 1", "source": source, "filename": "<cell 1>", "first_line": 1}]
    session = WorkerSession(zygote, SandboxConfig(), cells, import_budget=60)
    try:
        with pytest.raises(WorkerFailure) as e:
            _call(session, "detach_and_hang", timeout=2)
        assert e.value.kind == "timeout"
        assert _call(session, "orphan_alive") is False
        assert session.restarts == 1 and zygote.containers_started == 1
    finally:
        session.close()
        raw_backend.release(zygote)


@pytest.mark.docker
def test_cli_grade_with_docker_backend(docker_image, tmp_path, make_submission):
    sub = make_submission()
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", str(sub), "--backend", "docker",
                           "--image", docker_image, "--results", str(tmp_path / "results.json"), "--feedback", str(tmp_path / "f.md")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["score"] == 100 and data["extra_data"]["sandbox"]["backend"] == "docker"


@pytest.mark.docker
def test_no_container_is_left_behind(backend):
    """After grading, only the prestarted spare of this backend remains."""
    time.sleep(1.0)  # removals run in the background
    ours = backend.client.containers.list(all=True, filters={"label": "org.torch-autograder.role=worker"})
    assert len(ours) <= backend.spares, [c.name for c in ours]
