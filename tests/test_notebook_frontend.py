"""check() and submit() in a real notebook front end: JupyterLab (and the classic Notebook 7)
in Debian's headless chromium, driven by Selenium.

A real ``jupyter lab`` server on 127.0.0.1 (a free port, a token, its own Jupyter dirs) serves a
temporary copy of the released 01_tensors folder whose exercise cells hold the solution, one
of them replaced by a mutant, and a last cell ``submit()``. The kernel is this venv's python
(a ``python3`` kernelspec written for the test, so no other Python on the machine is used).
The browser opens the notebook, runs every cell from the Run menu, waits for the kernel to
reach the last cell, and reads what a student sees from the page: the passing check cells'
HTML tables, the mutant's failure and hint, and submit()'s answer naming the notebook file it
found from the Jupyter session.

Screenshots of each run land in pytest's tmp dir (also on failure);
``AUTOGRADER_DOCS_SHOTS=1`` also writes docs/screenshot-check-jupyterlab.png.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import nbformat
import pytest

from autograder.validate import read_mutants

from browser_helpers import WIDTH, chromium
from conftest import ROOT

pytestmark = pytest.mark.slow

AID = "01_tensors"
PASSED = "Public tests passed; hidden tests run when it is graded"
# Its demo cell still runs, so "Run All" goes on to the end (a raising cell stops it).
MUTANT = "standardize_unbiased_var"
START_TIMEOUT = 120  # s: JupyterLab's first start on two busy cores
RUN_TIMEOUT = 300  # s: a kernel, torch's import, eight checks and submit()'s fresh run
NO_SERVICE = "No submission service is set, so nothing was uploaded."
DOCS_SHOT = ROOT / "docs" / "screenshot-check-jupyterlab.png"


# ---------------------------------------------------------------------------- the notebook

def _solution_cells() -> dict[str, str]:
    nb = nbformat.read(ROOT / "solutions" / AID / f"{AID}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}


def _student_folder(root: Path) -> tuple[Path, list[str]]:
    """The released folder in ``root``: exercises filled by the solution, MUTANT's exercise by
    the mutant, and a submit() cell at the end. Returns the notebook and each cell's role
    (``check:<exercise>``, ``submit``, ``code``, ``markdown``) in order."""
    shutil.copytree(ROOT / "assignments" / AID, root, dirs_exist_ok=True)
    path = root / f"{AID}.ipynb"
    nb = nbformat.read(path, as_version=4)
    solutions = _solution_cells()
    mutant = next(m for m in read_mutants(ROOT / "solutions" / AID / "mutants") if m.name == MUTANT)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in solutions:
            mutated = f"def {mutant.exercise}(" in solutions[gid]
            cell.source = _as_written(mutant.source) if mutated else solutions[gid]
    nb.cells.append(nbformat.v4.new_code_cell(
        "import os, sys\nprint('kernel python:', sys.executable)\nprint('session:', os.environ.get('JPY_SESSION_NAME'))\n"
        "from autograder.notebook import submit\nsubmit()",
        metadata={"tags": ["check"]}))
    nbformat.write(nb, path)
    roles = []
    for cell in nb.cells:
        last = cell.source.strip().splitlines()[-1] if cell.source.strip() else ""
        if cell.cell_type != "code":
            roles.append("markdown")
        elif last.startswith('check("'):
            roles.append("check:" + last[len('check("'):-2])
        elif last == "submit()":
            roles.append("submit")
        else:
            roles.append("code")
    return path, roles


def _as_written(mutant_source: str) -> str:
    """The mutant as a student would have typed it: without its ``# exercise:``/``# bug:`` header."""
    lines = mutant_source.splitlines()
    while lines and lines[0].startswith(("# exercise:", "# bug:")):
        lines.pop(0)
    return "\n".join(lines).strip() + "\n"


# ---------------------------------------------------------------------------- the server

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A ``jupyter lab`` server started for the test, isolated from the machine's Jupyter setup,
    serving ``root`` (the student's folder with ``notebook``; ``roles``: its cells' roles)."""

    def __init__(self, tmp: Path, root: Path, notebook: Path, roles: list[str]):
        self.tmp, self.root, self.notebook, self.roles = tmp, root, notebook, roles
        self.pristine = notebook.read_bytes()  # restored before each front end runs it
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "jupyter.log"
        self.proc: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        jdir = self.tmp / "jupyter"
        kernel = jdir / "data" / "kernels" / "python3"
        kernel.mkdir(parents=True)
        # This venv's python and nothing else: a python3 kernelspec found first on JUPYTER_PATH.
        (kernel / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (torch-autograder venv)", "language": "python"}))
        settings = jdir / "lab-settings" / "@jupyterlab"
        # Every cell in the DOM (no virtual scrolling), and no news prompt over the notebook.
        (settings / "notebook-extension").mkdir(parents=True)
        (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
            json.dumps({"windowingMode": "none"}))
        (settings / "apputils-extension").mkdir(parents=True)
        (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        # What a student has: no nbgrader (the dev extra installs it for authors) in the page.
        (jdir / "config" / "labconfig").mkdir(parents=True)
        (jdir / "config" / "labconfig" / "page_config.json").write_text(
            json.dumps({"disabledExtensions": {"@jupyter/nbgrader": True}}))
        (jdir / "config" / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {
            "jpserver_extensions": {f"nbgrader.server_extensions.{x}": False
                                    for x in ("formgrader", "validate_assignment", "assignment_list", "course_list")}}}))
        home = self.tmp / "home"
        home.mkdir()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AUTOGRADER_", "JUPYTER", "JPY_", "IPYTHON"))}
        env.update({
            "HOME": str(home),  # no ~/.config/torch-autograder/config.toml: no service is set
            "AUTOGRADER_LANG": "en",
            "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "JUPYTER_PATH": str(jdir / "data"), "JUPYTER_DATA_DIR": str(jdir / "data"),
            "JUPYTER_CONFIG_DIR": str(jdir / "config"), "JUPYTER_RUNTIME_DIR": str(jdir / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(jdir / "lab-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(jdir / "lab-workspaces"),
            "IPYTHONDIR": str(jdir / "ipython"),
        })
        return env

    def start(self) -> "Lab":
        exe = Path(sys.executable).parent / "jupyter-lab"
        if not exe.exists():
            pytest.fail(f"{exe} is missing: run `make setup` (the dev extra includes jupyterlab)")
        self.proc = subprocess.Popen(
            [str(exe), "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
             f"--ServerApp.root_dir={self.root}",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
             # CI's containers run as root; Jupyter refuses that unless told.
             *(["--ServerApp.allow_root=True"] if os.geteuid() == 0 else [])],
            env=self.env(), cwd=self.root, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"jupyter lab exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/api/status", params={"token": self.token}, timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"jupyter lab did not answer within {START_TIMEOUT} s:\n{self.log_tail()}")

    def api(self, method: str, path: str):
        return httpx.request(method, f"{self.url}{path}", headers={"Authorization": f"token {self.token}"},
                             timeout=10)

    def close_sessions(self) -> None:
        """Shut down every kernel this server started (between two front ends, so the second
        starts its own)."""
        for s in self.api("GET", "/api/sessions").json():
            self.api("DELETE", f"/api/sessions/{s['id']}")

    def log_tail(self, n: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-n:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:  # the server shuts down its kernels itself
            self.api("POST", "/api/shutdown")
            self.proc.wait(30)
        except (httpx.TransportError, subprocess.TimeoutExpired):
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / AID
    path, roles = _student_folder(root)
    server = Lab(tmp, root, path, roles).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    driver = chromium(120)
    yield driver
    driver.quit()


# ---------------------------------------------------------------------------- the page

# What the student sees, cell by cell: the input, the outputs' text, and whether an output
# holds an HTML table. One script call, so nothing goes stale between reads.
READ_CELLS = """
return Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell')).map(c => {
  const prompt = c.querySelector('.jp-InputPrompt');
  const outs = Array.from(c.querySelectorAll('.jp-OutputArea-output'));
  return {
    prompt: prompt ? prompt.textContent.trim() : '',
    text: outs.map(o => o.innerText).join('\\n'),
    html: outs.map(o => o.innerHTML).join('\\n'),
    table: outs.some(o => o.querySelector('.autograder-check table') !== null),
    error: c.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]') !== null
  };
});
"""


def _cells(driver) -> list[dict]:
    return driver.execute_script(READ_CELLS)


class PageFailure(AssertionError):
    pass


def _wait(driver, cond, timeout: float, what: str, shots: Path, name: str):
    """Poll ``cond(driver)`` until it is truthy; on timeout save a screenshot and fail saying what."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = cond(driver)
        except (StaleElementReferenceException, WebDriverException):
            last = None
        except PageFailure as e:  # the page shows something that will not get better
            shot = shots / f"{name}-failure.png"
            driver.save_screenshot(str(shot))
            raise PageFailure(f"{e} (screenshot: {shot})") from None
        if last:
            return last
        time.sleep(0.5)
    shot = shots / f"{name}-timeout.png"
    driver.save_screenshot(str(shot))
    raise PageFailure(f"{name}: {what} not seen within {timeout:.0f} s (screenshot: {shot})")


RUN_ALL = ('.lm-Menu-item[data-command="runmenu:run-all"]:not(.lm-mod-disabled), '
           '.lm-Menu-item[data-command="notebook:run-all-cells"]:not(.lm-mod-disabled)')


def _click_run_all(driver, front_end: str, shots: Path) -> None:
    """The Run menu, then its "Run All Cells" item (JupyterLab 4.6 names its command
    runmenu:run-all, Notebook 7 and older Labs notebook:run-all-cells)."""
    from selenium.webdriver.common.by import By

    def run_menu(d):
        items = [e for e in d.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item")
                 if e.text.strip() == "Run"]
        return items[0] if items else None

    _wait(driver, run_menu, 60, "the Run menu", shots, front_end).click()
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, RUN_ALL),
          20, 'the menu item "Run All Cells"', shots, front_end)[0].click()


def _run_notebook(driver, lab, front_end: str, url: str, shots: Path) -> list[dict]:
    """Open the notebook, wait for its kernel, run all cells, wait for the last one's output."""
    n = len(lab.roles)
    driver.get(url)
    _wait(driver, lambda d: len(_cells(d)) == n, START_TIMEOUT, f"the notebook's {n} cells", shots, front_end)
    # The kernel started and idle (the toolbar's status; Run All before that would queue anyway).
    _wait(driver, lambda d: d.execute_script(
        "const k = document.querySelector('.jp-Notebook-ExecutionIndicator');"
        "return k !== null && k.getAttribute('data-status') === 'idle';"), START_TIMEOUT, "an idle kernel",
        shots, front_end)
    _click_run_all(driver, front_end, shots)
    last = lab.roles.index("submit")

    def finished(d):
        cells = _cells(d)
        done = cells[last]["text"] and not any(c["prompt"] == "[*]:" for c in cells)
        # A cell that raised stops Run All: report it rather than wait for the end.
        failed = [i for i, c in enumerate(cells) if c["error"] and "Traceback" in c["text"]]
        if failed:
            raise PageFailure(f"{front_end}: cell {failed[0]} raised:\n{cells[failed[0]]['text'][-2000:]}")
        return cells if done else None

    return _wait(driver, finished, RUN_TIMEOUT, "the submit() cell's output after Run All", shots, front_end)


def _check_page(cells: list[dict], lab, front_end: str) -> None:
    mutant = next(m for m in read_mutants(ROOT / "solutions" / AID / "mutants") if m.name == MUTANT)
    checked = {role.split(":", 1)[1]: cells[i] for i, role in enumerate(lab.roles) if role.startswith("check:")}
    assert len(checked) == 8, lab.roles
    for exercise, cell in checked.items():
        assert cell["table"], f"{front_end}: check({exercise!r}) shows no HTML table: {cell['text'][:500]}"
        assert "all tests passed" not in cell["text"].lower()
        if exercise == mutant.exercise:
            assert PASSED not in cell["text"] and "FAIL" in cell["text"], (front_end, cell["text"])
            assert "test_standardize_basic" in cell["text"] and "Hint:" in cell["text"], cell["text"]
            assert "<b>Hint:" in cell["html"], cell["html"][:2000]
        else:
            assert PASSED in cell["text"], (front_end, exercise, cell["text"][:1000])
            assert "FAIL" not in cell["text"], (front_end, exercise, cell["text"][:1000])
    out = cells[lab.roles.index("submit")]["text"]
    assert f"kernel python: {sys.executable}" in out, out
    # The server told the kernel its notebook (jupyter_server's JPY_SESSION_NAME).
    assert f"session: {lab.notebook}" in out or f"session: {lab.notebook.name}" in out, out
    # submit() found the file from the Jupyter session (JPY_SESSION_NAME / __session__), not a path.
    assert NO_SERVICE in out and f"Hand in {lab.notebook} the way your course says" in out, out
    assert "sha256 " in out and "differs from what your kernel defines" not in out, out


FRONT_ENDS = {
    "jupyterlab": f"/lab/tree/{AID}.ipynb",
    "notebook7": f"/notebooks/{AID}.ipynb",
}


@pytest.mark.parametrize("front_end", list(FRONT_ENDS))
def test_check_and_submit_in_the_front_end(lab, browser, front_end, tmp_path):
    from PIL import Image

    lab.close_sessions()
    lab.notebook.write_bytes(lab.pristine)  # what the other front end may have saved
    started = time.monotonic()
    cells = _run_notebook(browser, lab, front_end, f"{lab.url}{FRONT_ENDS[front_end]}?token={lab.token}",
                          tmp_path)
    ran = time.monotonic() - started
    # The mutant's check cell in view, as a student sees it (taken before judging the page, so
    # a failing assertion has its picture).
    exercise = next(m for m in read_mutants(ROOT / "solutions" / AID / "mutants") if m.name == MUTANT).exercise
    # Scrolled, then two animation frames so the scroll is painted before the screenshot.
    browser.execute_async_script("""
      const done = arguments[arguments.length - 1];
      document.querySelectorAll('.jp-Notebook .jp-Cell')[arguments[0]].scrollIntoView({block: 'start'});
      requestAnimationFrame(() => requestAnimationFrame(() => done(true)));""",
                                 lab.roles.index(f"check:{exercise}") - 1)
    shot = tmp_path / f"{front_end}.png"
    assert browser.save_screenshot(str(shot))
    _check_page(cells, lab, f"{front_end} (screenshot: {shot})")
    img = Image.open(shot).convert("RGB")
    assert img.size[0] == WIDTH, img.size
    colours = img.resize((img.size[0] // 4, img.size[1] // 4)).getcolors(maxcolors=1 << 16) or []
    assert len(colours) > 10, f"{front_end}: a blank screenshot ({shot})"
    if front_end == "jupyterlab" and os.environ.get("AUTOGRADER_DOCS_SHOTS"):
        img.convert("P", palette=Image.Palette.ADAPTIVE, colors=96).save(DOCS_SHOT, optimize=True)
    print(f"{front_end}: opened, ran all cells and read the page in {ran:.1f} s; screenshot {shot}\n"
          f"submit() said: {cells[lab.roles.index('submit')]['text']}")
