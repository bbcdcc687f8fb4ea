"""`batch --executor ray` on a real two-node Ray cluster started on 127.0.0.1 by the test."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import ray  # the `ray` extra: `make test` installs it
from rich.console import Console

from autograder.batch import BatchOptions, run_batch
from batch_fixtures import BAD_ADD, GOOD, NO_SCALE, descendants, make_class, make_course


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


@pytest.fixture
def cluster():
    """Head (1 CPU, resource "head") and one worker node (1 CPU, resource "worker"), then torn down."""
    ray_bin = str(Path(sys.executable).with_name("ray"))
    temp = tempfile.mkdtemp(prefix="agray")  # short: Ray's unix socket paths must fit 107 bytes
    gcs, agent_head, agent_worker, mport_h, mport_w = _free_ports(5)
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    common = ["--num-cpus=1", "--block", "--disable-usage-stats"]
    head = subprocess.Popen([ray_bin, "start", "--head", "--node-ip-address=127.0.0.1", f"--port={gcs}",
                             "--include-dashboard=false",
                             f"--temp-dir={temp}", '--resources={"head": 1}',
                             f"--dashboard-agent-listen-port={agent_head}", f"--metrics-export-port={mport_h}",
                             *common], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = [head]
    address = f"127.0.0.1:{gcs}"
    try:
        deadline = time.monotonic() + 90
        while True:  # the worker node can join once the head's GCS answers
            probe = subprocess.run([ray_bin, "status", f"--address={address}"], env=env,
                                   capture_output=True, text=True)
            if probe.returncode == 0:
                break
            assert head.poll() is None and time.monotonic() < deadline, "the Ray head did not start"
            time.sleep(1)
        worker = subprocess.Popen([ray_bin, "start", f"--address={address}", "--node-ip-address=127.0.0.1",
                                   '--resources={"worker": 1}', f"--dashboard-agent-listen-port={agent_worker}",
                                   f"--metrics-export-port={mport_w}", *common],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(worker)
        os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
        ray.init(address=address, log_to_driver=False)
        while len([n for n in ray.nodes() if n["Alive"]]) < 2:
            assert worker.poll() is None and time.monotonic() < deadline, "the Ray worker node did not join"
            time.sleep(0.5)
        yield address
    finally:
        if ray.is_initialized():
            ray.shutdown()
        started = set()
        for p in procs:
            started |= descendants(p.pid)
        for p in reversed(procs):  # `ray start --block` stops its node's processes on SIGTERM
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        time.sleep(1)
        for pid in started:  # anything of ours that did not stop: by pid, never by name
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        shutil.rmtree(temp, ignore_errors=True)


@pytest.mark.slow
def test_two_node_ray_batch_equals_local(cluster, tmp_path):
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    expected = make_class(subs, {"ann": GOOD, "ben": NO_SCALE, "cat": BAD_ADD, "dan": GOOD})
    quiet = Console(file=open(os.devnull, "w"))
    base = dict(submissions=subs, assignment="tiny", course=course, device="cpu")
    on_ray = run_batch(BatchOptions(**base, executor="ray", address=cluster, gradebook=tmp_path / "ray.db",
                                    csv=tmp_path / "ray.csv"), quiet)
    assert on_ray.faults == {} and on_ray.graded == 4
    # SPREAD scheduling on a 1-CPU head and a 1-CPU worker: both nodes grade.
    assert len(on_ray.workers) == 2, on_ray.workers
    ids = {n["NodeID"][:12] for n in ray.nodes() if n["Alive"]}
    assert set(on_ray.workers) == ids
    local = run_batch(BatchOptions(**base, executor="local", jobs=1, gradebook=tmp_path / "local.db",
                                   csv=tmp_path / "local.csv"), quiet)

    def grades(summary):
        return {e.student: (e.raw, [(t.name, t.status, t.score) for t in e.result.tests])
                for e in summary.entries}

    assert grades(on_ray) == grades(local)
    assert {e.student: e.raw for e in on_ray.entries} == expected
    assert (tmp_path / "ray.csv").read_text() == (tmp_path / "local.csv").read_text()


@pytest.fixture
def one_cpu_ray(monkeypatch):
    """A one-machine Ray with one CPU (one task at a time), torn down after the test."""
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    temp = tempfile.mkdtemp(prefix="agray")  # short: Ray's unix socket paths must fit 107 bytes
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False, _temp_dir=temp)
    try:
        yield
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)


@pytest.mark.slow
def test_a_stuck_ray_task_is_cancelled_and_marked_not_graded(one_cpu_ray, tmp_path):
    """Every wait of a batch is bounded on Ray too: a task with no answer within its bound is
    cancelled (its worker process killed), its submission ends not graded with the reason,
    and the cluster grades the next submission."""
    from autograder.executors import GradeSpec, Job, RayExecutor

    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    make_class(subs, {"a_warm": GOOD, "c_next": GOOD})
    # Within its own import budget (20 s), so unbounded it would be graded 10/10, just late.
    (subs / "b_stuck.py").write_text("import time\ntime.sleep(18)\n" + GOOD)
    spec = GradeSpec(assignment="tiny", course=str(course), device="cpu")
    outcomes = []

    def run(student: str, **bounds) -> None:
        RayExecutor(spec, "suite-stuck", **bounds).run([Job(student, subs / f"{student}.py")], outcomes.append)

    run("a_warm", submission_timeout_s=600)  # the worker builds its Grader: within the warm-up allowance
    run("b_stuck", submission_timeout_s=6, warmup_s=0)
    run("c_next", submission_timeout_s=600)  # on a fresh Ray worker, since the stuck one was killed
    by = {o.job.student: o for o in outcomes}
    assert by["a_warm"].result and by["a_warm"].result["status"] == "graded", by["a_warm"]
    stuck = by["b_stuck"]
    assert stuck.result is None and not stuck.fatal, stuck
    assert stuck.fault.startswith("not graded: the Ray task grading b_stuck.py did not finish within 6 s"), stuck
    assert "Run the batch again" in stuck.fault
    assert by["c_next"].result and sum(t["score"] for t in by["c_next"].result["tests"]) == 10.0, by["c_next"]
