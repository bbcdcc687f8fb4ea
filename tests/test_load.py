"""Verdicts do not depend on load: 01_tensors' solution, every mutant and every correct
alternative graded on an oversubscribed CPU (a busy process on every core plus two grading
jobs at once) get the same verdict, test by test, as unloaded. The unloaded verdicts are
the ones test_course's validate run already computed (the ``validation`` fixture)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT
from load_grading import verdicts

AID = "01_tensors"
JOBS = 2


def test_verdicts_are_the_same_on_an_oversubscribed_cpu(validation):
    _, unloaded = validation(AID)
    labels = sorted(unloaded)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]
    try:
        jobs = [subprocess.Popen([sys.executable, str(ROOT / "tests" / "load_grading.py"), AID, *labels[k::JOBS]],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                for k in range(JOBS)]
        outputs = [job.communicate(timeout=900) for job in jobs]
    finally:
        for p in busy:
            p.kill()
            p.wait()
    loaded: dict = {}
    for job, (out, err) in zip(jobs, outputs):
        assert job.returncode == 0, err[-3000:]
        loaded.update(json.loads(out.splitlines()[-1]))
    assert set(loaded) == set(labels)
    differ = []
    for label in labels:
        before, after = verdicts(unloaded[label]), loaded[label]
        changed = [f"{name}: {before.get(name)} unloaded, {after.get(name)} loaded"
                   for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]
        differ += [f"{label}: {c}" for c in changed]
    assert not differ, "verdicts changed under load:\n" + "\n".join(differ)
