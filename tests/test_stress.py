"""A batch never hangs: a stuck submission is stopped and marked not graded, and a class
batch finishes on both backends while every core of the machine is busy.

The class is the tiny course of the batch tests (grading takes milliseconds), so what is
measured is the batch machinery under load, not a suite's own speed.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import pytest
from rich.console import Console

from autograder.batch import BatchOptions, run_batch
from batch_fixtures import BAD_ADD, GOOD, NO_SCALE, make_class, make_course

HOSTILE = ("import os\nos.write(1, b'\\x00' * 64 + b'\\x1b]52;c;eA==\\x07\\rScore: 10 / 10 \\xff\\xfe')\n"
           + GOOD.replace("return a * x", "print('[bold]\\x1b[2J'); return a * x"))


@pytest.fixture
def busy_cores():
    """One spinning process per core for the length of the test."""
    spin = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]
    yield len(spin)
    for p in spin:
        p.kill()
        p.wait()


def test_a_stuck_submission_is_stopped_and_the_batch_goes_on(tmp_path):
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    subs.mkdir()
    # Stuck for longer than the batch allows one submission (its own import budget is 20 s).
    (subs / "a_stuck.py").write_text("import time\ntime.sleep(15)\n" + GOOD)
    (subs / "b_good.py").write_text(GOOD)
    opts = BatchOptions(submissions=subs, assignment="tiny", course=course, gradebook=tmp_path / "g.db",
                        feedback_dir=tmp_path / "fb", device="cpu", submission_timeout_s=4)
    t0 = time.perf_counter()
    summary = run_batch(opts, Console(file=io.StringIO(), width=200))
    seconds = time.perf_counter() - t0
    assert set(summary.faults) == {"a_stuck"}
    assert "not graded" in summary.faults["a_stuck"] and "within 4 s" in summary.faults["a_stuck"]
    assert {e.student: e.raw for e in summary.entries} == {"b_good": 10.0}
    assert (tmp_path / "fb" / "b_good" / "feedback.md").exists()
    print(f"\nstuck submission stopped, batch done in {seconds:.1f} s")


@pytest.mark.parametrize("backend", ["local", "docker"])
def test_a_class_batch_finishes_with_every_core_busy(request, tmp_path, busy_cores, backend):
    if backend == "docker":
        request.getfixturevalue("docker_image")  # skips with the reason where no engine can run
    course = make_course(tmp_path / "course")
    expected = make_class(tmp_path / "subs", {"ann": GOOD, "ben": NO_SCALE, "cat": BAD_ADD})
    (tmp_path / "subs" / "dan.py").write_text(HOSTILE)
    expected["dan"] = 10.0
    opts = BatchOptions(submissions=tmp_path / "subs", assignment="tiny", course=course, jobs=2, backend=backend,
                        gradebook=tmp_path / "g.db", feedback_dir=tmp_path / "fb", csv=tmp_path / "g.csv",
                        device="cpu")
    t0 = time.perf_counter()
    summary = run_batch(opts, Console(file=io.StringIO(), width=200))
    seconds = time.perf_counter() - t0
    assert not summary.faults and not summary.export_faults, (summary.faults, summary.export_faults)
    assert {e.student: e.raw for e in summary.entries} == expected
    feedback = (tmp_path / "fb" / "dan" / "feedback.md").read_bytes().decode("utf-8")
    assert "\x1b" not in feedback and "\x00" not in feedback and "\r" not in feedback
    print(f"\n{backend}: {len(expected)} submissions with {busy_cores} busy cores in {seconds:.1f} s")
