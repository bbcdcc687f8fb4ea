"""check() in a real IPython kernel: the released 01_tensors notebook, run by nbclient.

One kernel for the module (starting one and importing torch costs seconds): the released
notebook with every exercise filled by the solution, then each mutant redefined in the
same kernel, then a function that never returns. The check cells' outputs are what a
student sees in JupyterLab, the classic Notebook, VS Code or Colab (display data only).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.submission import is_check_cell
from autograder.validate import read_mutants

from conftest import ROOT

AID = "01_tensors"
PASSED = "Public tests passed; hidden tests run when it is graded"


def _solution_cells() -> dict[str, str]:
    nb = nbformat.read(ROOT / "solutions" / AID / f"{AID}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}


class Kernel:
    """A notebook client with a live kernel: run the notebook's cells, then more."""

    def __init__(self, client: NotebookClient, nb):
        self.client, self.nb = client, nb

    def run(self, source: str) -> dict:
        cell = nbformat.v4.new_code_cell(source)
        self.nb.cells.append(cell)
        self.client.execute_cell(cell, len(self.nb.cells) - 1)
        return _texts(cell)


def _texts(cell) -> dict:
    """The cell's display output by MIME type (text/html, text/plain), and any error."""
    out: dict = {"text/html": "", "text/plain": "", "error": "", "stream": ""}
    for o in cell.get("outputs", []):
        if o.output_type in ("execute_result", "display_data"):
            for mime in ("text/html", "text/plain"):
                out[mime] += o.data.get(mime, "")
        elif o.output_type == "error":
            out["error"] += f"{o.ename}: {o.evalue}"
        elif o.output_type == "stream":
            out["stream"] += o.text
    return out


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """The released folder in a temporary place, its notebook filled with the solution and
    executed top to bottom in one kernel (the kernel stays up for the module's tests)."""
    folder = tmp_path_factory.mktemp("student") / AID
    shutil.copytree(ROOT / "assignments" / AID, folder)
    # Another released assignment in a course checkout around it (check(assignment=...)).
    shutil.copytree(ROOT / "assignments" / "03_training", folder.parent / "assignments" / "03_training")
    nb = nbformat.read(folder / f"{AID}.ipynb", as_version=4)
    solutions = _solution_cells()
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in solutions:
            cell.source = solutions[gid]
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(folder)}})
    with client.setup_kernel():
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, i)
        yield Kernel(client, nb)


def test_released_notebook_has_tagged_check_cells_after_each_exercise():
    nb = nbformat.read(ROOT / "assignments" / AID / f"{AID}.ipynb", as_version=4)
    checks = [c for c in nb.cells if "check" in c.metadata.get("tags", [])]
    import tomllib

    exercises = tomllib.loads((ROOT / "assignments" / AID / "assignment.toml").read_text())["assignment"]["exercises"]
    assert [c.source.splitlines()[-1] for c in checks[1:]] == [f'check("{e}")' for e in exercises]
    assert all(is_check_cell(c.source) for c in checks)
    # Each one right after the cell that defines its exercise.
    for i, c in enumerate(nb.cells):
        if c in checks[1:]:
            name = c.source.splitlines()[-1][len('check("'):-2]
            assert f"def {name}(" in nb.cells[i - 1].source


def test_solution_passes_every_check_cell(kernel):
    cells = [c for c in kernel.nb.cells if "check" in c.metadata.get("tags", [])][1:]
    assert len(cells) == 8
    for cell in cells:
        out = _texts(cell)
        name = cell.source.splitlines()[-1][len('check("'):-2]
        assert not out["error"], out["error"]
        assert PASSED in out["text/plain"] and PASSED in out["text/html"], (name, out["text/plain"])
        assert f"{AID} / {name}" in out["text/plain"]
        assert "all tests passed" not in out["text/plain"].lower()


def test_check_returns_a_result_object(kernel):
    out = kernel.run("r = check('softmax')\nprint(r.score, r.max_score, [t.name for t in r.passed], r.failed,"
                     " r.passed[0].exercises)")
    assert out["stream"].strip() == "4.0 4.0 ['test_softmax_basic'] [] ('softmax',)", out


@pytest.mark.parametrize("mutant", read_mutants(ROOT / "solutions" / AID / "mutants"), ids=lambda m: m.name)
def test_a_mutant_fails_its_check_with_a_hint(kernel, mutant):
    solution = _solution_cells()
    assert not kernel.run(mutant.source)["error"]
    try:
        out = kernel.run(f"check({mutant.exercise!r})")
    finally:
        kernel.run(solution[_grade_id(solution, mutant.exercise)])
    text = out["text/plain"]
    assert not out["error"], out["error"]
    assert "FAIL" in text and PASSED not in text, text
    assert "Hint:" in text and "<b>Hint:" in out["text/html"], text
    assert mutant.exercise in text
    # No service set (a release holds no fingerprints): the check is what it was, no known
    # mistake named and no word about looking one up (test_notebook_service: with a service).
    assert "known mistake" not in text.lower() and "not looked up" not in text, text


def _grade_id(solutions: dict[str, str], exercise: str) -> str:
    return next(g for g, src in solutions.items() if f"def {exercise}(" in src)


def test_a_hung_function_costs_its_own_checks_and_the_kernel_stays_usable(kernel):
    solution = _solution_cells()
    kernel.run("def softmax(x, dim=-1):\n    while True:\n        pass")
    try:
        out = kernel.run("r = check()\nprint([t.name for t in r.failed], r.score, r.max_score)\nr")
        assert out["stream"].startswith("['test_softmax_basic'] 26.0 30.0"), out
        assert "did not return within" in out["text/plain"]
        after = kernel.run("import os\nprint(sum(range(10)), os.getpid() == __import__('os').getpid())")
        assert after["stream"].strip() == "45 True"
    finally:
        kernel.run(solution["softmax"])
    assert PASSED in kernel.run("check('softmax')")["text/plain"]
    # No worker is left behind in the kernel.
    left = kernel.run("import os, subprocess\n"
                      "print(subprocess.run(['ps', '--ppid', str(os.getpid()), '-o', 'pid='], "
                      "capture_output=True, text=True).stdout.split())")
    assert left["stream"].strip().endswith("]")
    assert len(eval(left["stream"].strip())) <= 1  # the ps itself at most


def test_student_text_is_escaped_in_html(kernel):
    kernel.run("def to_numpy(t):\n    raise ValueError('<script>alert(1)</script> [red]x[/]')")
    try:
        out = kernel.run("check('to_numpy')")
    finally:
        kernel.run(_solution_cells()["to_numpy"])
    assert "<script>" not in out["text/html"] and "&lt;script&gt;" in out["text/html"]
    assert "[red]x[/]" in out["text/plain"]


def test_stub_says_not_started_once_per_exercise(kernel):
    kernel.run("def one_hot(labels, num_classes):\n    raise NotImplementedError()")
    try:
        out = kernel.run("check('one_hot')")
    finally:
        kernel.run(_solution_cells()["one_hot"])
    text = out["text/plain"]
    assert "not started yet" in text and "Traceback" not in text
    assert text.count("still raises NotImplementedError") == 1
    # The sentence the terminal, the pages and feedback.md give for a stub (feedback.explanation).
    from autograder.feedback import not_started_text

    assert not_started_text(("one_hot",), lambda m: m) in text


def test_without_fork_protection_it_says_so_and_still_runs(kernel):
    out = kernel.run("check('standardize', protect=False)")
    assert PASSED in out["text/plain"]
    assert "no os.fork" in out["text/plain"]


@pytest.mark.parametrize("source, is_check", [
    ('from autograder.notebook import check\ncheck("softmax")', True),
    ('from autograder.notebook import check, use\nuse("01_tensors")', True),
    ("import autograder.notebook\nautograder.notebook.check()", True),
    ("r = check()", True),
    ("submit('01_tensors.ipynb')", True),
    ('from autograder.notebook import check\ndef softmax(x):\n    return x\ncheck("softmax")', False),
    ("import torch", False),
    ("def check(x):\n    return x", False),
    ("", False),
    ("check(", False),
])
def test_is_check_cell(source, is_check):
    assert is_check_cell(source) is is_check


def test_the_grader_skips_check_cells_without_a_note(tmp_path):
    from autograder.submission import load_submission

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("def softmax(x):\n    return x"),
                nbformat.v4.new_code_cell('from autograder.notebook import check\ncheck("softmax")',
                                          metadata={"tags": ["check"]}),
                nbformat.v4.new_code_cell("check()"),  # the tag was lost: still not graded
                nbformat.v4.new_code_cell("print(1)", metadata={"tags": ["demo"]})]
    path = tmp_path / f"{AID}.ipynb"
    nbformat.write(nb, path)
    sub = load_submission(path, AID)
    assert [c.source for c in sub.cells] == ["def softmax(x):\n    return x"]
    assert sub.notes == ("cell 4 skipped: tagged demo",)


def test_a_downloaded_release_unpacks_inside_its_folder_only(tmp_path):
    import io
    import zipfile

    from autograder.notebook.locate import _release_id, _unpack

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(f"{AID}/assignment.toml", f'[assignment]\nid = "{AID}"\n')
        z.writestr(f"{AID}/tests/test_public.py", "")
        z.writestr(f"{AID}/../escaped.txt", "no")
    _unpack(buf.getvalue(), tmp_path / "cache" / AID)
    assert _release_id(tmp_path / "cache" / AID) == AID
    assert not list(tmp_path.rglob("escaped.txt"))


def test_a_failing_training_check_shows_the_loss_curves(kernel):
    from autograder.submission import load_submission

    sub = load_submission(ROOT / "solutions" / "03_training" / "03_training.ipynb", "03_training")
    mutant = next(m for m in read_mutants(ROOT / "solutions" / "03_training" / "mutants")
                  if m.name == "train_no_zero_grad")
    code = "\n\n".join([c.source for c in sub.cells] + [mutant.source])
    out = kernel.run(f"ns03 = {{'__name__': 'training'}}\nexec({code!r}, ns03)\n"
                     "check('train_one_epoch', assignment='03_training', namespace=ns03)")
    assert not out["error"], out["error"]
    assert "without optimizer.zero_grad()" in out["text/plain"]
    assert "(a picture is attached" in out["text/plain"]
    html = out["text/html"]
    assert html.count("src='data:image/png;base64,") == 1 and "replay: no zero grad" in html


def test_check_speaks_korean_with_autograder_lang(kernel):
    kernel.run("import os\nos.environ['AUTOGRADER_LANG'] = 'ko'")
    try:
        ok = kernel.run("check('standardize')")
        kernel.run("def softmax(x, dim=-1):\n    e = x.exp()\n    return e / e.sum(dim, keepdim=True)")
        bad = kernel.run("check('softmax')")
    finally:
        kernel.run("del os.environ['AUTOGRADER_LANG']")
        kernel.run(_solution_cells()["softmax"])
    assert "공개 테스트 통과. 숨은 테스트는 채점할 때 실행됩니다" in ok["text/plain"]
    assert "공개 테스트 4 / 4점" in ok["text/plain"] and "<th style='text-align:left'>테스트</th>" in ok["text/html"]
    text = bad["text/plain"]
    assert "공개 테스트 1개 중 1개 실패" in text and "실패" in text
    assert "힌트: exp(1000)은 오버플로합니다" in text, text
    assert "<b>힌트:" in bad["text/html"]


def _save(kernel, folder_name: str = "saved.ipynb") -> str:
    """Write the kernel's notebook (solution filled in) where the kernel runs, as a save would."""
    path = Path(kernel.client.resources["metadata"]["path"]) / folder_name
    nb = nbformat.from_dict(kernel.nb)
    nb.cells = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader") or "check" in
                c.get("metadata", {}).get("tags", []) or c.cell_type == "markdown"]
    nbformat.write(nb, path)
    return str(path)


def test_submit_without_a_service_says_how_to_hand_it_in(kernel):
    path = _save(kernel, f"{AID}.ipynb")
    out = kernel.run("import os\nfor k in ('AUTOGRADER_SERVER', 'AUTOGRADER_TOKEN'):\n    os.environ.pop(k, None)\n"
                     f"from autograder.notebook import submit\nr = submit({path!r})\n"
                     "print(r.uploaded, r.assignment, len(r.sha256))\nr")
    assert not out["error"], out["error"]
    assert out["stream"].strip() == f"False {AID} 64"
    assert "No submission service is set" in out["text/plain"] and "Gradescope" in out["text/plain"]


def test_submit_warns_about_unsaved_edits_and_refuses_a_notebook_that_does_not_run(kernel):
    path = _save(kernel, f"{AID}.ipynb")
    kernel.run("def softmax(x, dim=-1):\n    return x.softmax(dim)  # edited, not saved")
    try:
        out = kernel.run(f"r = submit({path!r})\nr")
    finally:
        kernel.run(_solution_cells()["softmax"])
    assert "differs from what your kernel defines (softmax)" in out["text/plain"], out
    broken = nbformat.read(path, as_version=4)
    broken.cells.insert(3, nbformat.v4.new_code_cell("1 / 0"))
    nbformat.write(broken, path)
    out = kernel.run(f"submit({path!r})")
    assert "SubmitError" in out["error"] and "ZeroDivisionError" in out["error"], out


def test_the_notebook_file_comes_from_the_front_end():
    from autograder.notebook.locate import notebook_path

    assert notebook_path({"__session__": "/home/s/01_tensors.ipynb"}) == Path("/home/s/01_tensors.ipynb")
    assert notebook_path({"__vsc_ipynb_file__": "/w/a.ipynb"}) == Path("/w/a.ipynb")


@pytest.mark.parametrize("aid", ["01_tensors", "02_autograd", "03_training"])
def test_run_all_completes_in_every_released_notebook(aid, tmp_path):
    """Kernel > Run All on a fresh release, stubs untouched: no cell raises; a demo cell of an
    unfinished exercise says "not started yet", as check() does."""
    folder = tmp_path / aid
    shutil.copytree(ROOT / "assignments" / aid, folder)
    nb = nbformat.read(folder / f"{aid}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(folder)}})
    client.execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    raised = [(i, _texts(c)["error"]) for i, c in enumerate(code) if _texts(c)["error"]]
    assert not raised, raised
    demos = [_texts(c)["stream"] for c in code if "with demo(" in c.source]
    assert demos and all("not started yet" in out and "NotImplementedError" in out for out in demos), demos
    checks = [_texts(c)["text/plain"] for c in code if "check(\"" in c.source]
    assert checks and all("public tests" in out for out in checks)
    if aid == "01_tensors":  # every exercise a function stub: each check says so
        assert all("not started yet" in out for out in checks)


def test_check_tells_a_cell_not_run_yet_from_a_name_never_written(kernel):
    """A name the saved notebook defines but this kernel has not run, against one it never had."""
    path = _save(kernel, f"{AID}.ipynb")
    kernel.run(f"__session__ = {path!r}\ndel softmax")
    try:
        out = kernel.run("check('softmax')")["text/plain"]
        assert "run the cell that defines softmax first" in out and "not defined in your submission" not in out
        bare = nbformat.read(path, as_version=4)  # the student never wrote it: the grader's words
        bare.cells = [c for c in bare.cells if "def softmax" not in c.source]
        nbformat.write(bare, path)
        out = kernel.run("check('softmax')")["text/plain"]
        assert "softmax is not defined in your submission" in out and "run the cell" not in out
    finally:
        kernel.run(_solution_cells()["softmax"] + "\ndel __session__")


def test_the_fresh_run_of_submit_shows_no_kernel_warning(tmp_path, capfd):
    """submit() runs the saved file in a fresh kernel; over TCP, ipykernel would write an
    "eavesdropping" warning that JupyterLab shows in red under the student's cell."""
    from autograder.notebook.submit import fresh_run_problem

    path = tmp_path / "tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    capfd.readouterr()
    assert fresh_run_problem(path, 120) is None
    err = capfd.readouterr().err
    assert "without encryption" not in err and "eavesdropping" not in err, err
    path.write_text(path.read_text().replace("x = 1", "1 / 0"))
    assert "ZeroDivisionError" in (fresh_run_problem(path, 120) or "")
