"""A real ``autograder serve`` on 127.0.0.1 for the service tests: a course copy, a roster,
tokens from the real CLI, the server as a subprocess, HTTP with httpx."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
AG = [sys.executable, "-m", "autograder.cli"]
STUDENTS = ["alice", "bob", "carol", "dave", "eve", "frank", "grace", "mallory"]


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([*AG, *args], capture_output=True, text=True, env=env, check=check, timeout=120)


def make_course(tmp: Path, service: str = "", visibility: str = "after_published", due: str | None = None) -> Path:
    """A course holding 01_tensors (with this [service] table and due date) and 99_closed (closed).
    Its known mistakes are diagnosed: the fingerprints are tied to the tests, not to assignment.toml."""
    course = tmp / "course"
    for part in ("solutions", "assignments"):
        shutil.copytree(ROOT / part / "01_tensors", course / part / "01_tensors",
                        ignore=shutil.ignore_patterns("mutants", "__pycache__", ".hypothesis"))
    toml = course / "solutions/01_tensors/assignment.toml"
    text = toml.read_text()
    text = "\n".join(line for line in text.splitlines() if not line.startswith("hidden_visibility"))
    text = text.replace("[assignment]\n", f'[assignment]\nhidden_visibility = "{visibility}"\n', 1)
    if due is not None:
        text = "\n".join(f'due = "{due}"' if line.startswith("due = ") else line for line in text.splitlines())
    text = text.split("\n[service]")[0] + "\n\n[service]\n" + service + "\n"
    toml.write_text(text)
    closed = course / "solutions/99_closed"
    closed.mkdir(parents=True)
    (closed / "assignment.toml").write_text(
        '[assignment]\nid = "99_closed"\ntitle = "Closed"\ndue = "2020-01-01T00:00:00+00:00"\n\n'
        '[service]\ncloses = "2020-01-02T00:00:00+00:00"\ngraded_per_window = 1\n')
    return course


def make_roster(tmp: Path, db: Path, students=STUDENTS) -> tuple[dict[str, str], str]:
    roster = tmp / "roster.csv"
    roster.write_text("student_id,name,email\n" + "".join(f"{s},{s.title()} <i>x</i>,{s}@example.com\n"
                                                           for s in students))
    out = tmp / "tokens.csv"
    cli("roster", "import", str(roster), "--db", str(db), "--tokens-out", str(out))
    with out.open(newline="") as f:
        tokens = {r["student_id"]: r["token"] for r in csv.DictReader(f)}
    staff = cli("roster", "add-staff", "prof", "--db", str(db)).stdout.strip().splitlines()[-1]
    return tokens, staff


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``warmup``: whether its grading processes grade the reference solution first. Off by
    default (``serve --no-warmup``): a test that does not assert the reference check saves a
    whole grading of the suite per grading process (~10 s on a loaded machine)."""

    def __init__(self, course: Path, db: Path, data: Path, jobs: int = 1, log: Path | None = None,
                 extra: tuple[str, ...] = (), warmup: bool = False):
        self.course, self.db, self.data, self.jobs = course, db, data, jobs
        self.extra = extra if warmup else ("--no-warmup", *extra)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log or db.with_suffix(".log")
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "Server":
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [*AG, "--course", str(self.course), "serve", "--db", str(self.db), "--data", str(self.data),
             "--port", str(self.port), "--jobs", str(self.jobs), *self.extra], stdout=out, stderr=out, env=env)
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}):\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the server did not answer /healthz in time")

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> float:
        """Send ``sig``; the seconds the server took to exit."""
        assert self.proc is not None
        t0 = time.monotonic()
        self.proc.send_signal(sig)
        self.proc.wait(timeout)
        return time.monotonic() - t0


    def ensure_stopped(self) -> None:
        """Teardown after a failed test: never leave a server (and its graders) running."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)


def submit(http: httpx.Client, assignment: str, name: str, data: bytes) -> httpx.Response:
    return http.post("/api/v1/submissions", data={"assignment": assignment}, files={"file": (name, data)})


def wait_done(http: httpx.Client, sub_id: str, timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            sub = http.get(f"/api/v1/submissions/{sub_id}").json()
        except httpx.TransportError:  # a loaded machine: a keep-alive connection dropped; retry
            time.sleep(1)
            continue
        if sub["status"] in ("graded", "ungradable", "not_graded"):
            return sub
        time.sleep(0.5)
    raise AssertionError(f"{sub_id} not graded in {timeout} s: {sub}")


def wait_status(http: httpx.Client, sub_id: str, status: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sub = http.get(f"/api/v1/submissions/{sub_id}").json()
        if sub["status"] == status:
            return sub
        time.sleep(0.2)
    raise AssertionError(f"{sub_id} never reached {status}: {sub}")


def signal_name(sig: int) -> str:
    return signal.Signals(sig).name
