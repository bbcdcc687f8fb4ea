"""The student's install works from the course's own server: the wheel of this checkout
(``wheel.build``, what ``make wheel`` / ``make serve`` do) served at ``/package/<wheel>`` by a
real ``autograder serve``, installed with the one ``pip install`` command its assignment page
shows into a fresh virtual environment that already has torch, which pip keeps; then
``check()`` in a Jupyter kernel of that environment.

The cheapest real environment with torch: a fresh ``venv`` (the base interpreter, no
packages of its own) with a ``.pth`` line naming a folder of links to this project's
installed packages (torch and the rest), leaving out this project's own editable install,
so ``autograder`` can only come from the wheel; ``pip install --no-index`` then proves that
nothing but the wheel is fetched and that torch stays as it was.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import httpx
import nbformat
import pytest
from nbclient import NotebookClient

from autograder.service import wheel
from service_helpers import ROOT, Server, make_course, make_roster

pytestmark = pytest.mark.slow

OWN = re.compile(r"(autograder|torch_autograder|__editable__)", re.I)


def _venv_with_torch(tmp: Path) -> Path:
    """A fresh venv that sees this environment's packages but not this project; its python."""
    site = Path(sysconfig.get_paths()["purelib"])
    provided = tmp / "provided"
    provided.mkdir()
    for entry in site.iterdir():
        if not OWN.search(entry.name) and entry.suffix != ".pth":
            (provided / entry.name).symlink_to(entry)
    venv = tmp / "venv"
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(venv)],
                   check=True, timeout=120)
    python = venv / "bin" / "python"
    own_site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True, cwd=tmp).stdout.strip()
    (Path(own_site) / "provided.pth").write_text(f"{provided}\n")
    return python


def _where(python: Path, module: str) -> str:
    # From the venv's own folder: neither the checkout (the cwd) nor PYTHONPATH can provide it.
    return subprocess.run([str(python), "-c", f"import {module}; print({module}.__file__)"], capture_output=True,
                          text=True, timeout=120, cwd=python.parent).stdout.strip()


def test_pip_install_from_the_courses_server_keeps_torch_then_check_runs(tmp_path, monkeypatch):
    monkeypatch.delenv("PYTHONPATH", raising=False)  # the student's environment knows no checkout
    data = tmp_path / "data"
    built = wheel.build(data)
    course = make_course(tmp_path)
    db = tmp_path / "svc.db"
    tokens, _ = make_roster(tmp_path, db, students=["alice"])
    server = Server(course, db, data)
    try:
        server.start()
        # The assignment page shows the one command (after login with the student's token).
        with httpx.Client(base_url=server.url, follow_redirects=True, timeout=60) as c:
            c.get("/")
            csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/").text)[1]
            c.post("/", data={"token": tokens["alice"], "csrf": csrf})
            page = c.get("/a/01_tensors").text
        command = re.search(r"<code>(pip install [^<]+)</code>", page)[1]
        assert command == f"pip install {server.url}/package/{built.name}"
        assert httpx.get(f"{server.url}/package/nope.whl").status_code == 404

        python = _venv_with_torch(tmp_path)
        torch_before = _where(python, "torch")
        assert torch_before and _where(python, "autograder") == ""  # torch yes, this project not yet
        r = subprocess.run([str(python), "-m", *command.split()[:2], "--no-index", "--no-cache-dir",
                            *command.split()[2:]], capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert r.returncode == 0, r.stdout + r.stderr
        installed = re.search(r"Successfully installed (.*)", r.stdout)[1].split()
        assert [p.rsplit("-", 1)[0] for p in installed] == ["torch-autograder"], r.stdout
        server.stop()
    finally:
        server.ensure_stopped()
    assert _where(python, "torch") == torch_before  # pip kept the student's torch
    assert _where(python, "autograder").startswith(str(tmp_path / "venv"))

    # check() in a kernel of that environment, in the released folder.
    kernels = tmp_path / "jupyter" / "kernels" / "student"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(
        '{"argv": ["%s", "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "student", '
        '"language": "python"}' % python)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    folder = tmp_path / "student" / "01_tensors"
    shutil.copytree(ROOT / "assignments" / "01_tensors", folder)
    solution = next(c.source for c in nbformat.read(ROOT / "solutions/01_tensors/01_tensors.ipynb", 4).cells
                    if c.cell_type == "code" and "def to_numpy(" in c.source)
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import autograder, torch\nprint(autograder.__file__)"),
        nbformat.v4.new_code_cell("import torch\nimport numpy as np\n" + solution),
        nbformat.v4.new_code_cell('from autograder.notebook import check\nprint(check("to_numpy"))')])
    NotebookClient(nb, timeout=300, kernel_name="student", resources={"metadata": {"path": str(folder)}}).execute()
    outputs = ["".join(o.get("text", "") for o in cell.outputs) for cell in nb.cells]
    assert outputs[0].strip().startswith(str(tmp_path / "venv")), outputs[0]
    assert "01_tensors / to_numpy" in outputs[2] and "Public tests passed" in outputs[2], outputs[2]
