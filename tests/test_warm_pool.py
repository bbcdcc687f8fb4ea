"""``executors.WarmSlot``, the local grading core of the batch and the service: warm grading
processes keyed by assignment, the least recently used ended when a slot holds too many, a
process replaced after its assignment's reload, and the reference's warm-up checked once
per process (or skipped, ``GradeSpec.warmup``). Real grading processes over two tiny assignments."""

from __future__ import annotations

import dataclasses
import shutil
import time

import pytest

from autograder.executors import GradeSpec, Generations, Job, WarmSlot
from batch_fixtures import GOOD, NO_SCALE, alive, descendants, make_course

pytestmark = pytest.mark.slow


def _second_assignment(course, aid: str, solution: str) -> None:
    """A copy of tiny named ``aid``, whose reference notebook holds ``solution``."""
    import nbformat

    sol = course / "solutions" / aid
    shutil.copytree(course / "solutions" / "tiny", sol)
    (sol / "tiny.ipynb").unlink()
    toml = sol / "assignment.toml"
    toml.write_text(toml.read_text().replace('id = "tiny"', f'id = "{aid}"'))
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(solution)]), sol / f"{aid}.ipynb")


def _gone(pids: set[int], timeout: float = 10) -> list[int]:
    deadline = time.monotonic() + timeout
    while [p for p in pids if alive(p)] and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if alive(p)]


def test_a_slot_keeps_its_processes_per_assignment_evicts_and_reloads(tmp_path):
    course = make_course(tmp_path / "course")
    _second_assignment(course, "broken", NO_SCALE)  # its reference loses the scale test's points
    sub = tmp_path / "ann.py"
    sub.write_text(GOOD)
    spec = {aid: GradeSpec(aid, str(course), device="cpu") for aid in ("tiny", "broken")}
    warnings: list[str] = []
    generations = Generations()
    slot = WarmSlot(keep=1, warn=warnings.append, generations=generations)
    try:
        first = slot.grade(spec["tiny"], Job("ann", sub), 120)
        assert first.fault is None and sum(t["score"] for t in first.result["tests"]) == 10, first
        tiny = slot.processes()["tiny"].proc.pid
        tiny_tree = {tiny} | descendants(tiny)
        again = slot.grade(spec["tiny"], Job("ann", sub), 120)
        assert again.worker == first.worker, "a warm process grades the assignment's next submission"
        assert warnings == []  # the reference scored full marks

        # keep=1: the other assignment's process ends the least recently used one.
        other = slot.grade(spec["broken"], Job("ann", sub), 120)
        assert other.fault is None and other.worker != first.worker
        assert list(slot.processes()) == ["broken"]
        assert _gone(tiny_tree) == [], "the evicted process (or its zygote) lived on"
        assert len(warnings) == 1 and warnings[0].startswith("broken: the reference solution scored 6/10"), warnings
        slot.grade(spec["broken"], Job("ann", sub), 120)
        assert len(warnings) == 1, "the warm-up is checked once per process"

        # A reload (a regrade): the process that loaded the tests before it is replaced.
        broken = slot.processes()["broken"].proc.pid
        generations.reload("broken")
        fresh = slot.grade(spec["broken"], Job("ann", sub), 120)
        assert fresh.fault is None and fresh.worker.rsplit("/", 1)[1] != str(broken)
        assert _gone({broken}) == []
        assert len(warnings) == 2, "a fresh process's warm-up is checked again"

        # Without the warm-up (``--no-warmup``) a fresh process grades at once and checks nothing.
        generations.reload("broken")
        cold = slot.grade(dataclasses.replace(spec["broken"], warmup=False), Job("ann", sub), 120)
        assert cold.fault is None and sum(t["score"] for t in cold.result["tests"]) == 10, cold
        assert slot.processes()["broken"].wait_ready()["warmup"] == {}
        assert len(warnings) == 2, "no warm-up, nothing to warn about"
    finally:
        pids = {p.proc.pid for p in slot.processes().values()}
        pids |= {d for p in pids for d in descendants(p)}
        slot.kill()
    assert slot.processes() == {}
    assert _gone(pids) == []
