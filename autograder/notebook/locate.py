"""Where a notebook's public tests are: the released folder next to it, or the service.

Runs in the student's kernel. ``find_release`` answers with a folder that holds the
release's ``assignment.toml``, ``tests/`` and ``probes.py``:

1. the folder of the notebook (the Jupyter server's session path, VS Code's notebook
   path), the kernel's working directory, or one of their parents, when it holds a
   released assignment (``assignment.toml`` + ``tests/``), or ``assignments/<id>/`` of a
   course checkout;
2. otherwise the release downloaded from the configured service
   (``GET /api/v1/assignments/{id}/release.zip`` with the student's token), cached under
   ``~/.cache/torch-autograder/releases/<id>/``: Colab has only the notebook.

The assignment id comes from ``check(assignment=...)``, ``use("01_tensors")``,
``AUTOGRADER_ASSIGNMENT``, the released folder's ``assignment.toml``, or the notebook's
file name (``01_tensors.ipynb``).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tomllib
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.i18n import t as _  # the check's language: check() sets it (i18n.using) around find_release
from autograder.submit_client import CONFIG  # one place says where the student's settings live

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
RELEASE_ZIP_MAX = 64 << 20  # bytes, unpacked: a release is a notebook and a few test files


class ReleaseNotFound(Exception):
    """No public tests here and none to download; the message says what to do."""


@dataclass(frozen=True)
class Release:
    id: str
    folder: Path  # assignment.toml, tests/, probes.py
    origin: str  # where it was found, for the student: a folder or a URL


@dataclass(frozen=True)
class ServiceSettings:
    server: str | None
    token: str | None


def service_settings() -> ServiceSettings:
    """``AUTOGRADER_SERVER`` / ``AUTOGRADER_TOKEN``, else ``~/.config/torch-autograder/config.toml``
    (read by the service's client, as ``autograder submit`` does)."""
    from autograder.submit_client import settings

    server, token = settings(None, None)
    return ServiceSettings(server or None, token or None)


def notebook_path(namespace: dict[str, Any]) -> Path | None:
    """The notebook file the kernel belongs to, when the front end says (None in Colab)."""
    for key in ("__session__", "__vsc_ipynb_file__"):
        value = namespace.get(key)
        if isinstance(value, str) and value.endswith(".ipynb"):
            return Path(value)
    value = os.environ.get("JPY_SESSION_NAME", "")
    return Path(value) if value.endswith(".ipynb") else None


def _release_id(folder: Path) -> str | None:
    toml = folder / "assignment.toml"
    if not (toml.is_file() and (folder / "tests").is_dir()):
        return None
    try:
        aid = tomllib.loads(toml.read_text(encoding="utf-8")).get("assignment", {}).get("id")
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
        return None
    return aid if isinstance(aid, str) else None


def _candidates(namespace: dict[str, Any]) -> list[Path]:
    starts = []
    nb = notebook_path(namespace)
    if nb is not None:
        starts.append((Path.cwd() / nb).parent)
    starts.append(Path.cwd())
    seen: list[Path] = []
    for start in starts:
        for d in (start, *start.parents):
            if d not in seen:
                seen.append(d)
    return seen


def find_release(assignment: str | None, namespace: dict[str, Any], cache: Path | None = None) -> Release:
    wanted = assignment or os.environ.get("AUTOGRADER_ASSIGNMENT") or None
    for d in _candidates(namespace):
        aid = _release_id(d)
        if aid is not None and (wanted is None or aid == wanted):
            return Release(aid, d, str(d))
        if wanted and _release_id(d / "assignments" / wanted) == wanted:
            return Release(wanted, d / "assignments" / wanted, str(d / "assignments" / wanted))
    if wanted is None:
        nb = notebook_path(namespace)
        stem = nb.stem if nb is not None else ""
        wanted = stem if ID_RE.match(stem) else None
    if wanted is None:
        raise ReleaseNotFound(_(
            "Which assignment is this? No released folder (assignment.toml and tests/) is next to this "
            "notebook. Run the check cell at the top of the notebook (use(\"01_tensors\") with your "
            "assignment's id), or pass it: check(\"softmax\", assignment=\"01_tensors\")."))
    return download_release(wanted, cache)


def download_release(aid: str, cache: Path | None = None) -> Release:
    """The release of ``aid`` from the configured service, cached (refreshed on every call
    that can reach the service, so a corrected test reaches students)."""
    if not ID_RE.match(aid):
        raise ReleaseNotFound(_("{assignment} is not an assignment id (letters, digits, '_', '-' and '.').").format(
            assignment=repr(aid)))
    cfg = service_settings()
    folder = (cache or Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser()
              / "torch-autograder" / "releases") / aid
    if not cfg.server or not cfg.token:
        if _release_id(folder) == aid:
            return Release(aid, folder, _("{folder} (downloaded earlier)").format(folder=folder))
        raise ReleaseNotFound(_(
            "The public tests of {assignment} are not next to this notebook, and no service is set to download "
            "them from. Either open the notebook inside its released folder (the one with tests/ and "
            "assignment.toml), or set AUTOGRADER_SERVER and AUTOGRADER_TOKEN (in Colab: "
            "os.environ[\"AUTOGRADER_SERVER\"] = \"https://...\") or write them into "
            "{config} (server = \"...\", token = \"...\").").format(assignment=aid, config=CONFIG))
    url = f"{cfg.server.rstrip('/')}/api/v1/assignments/{aid}/release.zip"
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {cfg.token}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310 - the course's own server
            data = r.read(RELEASE_ZIP_MAX + 1)
    except urllib.error.HTTPError as e:
        if _release_id(folder) == aid:
            return Release(aid, folder, _("{folder} (downloaded earlier; the service answered {status})").format(
                folder=folder, status=e.code))
        raise ReleaseNotFound(_("The service refused the public tests of {assignment} ({status}: {error}). "
                                "Check the assignment id and your token.").format(
            assignment=aid, status=e.code, error=_error_text(e))) from None
    except (urllib.error.URLError, OSError) as e:
        if _release_id(folder) == aid:
            return Release(aid, folder, _("{folder} (downloaded earlier; {server} is unreachable)").format(
                folder=folder, server=cfg.server))
        raise ReleaseNotFound(_("Cannot reach {server} ({error}). Check AUTOGRADER_SERVER and your network.").format(
            server=cfg.server, error=e)) from None
    _unpack(data, folder)
    if _release_id(folder) != aid:
        raise ReleaseNotFound(_("The release of {assignment} from {server} has no assignment.toml and tests/ "
                                "for it; tell your course staff.").format(assignment=aid, server=cfg.server))
    return Release(aid, folder, url)


def _error_text(e: urllib.error.HTTPError) -> str:
    try:
        import json

        return str(json.loads(e.read(4096)).get("error", ""))[:300]
    except Exception:  # noqa: BLE001 - any body: the status code says enough
        return e.reason or ""


def _unpack(data: bytes, folder: Path) -> None:
    """Unpack a release zip into ``folder`` (replaced): no path leaves it, no more than
    RELEASE_ZIP_MAX bytes. A zip holding one top folder (``01_tensors/...``) is unpacked
    from inside it."""
    if len(data) > RELEASE_ZIP_MAX:
        raise ReleaseNotFound(_("the release the service sent is too large; tell your course staff"))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ReleaseNotFound(_("the service did not send a zip file; tell your course staff")) from None
    names = [i for i in zf.infolist() if not i.is_dir()]
    tops = {Path(i.filename).parts[0] for i in names if len(Path(i.filename).parts) > 1}
    strip = 1 if len(tops) == 1 and all(len(Path(i.filename).parts) > 1 for i in names) else 0
    staging = folder.with_name(folder.name + ".part")
    shutil.rmtree(staging, ignore_errors=True)
    total = 0
    for info in names:
        parts = Path(info.filename).parts[strip:]
        if not parts or info.filename.startswith("/") or ".." in parts or "\\" in info.filename:
            continue
        total += info.file_size
        if total > RELEASE_ZIP_MAX:
            shutil.rmtree(staging, ignore_errors=True)
            raise ReleaseNotFound(_("the release the service sent unpacks too large; tell your course staff"))
        target = staging.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(zf.read(info)[: RELEASE_ZIP_MAX])
    shutil.rmtree(folder, ignore_errors=True)
    staging.mkdir(parents=True, exist_ok=True)
    staging.replace(folder)
