"""`autograder gradescope`: the archive, and the archive run for real in a container laid
out like Gradescope's (built from the offline Debian base): setup.sh once, then
run_autograder per submission, results.json checked.
"""

from __future__ import annotations

import json
import re
import zipfile

import pytest

from conftest import ROOT
from docker_helpers import Gradescope, engine, offline_base

AID = "01_tensors"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    from autograder.gradescope import export

    out = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    export(ROOT, AID, out, log=lambda *a: None)
    return out


def test_archive_holds_the_suites_and_no_solution(archive):
    names = zipfile.ZipFile(archive).namelist()
    assert {"setup.sh", "run_autograder", "requirements.txt", "MANIFEST.json"} <= set(names)
    assert any(re.fullmatch(r"engine/torch_autograder-.*\.whl", n) for n in names)
    assert f"course/solutions/{AID}/tests/hidden/test_hidden.py" in names
    assert f"course/solutions/{AID}/tests/public/test_public.py" in names
    assert f"course/solutions/{AID}/assignment.toml" in names
    # The known mistakes' fingerprints travel with the hidden tests, in the root-only course folder.
    assert [n for n in names if n.endswith("fingerprints.json")] == [f"course/solutions/{AID}/tests/hidden/fingerprints.json"]
    # What grading does not need stays home: the solution notebook, the mutants.
    assert not [n for n in names if n.endswith(".ipynb") or "/mutants/" in n or "__pycache__" in n]
    modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zipfile.ZipFile(archive).infolist()}
    assert modes["setup.sh"] == modes["run_autograder"] == 0o755


@pytest.fixture(scope="module")
def gradescope(archive):
    from autograder.backends.docker_image import project_root, requirements, wheel_cache

    client = engine()
    return Gradescope(client, offline_base(), archive, wheel_cache(requirements(project_root()), log=lambda s: None))


def _check_schema(results: dict) -> None:
    assert isinstance(results["score"], (int, float)) and isinstance(results["tests"], list)
    for t in results["tests"]:
        assert {"name", "score", "max_score", "status", "visibility", "output"} <= set(t)
        assert t["visibility"] in ("visible", "hidden", "after_due_date", "after_published")


@pytest.mark.docker
@pytest.mark.slow
def test_gradescope_grades_the_solution(gradescope):
    notebook = (ROOT / "solutions" / AID / f"{AID}.ipynb").read_bytes()
    results, log, state = gradescope.run({f"{AID}.ipynb": notebook})
    assert state["StatusCode"] == 0, log[-3000:]
    assert results is not None, f"no results.json; run_autograder said:\n{log[-3000:]}"
    _check_schema(results)
    assert results["score"] == 100, [t["name"] for t in results["tests"] if t["status"] != "passed"]
    from autograder.config import AssignmentConfig

    assert len(results["tests"]) == len(AssignmentConfig.load(ROOT / "solutions" / AID / "assignment.toml").tests)
    sandbox = results["extra_data"]["sandbox"]
    assert sandbox["backend"] == "local" and sandbox["uid_drop"] is True


GRADESCOPE_ATTACK = '''
import json, os
_seen = {"uid": os.getuid()}
for _p in ["/autograder/source/course/solutions/01_tensors/tests/hidden/test_hidden.py",
           "/autograder/source/setup.sh", "/autograder/submission_metadata.json",
           "/autograder/submission/01_tensors.py"]:
    try:
        open(_p).read()
        _seen[_p] = "READ"
    except OSError as e:
        _seen[_p] = type(e).__name__
try:
    _seen["listdir source"] = os.listdir("/autograder/source")
except OSError as e:
    _seen["listdir source"] = type(e).__name__
try:
    os.makedirs("/autograder/results", exist_ok=True)
    with open("/autograder/results/results.json", "w") as f:
        json.dump({"score": 1000, "tests": []}, f)
    _seen["results"] = "WROTE"
except OSError as e:
    _seen["results"] = type(e).__name__
print("GS-REPORT " + json.dumps(_seen))
'''


@pytest.mark.docker
@pytest.mark.slow
def test_gradescope_student_reads_no_tests_and_writes_no_results(gradescope, solution_source):
    results, log, state = gradescope.run({f"{AID}.py": (solution_source + "\n\n" + GRADESCOPE_ATTACK).encode()})
    assert results is not None, log[-3000:]
    _check_schema(results)
    m = re.search(r"GS-REPORT (\{.*\})", results["output"])
    assert m, results["output"][-2000:]
    seen = json.loads(m.group(1))
    assert seen.pop("uid") != 0
    assert all(v != "READ" and v != "WROTE" for v in seen.values()), seen
    assert results["score"] == 100  # the grader's results.json, not the student's
    hidden = [t for t in results["tests"] if t["visibility"] != "visible"]
    assert hidden and all("def test_" not in t["output"] for t in hidden)
    assert json.dumps(results).count("assert_close(") == 0  # no test source leaks into feedback
