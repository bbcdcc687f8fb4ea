"""Grade some of an assignment's validate variants and print their verdicts as JSON.

``python tests/load_grading.py AID LABEL...``: one grading job of test_load.py, run as its
own process (its own warm grader) so that two of them compete for the CPU.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def verdicts(result) -> dict[str, str]:
    """What a load must not change: the status of the grading and of every test."""
    return {"<grading>": result.status, **{t.name: t.status for t in result.tests}}


def main(aid: str, labels: list[str]) -> None:
    from autograder.grader import GradeOptions, Grader
    from autograder.config import assignment_paths
    from autograder.validate import variants

    found = {v.label: v for v in variants(ROOT, aid)[0]}
    notebook = assignment_paths(aid, ROOT).notebook
    out = {}
    with Grader() as grader:
        for label in labels:
            res = grader.grade(notebook, aid, GradeOptions(device="cpu", course=ROOT), submission=found[label].submission)
            out[label] = verdicts(res)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
