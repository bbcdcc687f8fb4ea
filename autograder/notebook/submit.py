"""``submit()``: hand in the saved notebook from the notebook, with a receipt.

Runs in the student's kernel. It saves nothing behind the student's back: it reads the
file as it is on disk, and

1. finds it: ``submit("path.ipynb")``, else the notebook the front end names (the Jupyter
   server's session path, VS Code's notebook path; Colab names none: pass the path);
2. warns when the saved file differs from what the kernel defines (a function or class
   whose source, as run in this kernel, is not in the saved file: unsaved edits);
3. runs the saved file top to bottom in a fresh kernel (nbclient), skipping cells that
   call ``check``/``submit`` and cells tagged ``check``/``demo``/``skip-grading``, as the
   grader does; a cell that raises stops the hand-in (``force=True`` hands it in anyway);
4. uploads it through the service's client (``autograder.submit_client``) and shows a
   receipt (id, sha256, time, queue position), or says how to hand it in when no
   service is set.
"""

from __future__ import annotations

import hashlib
import html
import inspect
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from autograder import i18n
from autograder.notebook.locate import ID_RE, notebook_path, service_settings
from autograder.submission import SKIP_TAGS, is_check_cell
from autograder.submit_client import feedback_url


class SubmitError(Exception):
    """The notebook was not handed in; the message says why and what to do."""


@dataclass(frozen=True)
class Receipt:
    """What the service acknowledged (or, without a service, what to hand in by hand)."""

    file: str
    sha256: str
    assignment: str
    id: str | None = None  # None: not uploaded (no service set)
    received_at: str | None = None
    position: int | None = None
    server: str | None = None
    warnings: tuple[str, ...] = field(default=())
    lang: str = i18n.DEFAULT

    @property
    def uploaded(self) -> bool:
        return self.id is not None

    def lines(self) -> list[str]:
        _ = i18n.translations(self.lang).gettext
        out = list(self.warnings)
        if not self.uploaded:
            out.append(_("No submission service is set, so nothing was uploaded. Hand in {file} the way your "
                         "course says (for example on Gradescope). To submit from here, set "
                         "AUTOGRADER_SERVER and AUTOGRADER_TOKEN.").format(file=self.file))
        else:
            out.append(_("Submitted {file} for {assignment}.").format(file=self.file, assignment=self.assignment))
            out.append(_("Receipt: submission {id}, received {time}, queue position {position}.").format(
                id=self.id, time=self.received_at or "?", position=self.position if self.position else "-"))
            if self.server:
                out.append(_("Feedback: {url}").format(url=feedback_url(self.server, self.id)))
        out.append("sha256 " + self.sha256)
        return out

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    __str__ = __repr__

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(repr(self))

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.uploaded else "#9a6700"
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.lines())
        if self.uploaded and self.server:
            url = html.escape(feedback_url(self.server, str(self.id)))
            items = items.replace(url, f"<a href='{url}' target='_blank' rel='noopener'>{url}</a>", 1)
        return f"<div class='autograder-receipt' style='color:{colour}'><ul>{items}</ul></div>"


def submit(path: str | Path | None = None, *, assignment: str | None = None, force: bool = False,
           lang: str | None = None, namespace: dict[str, Any] | None = None,
           run_timeout: float = 600.0) -> Receipt | None:
    """Hand in the saved notebook (``path``, or the one this kernel belongs to)."""
    from autograder.notebook.check import _STATE, in_grading_worker

    if in_grading_worker():
        return None
    ns = namespace if namespace is not None else sys._getframe(1).f_globals
    lang = i18n.choose(lang)
    _ = i18n.translations(lang).gettext
    file = _find_file(path, ns, lang)
    data = file.read_bytes()
    aid = assignment or _STATE["assignment"] or _assignment_of(file, lang)
    warnings = []
    stale = unsaved_definitions(file, ns)
    if stale:
        warnings.append(_("The saved file differs from what your kernel defines ({names}): the grader gets the "
                          "saved file. Save the notebook (Ctrl+S / Cmd+S) and run submit() again if you meant to "
                          "hand in those edits.").format(names=", ".join(stale)))
    problem = fresh_run_problem(file, run_timeout)
    if problem and not force:
        raise SubmitError(_("Not handed in: {file} does not run top to bottom in a fresh kernel ({problem}). "
                            "Fix it (Kernel > Restart and Run All shows the same), save, and submit again; "
                            "submit(force=True) hands it in anyway.").format(file=file.name, problem=problem))
    if problem:
        warnings.append(_("It does not run top to bottom in a fresh kernel ({problem}); handed in anyway.")
                        .format(problem=problem))
    sha = hashlib.sha256(data).hexdigest()
    settings = service_settings()
    if not settings.server or not settings.token:
        return Receipt(file=str(file), sha256=sha, assignment=aid, warnings=tuple(warnings), lang=lang)
    sub = _upload(file, aid, settings.server, settings.token, lang)
    if sub.get("sha256") not in (None, sha):
        warnings.append(_("The service stored different bytes (sha256 {theirs}) than this file has: submit "
                          "again.").format(theirs=sub.get("sha256")))
    return Receipt(file=str(file), sha256=sha, assignment=aid, id=str(sub["id"]),
                   received_at=sub.get("received_at"), position=sub.get("position"), server=settings.server,
                   warnings=tuple(warnings), lang=lang)


def _find_file(path: str | Path | None, ns: dict[str, Any], lang: str) -> Path:
    _ = i18n.translations(lang).gettext
    if path is None:
        found = notebook_path(ns)
        if found is None:
            raise SubmitError(_("Which file? This front end does not say which notebook this kernel belongs to "
                                "(Colab never does). Save it, then pass its path: submit(\"01_tensors.ipynb\")."))
        path = found
    file = Path(path).expanduser()
    if not file.is_absolute():
        file = Path.cwd() / file
    if not file.is_file():
        raise SubmitError(_("{file} does not exist. Save the notebook first, or pass the right path.")
                          .format(file=file))
    return file


def _assignment_of(file: Path, lang: str) -> str:
    toml = file.parent / "assignment.toml"
    if toml.is_file():
        import tomllib

        try:
            aid = tomllib.loads(toml.read_text(encoding="utf-8")).get("assignment", {}).get("id")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            aid = None
        if isinstance(aid, str):
            return aid
    if ID_RE.match(file.stem):
        return file.stem
    _ = i18n.translations(lang).gettext
    raise SubmitError(_("Cannot tell the assignment of {file}: pass submit(..., assignment=\"01_tensors\").").format(
        file=file.name))


def unsaved_definitions(file: Path, ns: dict[str, Any]) -> list[str]:
    """Functions and classes defined in this kernel whose source is not in the saved file."""
    try:
        nb = nbformat.read(file, as_version=4)
        saved = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    except Exception:  # noqa: BLE001 - not a notebook (a .py): compare with its text
        saved = file.read_text(encoding="utf-8", errors="replace")
    saved_lines = _normalised(saved)
    stale = []
    for name, obj in list(ns.items()):
        if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        if getattr(obj, "__module__", None) not in ("__main__", ns.get("__name__")):
            continue  # imported, not written in this notebook
        try:
            source = inspect.getsource(obj)
        except (OSError, TypeError):
            continue  # defined by exec() or the like: nothing to compare
        if not _normalised(source) <= saved_lines:
            stale.append(name)
    return sorted(stale)


def _normalised(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")}


def fresh_run_problem(file: Path, timeout: float) -> str | None:
    """Run the saved notebook in a fresh kernel as the grader would load it; None when every
    cell ran, else which cell raised what."""
    if file.suffix != ".ipynb":
        return None
    from nbclient import NotebookClient

    nb = nbformat.read(file, as_version=4)
    keep = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", []) if isinstance(cell.metadata.get("tags"), list) else []
        if cell.cell_type != "code" or any(t in SKIP_TAGS for t in tags) or is_check_cell(cell.source):
            continue
        keep.append(cell)
    index = {id(c): i + 1 for i, c in enumerate(nb.cells)}
    nb.cells = keep
    with tempfile.TemporaryDirectory(prefix="ag-kernel-") as sockets:
        client = NotebookClient(nb, km=_quiet_kernel_manager(Path(sockets)), timeout=timeout,
                                resources={"metadata": {"path": str(file.parent)}})
        return _first_problem(client, keep, index)


def _quiet_kernel_manager(sockets: Path):
    """A kernel on local sockets (IPC) where the platform has them: over TCP, ipykernel warns
    on the student's kernel's stderr (red in JupyterLab) that it is not encrypted."""
    from jupyter_client.manager import KernelManager

    if os.name != "posix":
        return KernelManager(kernel_name="python3")
    return KernelManager(kernel_name="python3", transport="ipc", ip=str(sockets / "k"))


def _first_problem(client, keep: list, index: dict[int, int]) -> str | None:
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    try:
        client.execute()
    except CellExecutionError as e:
        cell = next((c for c in keep if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        where = f"cell {index.get(id(cell), '?')}" if cell is not None else "a cell"
        return f"{where}: {e.ename}: {e.evalue}"[:500]
    except (CellTimeoutError, DeadKernelError, TimeoutError, RuntimeError) as e:
        return f"{type(e).__name__}: {e}"[:500]
    return None


def _upload(file: Path, aid: str, server: str, token: str, lang: str) -> dict:
    """Through the service's client: the 202 answer, with the server's time of receipt."""
    _ = i18n.translations(lang).gettext
    try:
        import httpx

        from autograder.submit_client import Refused, connect, upload
    except ImportError:
        raise SubmitError(_("Submitting from the notebook needs httpx: pip install \"torch-autograder[notebook]\""
                            )) from None
    try:
        with connect(server, token) as http:
            sub = upload(http, file, aid)
            r = http.get(f"/api/v1/submissions/{sub['id']}")  # received_at: the service's clock
            if r.status_code == 200:
                sub = {**r.json(), **{k: v for k, v in sub.items() if k == "position"}}
    except Refused as e:
        wait = (" " + _("Retry after {seconds} s.").format(seconds=e.retry_after)) if e.retry_after else ""
        raise SubmitError(_("The service did not accept {file} ({status}: {message}).").format(
            file=file.name, status=e.status, message=e.message) + wait) from None
    except httpx.TransportError as e:
        raise SubmitError(_("Cannot reach {server} ({error}): nothing was handed in. Check your network and "
                            "AUTOGRADER_SERVER, then submit again.").format(server=server, error=e)) from None
    return sub
