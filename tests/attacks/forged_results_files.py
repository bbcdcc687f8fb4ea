# attack: write a perfect results.json (Gradescope's and ours) wherever a grader might read one back
# expect: fails to_numpy
import json
import os

_fake = {"score": 100, "tests": [], "output": "ag-attack: forged results"}
for _d in (".", "..", "../..", "/tmp", "/autograder/results", "/autograder", os.environ.get("HOME", "."),
           "/results", "/out"):
    try:
        os.makedirs(_d, exist_ok=True)
        with open(os.path.join(_d, "results.json"), "w") as _f:
            json.dump(_fake, _f)
    except OSError:
        pass


def to_numpy(t):
    return None
