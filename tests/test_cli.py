"""The CLI contract: exit codes, results.json (Gradescope schema), feedback, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from autograder import cli

from conftest import ROOT

AID = "01_tensors"
SOLUTION = ROOT / "solutions" / AID / f"{AID}.ipynb"
STUB = ROOT / "assignments" / AID / f"{AID}.ipynb"
TOP_KEYS = {"score", "execution_time", "output", "output_format", "stdout_visibility", "visibility", "tests",
            "extra_data"}
TEST_KEYS = {"name", "number", "score", "max_score", "status", "output", "output_format", "visibility", "tags"}


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """``run_cli(*args, cwd=...)``: the command line in this process, in ``cwd``, with its output.
    In process: a subprocess would import torch and pytest again for each command (the entry
    point as a process is run by test_hostile, test_i18n_grading and the Docker tests)."""

    def run(*args: str, cwd: Path) -> Run:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = cli.main(["--course", str(ROOT), *args])
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return run


def check_schema(data: dict) -> None:
    assert set(data) == TOP_KEYS
    assert isinstance(data["score"], float) and isinstance(data["execution_time"], float)
    for t in data["tests"]:
        assert set(t) == TEST_KEYS
        assert t["status"] in ("passed", "failed")
        assert t["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
        assert t["tags"] and all(isinstance(x, str) for x in t["tags"])
    extra = data["extra_data"]
    assert extra["assignment_id"] == AID and extra["grader_version"]


def test_grade_solution_full_marks_and_stub_zero(run_cli, tmp_path):
    sol = run_cli("grade", str(SOLUTION), "--device", "cpu", cwd=tmp_path)
    assert sol.returncode == 0, sol.stdout + sol.stderr
    assert "Score: 100 / 100" in sol.stdout
    data = json.loads((tmp_path / "results.json").read_text())
    check_schema(data)
    assert data["score"] == 100.0 and all(t["status"] == "passed" for t in data["tests"])
    assert len(data["extra_data"]["submission_sha256"]) == 64

    stub = run_cli("grade", str(STUB), "--results", "r.json", "--feedback", "f.md", "--show-hidden", cwd=tmp_path)
    assert stub.returncode == 0, stub.stdout + stub.stderr
    assert "Score: 0 / 100" in stub.stdout and "FAIL" in stub.stdout
    # --show-hidden: staff see each hidden failure's full message and the test's traceback...
    staff = stub.stdout.split("hidden test failures (staff only", 1)[1]
    assert "test_to_numpy_dtypes_shapes_devices (hidden, 0/2)" in staff
    assert "to_numpy() raised NotImplementedError" in staff and "--- traceback ---" in staff
    assert 'student.run("to_numpy", t)' in staff   # a line of the hidden test's source
    data = json.loads((tmp_path / "r.json").read_text())
    check_schema(data)
    assert data["score"] == 0.0
    hidden_src = (ROOT / "solutions" / AID / "tests" / "hidden").glob("*.py")
    feedback = (tmp_path / "f.md").read_text()
    for t in data["tests"]:
        if t["visibility"] != "visible":
            # Name and the author's one line only: no traceback, no expected values.
            assert t["output"].startswith("Failed: ") and "\n" not in t["output"]
            assert "Traceback" not in t["output"]
    # No line of hidden test code reaches the student.
    for f in hidden_src:
        for line in f.read_text().splitlines():
            line = line.strip()
            if len(line) > 25 and not line.startswith(("#", '"""', "@pytest", "def test_", "import", "from")):
                assert line not in feedback, line
                assert line not in json.dumps(data), line
    assert "NotImplementedError" in feedback
    assert "--- traceback ---" not in feedback + json.dumps(data)   # ...students do not


@pytest.mark.parametrize("name,content,exit_code,phrase", [
    ("missing/01_tensors.ipynb", None, 2, "does not exist"),
    ("01_tensors.ipynb", b"{not json", 2, "damaged"),
    ("01_tensors.py", "x = 1\n".encode("latin-1") + b"caf\xe9\n", 2, "UTF-8"),
    ("01_tensors.txt", b"print(1)", 2, ".ipynb"),
    ("01_tensors.ipynb", None, 2, "no code"),
    ("notebook.ipynb", None, 2, "--assignment"),
])
def test_ungradable_input_writes_zero_results_and_exits_2(tmp_path, name, content, exit_code, phrase):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    elif name == "notebook.ipynb":
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    elif name == "01_tensors.ipynb":  # markdown only
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# my answers")]), path)
    code = cli.main(["--course", str(ROOT), "grade", str(path), "--results", str(tmp_path / "r.json"),
                     "--feedback", str(tmp_path / "f.md")])
    assert code == exit_code
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["score"] == 0 and phrase in data["output"]
    assert phrase in (tmp_path / "f.md").read_text()


def test_wrong_assignment_id_exits_2(tmp_path):
    code = cli.main(["--course", str(ROOT), "grade", str(SOLUTION), "--assignment", "99_nope",
                     "--results", str(tmp_path / "r.json"), "--feedback", str(tmp_path / "f.md")])
    assert code == 2
    out = json.loads((tmp_path / "r.json").read_text())["output"]
    assert "99_nope" in out and "01_tensors" in out  # names the known ones


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in members.items():
            z.writestr(n, data)
    return path


@pytest.mark.parametrize("members,phrase", [
    ({"../evil.py": b"x = 1"}, "unsafe path"),
    ({"01_tensors.py": b"\0" * 60_000_000}, "unpacks to more than"),
])
def test_hostile_zips_are_ungradable(tmp_path, members, phrase):
    z = _zip(tmp_path / "01_tensors.zip", members)
    code = cli.main(["--course", str(ROOT), "grade", str(z), "--results", str(tmp_path / "r.json"),
                     "--feedback", str(tmp_path / "f.md")])
    assert code == 2
    assert phrase in json.loads((tmp_path / "r.json").read_text())["output"].lower()


def test_grader_fault_exits_1(tmp_path):
    course = tmp_path / "course"
    (course / "solutions" / AID).mkdir(parents=True)
    (course / "solutions" / AID / "assignment.toml").write_text("this is [not toml")
    code = cli.main(["--course", str(course), "grade", str(SOLUTION), "--results", str(tmp_path / "r.json")])
    assert code == 1


def test_problems_in_the_notebook_are_reported_not_fatal(grader, tmp_path, solution_source):
    from autograder.grader import GradeOptions

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# hi"),
                nbformat.v4.new_code_cell("%matplotlib inline\nimport torch"),
                nbformat.v4.new_code_cell(solution_source),
                nbformat.v4.new_code_cell("raise RuntimeError('my demo broke')"),
                nbformat.v4.new_code_cell("def broken(:\n    pass"),
                nbformat.v4.new_code_cell("del softmax")]
    path = tmp_path / f"{AID}.ipynb"
    nbformat.write(nb, path)
    res = grader.grade(path, AID, GradeOptions(device="cpu"))
    assert res.status == "graded"
    notes = "\n".join(res.notes)
    assert "cell 4" in notes and "my demo broke" in notes and "SyntaxError" in notes
    failed = [t for t in res.tests if not t.passed]
    assert failed and {e for t in failed for e in t.exercises} == {"softmax"}
    assert any("softmax is not defined" in t.message for t in failed if t.visibility == "public")


def test_check_runs_public_tests_only(run_cli, tmp_path):
    proc = run_cli("check", str(STUB), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "public tests only" in proc.stdout and "(hidden)" not in proc.stdout
    assert "NotImplementedError" in proc.stdout
    assert not (tmp_path / "results.json").exists()


def test_zipped_folder_and_folder_submissions_grade_like_the_notebook(grader, tmp_path):
    from autograder.grader import GradeOptions

    data = SOLUTION.read_bytes()
    z = _zip(tmp_path / "alice.zip", {"alice/01_tensors.ipynb": data, "alice/notes.txt": b"hi"})
    folder = tmp_path / "bob"
    (folder / "work").mkdir(parents=True)
    (folder / "work" / "01_tensors.ipynb").write_bytes(data)
    for sub in (z, folder):
        res = grader.grade(sub, AID, GradeOptions(device="cpu"))
        assert res.status == "graded" and res.score == 100, (sub, res.error)


# ----------------------------------------------------------------------------- the lazy zygote
# Every Python process a command starts writes its command line to a log, from a
# sitecustomize on PYTHONPATH (the local zygote keeps PYTHONPATH and nothing that would say
# where the log is, so the path is written into the file). A zygote that never started left
# no line, whatever the timing.

SITECUSTOMIZE = '''\
import json, os, sys
with open({log!r}, "a") as f:
    f.write(json.dumps([os.getpid(), sys.orig_argv]) + "\\n")
'''


def _run_logged(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[list[str]]]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    log = tmp_path / "processes.jsonl"
    log.unlink(missing_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE.format(log=str(log)))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", *args], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600, env=dict(env, PYTHONPATH=str(site)))
    started = [json.loads(line)[1] for line in log.read_text().splitlines()] if log.exists() else []
    return proc, started


def _zygotes(started: list[list[str]]) -> list[list[str]]:
    return [argv for argv in started if "autograder.untrusted.zygote" in argv]


def test_an_unloadable_upload_is_refused_before_any_zygote_starts(tmp_path):
    from batch_fixtures import GOOD, make_course

    course = make_course(tmp_path / "course")
    broken = tmp_path / "tiny.ipynb"
    broken.write_bytes(b"{not json")
    proc, started = _run_logged(tmp_path, "--course", str(course), "grade", str(broken))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["score"] == 0 and "damaged" in data["output"]
    assert data["extra_data"]["assignment_id"] == "tiny"
    assert [argv for argv in started if "autograder.cli" in argv], started  # the log works...
    assert _zygotes(started) == [], started  # ...and no zygote (nor any other process) started
    assert len(started) == 1, started

    # The same command on a loadable upload starts its zygote (so the log above would have shown one).
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(GOOD)]), broken)
    proc, started = _run_logged(tmp_path, "--course", str(course), "grade", str(broken), "--device", "cpu")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads((tmp_path / "results.json").read_text())["score"] == 10.0
    assert len(_zygotes(started)) == 1, started


def zygote_children(before: set[int]) -> list[int]:
    """Zygote processes below this one that were not in ``before``."""
    from autograder.processes import descendants

    found = []
    for pid in set(descendants(os.getpid())) - before:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"autograder.untrusted.zygote" in cmdline:
            found.append(pid)
    return found


def test_the_local_backend_starts_its_zygote_on_first_use_only():
    from autograder.backends.local import LocalBackend
    from autograder.processes import descendants

    before = set(descendants(os.getpid()))
    backend = LocalBackend()
    try:
        assert zygote_children(before) == []  # made, not started
        backend.start()
        assert zygote_children(before) == [backend.zygote.pid]
        assert backend.acquire() is backend.zygote  # the same warm one
        first = backend.zygote.pid
    finally:
        backend.close()
    backend = LocalBackend()
    backend.close()  # closing one that never started starts nothing either
    assert zygote_children(before | {first}) == []  # the first may still be on its way out


def test_threads_asking_a_fresh_local_backend_at_once_share_one_zygote():
    """A grading acquires the zygote while another thread asks for it (a test watching the
    worker, a warm-up): the first use starts one zygote, not one per thread."""
    import threading

    from autograder.backends.local import LocalBackend
    from autograder.processes import descendants

    for _ in range(3):  # the race is in the first microseconds: try it a few times
        before = set(descendants(os.getpid()))
        backend = LocalBackend()
        go = threading.Barrier(4)
        got: list = []

        def ask(how):
            go.wait()
            got.append(how())

        threads = [threading.Thread(target=ask, args=(how,))
                   for how in (backend.acquire, lambda: backend.zygote, backend.acquire, backend.start)]
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            zygotes = {id(z) for z in got if z is not None}
            assert len(zygotes) == 1 and backend.acquire() is backend.zygote, zygotes
            assert zygote_children(before) == [backend.zygote.pid]  # none started and lost
        finally:
            backend.close()
