"""Turn whatever a student handed in into the code cells a sandboxed worker will run.

This module runs in the TRUSTED grader process. It only reads bytes: it never imports,
compiles or executes student code (syntax errors are the worker's business), and it never
extracts archives to disk. Everything it rejects is a :class:`SubmissionError` whose text
is shown to the student, so every message says what is wrong and what to do next.

Accepted inputs: a notebook (``.ipynb``), a Python file (``.py``, split on jupytext
``# %%`` or nbconvert ``# In[ ]:`` markers), a folder, or a ``.zip`` holding one of those.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import os
import re
import stat
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import nbformat

from autograder import i18n
from autograder.i18n import t as _  # the grading's (or the command's) language

DECIDES_GRADES = True  # part of every grade's cache key (cache_key.py)

__all__ = [
    "ACCEPTED_SUFFIXES",
    "CodeCell",
    "NoCodeError",
    "Submission",
    "SubmissionError",
    "guess_assignment_id",
    "load_bytes",
    "load_submission",
]

ACCEPTED_SUFFIXES = (".ipynb", ".py", ".zip")

SKIP_TAGS = ("demo", "skip-grading", "check")
# `autograder release` puts a cell tagged `check` after each exercise (it calls check()):
# skipped without a note, as is any cell that only imports and calls the notebook helper.
QUIET_SKIP_TAGS = ("check",)
NOTEBOOK_HELPERS = frozenset({"check", "submit", "use"})

# Zip limits. The member cap keeps the central directory cheap to walk; the ratio cap
# flags bombs early (real notebooks and code compress ~3-10x, zeros ~1000x).
MAX_ZIP_MEMBERS = 1000
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 1_000_000
# Folders get the same cap on files walked, so pointing at a home dir or a venv fails fast.
MAX_FOLDER_FILES = 1000

_CHUNK = 64 * 1024
_IGNORED_DIRS = frozenset({"__pycache__", "__MACOSX", ".ipynb_checkpoints"})
# Cell magics whose body is ordinary Python that Jupyter ran in the user namespace: the
# student's definitions in a %%time cell exist in their notebook, so keep the body.
# (%%timeit is not here: IPython runs its body inside a function, definitions vanish.)
_PYTHON_BODY_CELL_MAGICS = frozenset({"time", "capture"})

_PERCENT_MARKER = re.compile(r"#\s*%%(?:\s.*)?")
_NBCONVERT_MARKER = re.compile(r"#\s*In\[[ \d]*\]:\s*")
_JUPYTEXT_NON_CODE = re.compile(r"\[(?:markdown|md|raw)\]")
_JUPYTEXT_TAGS = re.compile(r"tags=(\[[^\]]*\])")
# `x = !ls` / `a, b = %sx ls`: never valid Python, so safe to treat as IPython syntax.
_ASSIGNED_ESCAPE = re.compile(r"[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[!%]")
# `torch.randn?`, `torch.randn??`, `?torch.randn`, `torch.*rand*?`: dotted names only, so a
# comment ending in "?" is never mistaken for help.
_HELP_LINE = re.compile(r"\?{1,2}\s*[A-Za-z_*][\w.*]*\??|[A-Za-z_*][\w.*]*\?{1,2}")
# What nbconvert writes for magics and shell escapes in a .py export.
_GET_IPYTHON = re.compile(
    r"(?:[A-Za-z_][\w.]*\s*=\s*)?get_ipython\(\)\s*\.\s*"
    r"(?:run_line_magic|run_cell_magic|system|getoutput|magic)\s*\("
)
_DRIVE = re.compile(r"[A-Za-z]:")
_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


class SubmissionError(Exception):
    """The submission cannot be graded at all. str(e) is shown to the student: it says
    what is wrong and what to do next (e.g. 'Save the notebook as UTF-8 and submit again')."""


class NoCodeError(SubmissionError):
    """The file was read, and holds no code to grade (only markdown, empty or skipped cells).
    The service refuses such an upload before it is stored (upload_check.py)."""


@dataclass(frozen=True)
class CodeCell:
    """One unit of student code for the worker to compile and run, in order."""

    index: int  # notebook cell index (0-based, counting all cells), or the ordinal of the chunk for .py
    label: str  # human label used in messages: "cell 4" (1-based) or "01_tensors.py lines 10-24"
    source: str  # the code to execute, magics already removed
    filename: str  # the pseudo-filename to compile it under, e.g. "<cell 4>" or "01_tensors.py"
    first_line: int  # line of source's first line in the original file (1 for notebooks)


@dataclass(frozen=True)
class Submission:
    """A loaded submission: where it came from, its code cells, and what the loader did."""

    path: Path  # what was given (file, folder or zip)
    source_path: str  # the file chosen inside it, relative POSIX name, e.g. "alice/01_tensors.py"
    kind: str  # "ipynb" or "py"
    cells: tuple[CodeCell, ...]
    sha256: str  # hex digest of the bytes of `path` (folder: over sorted relative paths + contents)
    notes: tuple[str, ...]  # things the student should know, e.g. "cell 7 skipped: tagged demo"
    # The assignment a notebook's metadata names (``metadata.autograder.assignment``, written
    # by `autograder release`), or None: upload_check.py tells another assignment's notebook by it.
    assignment: str | None = None


# --------------------------------------------------------------------------- public API


def guess_assignment_id(path: Path) -> str | None:
    """Guess the assignment id from a submission's name: ``<id>.ipynb``, ``<id>.py``,
    ``<id>.zip`` or a folder ``<id>/``. Returns None when the name gives no usable guess.

    Browser download decorations are dropped ("01_tensors (1).ipynb" -> "01_tensors"), as is
    Jupyter's "-checkpoint" suffix. Only the name is looked at; nothing is read.
    """
    path = Path(path)
    if path.is_dir():
        stem = path.name
    elif path.suffix.lower() in ACCEPTED_SUFFIXES:
        stem = path.stem
    else:
        return None
    stem = re.sub(r"\s*\(\d+\)$", "", stem)
    stem = re.sub(r"-checkpoint$", "", stem).strip()
    return stem if _ID.fullmatch(stem) else None


def load_submission(path: Path, assignment_id: str, *, max_bytes: int = 20_000_000) -> Submission:
    """Read a submission (notebook, .py, folder or .zip) and return its code cells.

    `assignment_id` only picks the file inside a folder or zip (``<id>.ipynb`` first, then
    ``<id>.py``) and names the expected file in messages; a single file whose name differs
    is still accepted. `max_bytes` caps every file read and every zip member decompressed.
    Raises SubmissionError, with a message meant for the student, when nothing can be graded.
    """
    path = Path(path)
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive")
    if not path.exists():
        raise SubmissionError(
            _("Submission not found: {path} does not exist. "
              "Check the path (or upload your file again) and submit again.").format(path=path)
        )
    if path.is_dir():
        return _load_folder(path, assignment_id, max_bytes)
    suffix = path.suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise SubmissionError(_unsupported_message(path.name, suffix))
    return _from_bytes(path, path.name, _read_file(path, path.name, max_bytes), assignment_id, max_bytes)


def load_bytes(data: bytes, name: str, assignment_id: str, *, max_bytes: int = 20_000_000) -> Submission:
    """``load_submission`` of one file's bytes (``name`` ends in .ipynb, .py or .zip: it
    decides how they are read, as the file's suffix does): the same cells the grader will
    run, for a server that checks an upload before storing it. Nothing touches the disk."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise SubmissionError(_unsupported_message(name, suffix))
    if len(data) > max_bytes:
        raise _too_big(name, len(data), max_bytes)
    return _from_bytes(Path(name), name, data, assignment_id, max_bytes)


def _from_bytes(path: Path, name: str, data: bytes, assignment_id: str, max_bytes: int) -> Submission:
    digest = hashlib.sha256(data).hexdigest()
    if name.lower().endswith(".zip"):
        source_path, member = _load_zip_member(data, name, assignment_id, max_bytes)
        return _build(path, source_path, member, digest)
    return _build(path, name, data, digest)


# --------------------------------------------------------------------------- reading


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def _too_big(name: str, size: int | None, max_bytes: int) -> SubmissionError:
    """size None: the true size is unknown because reading stopped at the cap."""
    advice = (
        _("Clear the outputs (in Jupyter: Edit > Clear All Outputs), save, and submit again.")
        if name.lower().endswith(".ipynb")
        else _("Submit only your notebook or code (no data sets, models or outputs) and submit again.")
    )
    if size is None:
        what = _("{name} is bigger than the {limit} limit.").format(name=name, limit=_mb(max_bytes))
    else:
        what = _("{name} is {size}, more than the {limit} limit.").format(name=name, size=_mb(size),
                                                                          limit=_mb(max_bytes))
    return SubmissionError(f"{what} {advice}")


def _unsupported_message(name: str, suffix: str) -> str:
    hint = ""
    if suffix in {".html", ".pdf", ".md", ".txt"}:
        hint = " " + _("An export cannot be graded: submit the .ipynb notebook itself.")
    elif suffix in {".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz"}:
        hint = " " + _("Pack your files as a .zip instead.")
    return _("{name}: unsupported file type '{suffix}'. Accepted: a Jupyter notebook "
             "(.ipynb), a Python file (.py), a .zip, or a folder.{hint} Submit again with one of those.").format(
        name=name, suffix=suffix or "(none)", hint=hint)


def _read_file(path: Path, display: str, max_bytes: int) -> bytes:
    """Read a regular file once, refusing more than max_bytes (also if it grows while read)."""
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise SubmissionError(
                    _("{file} is not a regular file. Submit a notebook, .py file, .zip or folder.").format(
                        file=display)
                )
            if st.st_size > max_bytes:
                raise _too_big(display, st.st_size, max_bytes)
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise SubmissionError(
            _("{file} could not be read ({error}). Check that the file is readable and submit again.").format(
                file=display, error=e.strerror or e)
        ) from e
    if len(data) > max_bytes:
        raise _too_big(display, None, max_bytes)
    return data


def _decode(data: bytes, display: str) -> str:
    """Strict UTF-8 with an optional BOM; the error names the byte offset in the file."""
    bom = 0
    if data.startswith(b"\xef\xbb\xbf"):
        bom = 3
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SubmissionError(
            _("{file} is saved as UTF-16, not UTF-8. Save it as UTF-8 (Jupyter always does; in an "
              "editor choose 'Save with encoding: UTF-8') and submit again.").format(file=display)
        )
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as e:
        offset = e.start + bom
        line = data.count(b"\n", 0, offset) + 1
        raise SubmissionError(
            _("{file} is not valid UTF-8 text: byte {byte} at offset {offset} (line {line}) cannot be "
              "decoded. Save the file as UTF-8 (in an editor choose 'Save with encoding: UTF-8'; Jupyter "
              "saves notebooks as UTF-8) and submit again.").format(
                file=display, byte=f"0x{data[offset]:02x}", offset=offset, line=line)
        ) from None


# --------------------------------------------------------------------------- choosing a file


def _skip_component(name: str) -> bool:
    return name.startswith(".") or name in _IGNORED_DIRS


def _choose(candidates: list[str], others: list[str], assignment_id: str, where: str) -> str:
    """Pick the file to grade among relative POSIX paths of .ipynb/.py files.

    Order: <id>.ipynb, then <id>.py (name matched case-insensitively, the shallowest match
    wins; two at the same depth is ambiguous); else the only notebook; else, with no
    notebook at all, the only .py file.
    """
    for suffix in (".ipynb", ".py"):
        want = f"{assignment_id}{suffix}".lower()
        matches = [c for c in candidates if PurePosixPath(c).name.lower() == want]
        if matches:
            depth = min(c.count("/") for c in matches)
            best = sorted(c for c in matches if c.count("/") == depth)
            if len(best) == 1:
                return best[0]
            raise SubmissionError(
                f"{where} contains {len(best)} files named {assignment_id}{suffix}: "
                f"{_listing(best)}. Keep only the one to grade and submit again."
            )
    notebooks = sorted(c for c in candidates if c.lower().endswith(".ipynb"))
    scripts = sorted(c for c in candidates if c.lower().endswith(".py"))
    if len(notebooks) == 1:
        return notebooks[0]
    if not notebooks and len(scripts) == 1:
        return scripts[0]
    expected = f"Expected {assignment_id}.ipynb (or {assignment_id}.py)"
    if not candidates:
        found = f"found: {_listing(sorted(others))}" if others else "it is empty"
        raise SubmissionError(
            f"No notebook (.ipynb) or Python file (.py) in {where} ({found}). "
            f"{expected}: add your notebook and submit again."
        )
    raise SubmissionError(
        f"Cannot tell which file to grade in {where}: found {_listing(notebooks + scripts)}. "
        f"{expected}: rename the file to grade to {assignment_id}.ipynb (or remove the others) "
        "and submit again."
    )


def _listing(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _is_candidate(name: str) -> bool:
    return name.lower().endswith((".ipynb", ".py"))


# --------------------------------------------------------------------------- folders


def _load_folder(root: Path, assignment_id: str, max_bytes: int) -> Submission:
    where = f"the folder {root.name or root}"
    candidates: dict[str, Path] = {}
    others: list[str] = []
    seen = 0
    # os.walk does not follow symlinked folders; symlinked files are skipped below, so a
    # link cannot pull a file from elsewhere on the grading machine into the submission.
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _skip_component(d))
        for fname in sorted(filenames):
            if _skip_component(fname):
                continue
            full = Path(dirpath, fname)
            if full.is_symlink() or not full.is_file():
                continue
            seen += 1
            if seen > MAX_FOLDER_FILES:
                raise SubmissionError(
                    f"{where} holds more than {MAX_FOLDER_FILES} files (a data set or virtual "
                    "environment?). Submit only your notebook (or a folder with just your work)."
                )
            rel = full.relative_to(root).as_posix()
            if _is_candidate(fname):
                candidates[rel] = full
            else:
                others.append(rel)
    chosen = _choose(list(candidates), others, assignment_id, where)

    # Hash every file considered (all .ipynb/.py), each read once; the chosen one's bytes
    # are kept. Length-prefixed so different (path, content) splits never collide.
    digest = hashlib.sha256(b"torch-autograder folder v1\0")
    total = 0
    chosen_data = b""
    for rel in sorted(candidates):
        data = _read_file(candidates[rel], rel, max_bytes)
        total += len(data)
        if total > max_bytes:
            raise SubmissionError(
                f"The .ipynb and .py files in {where} total more than the {_mb(max_bytes)} "
                "limit. Submit only your notebook (outputs cleared) and submit again."
            )
        if rel == chosen:
            chosen_data = data
        rel_bytes = rel.encode("utf-8", "surrogateescape")
        for part in (rel_bytes, data):
            digest.update(struct.pack(">Q", len(part)))
            digest.update(part)
    return _build(root, chosen, chosen_data, digest.hexdigest())


# --------------------------------------------------------------------------- zips

# Everything zipfile/zlib/lzma/bz2 may raise on damaged input.
_ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    KeyError,
)


def _damaged_zip(display: str, detail: object) -> SubmissionError:
    return SubmissionError(
        _("{file} is damaged or not a zip file ({detail}). Create the zip again "
          "(or submit your notebook directly) and submit again.").format(file=display, detail=detail)
    )


def _check_member_name(info: zipfile.ZipInfo, display: str) -> str:
    """Reject names that would escape a folder if extracted; return the name with '/'."""
    raw = info.orig_filename
    name = info.filename
    parts = re.split(r"[\\/]", name)
    if (
        "\x00" in raw
        or name.startswith(("/", "\\"))
        or _DRIVE.match(name)
        or ".." in parts
    ):
        raise SubmissionError(
            _("{file} contains an unsafe path ({name}): absolute paths and '..' are not allowed. Zip "
              "your folder from inside it (e.g. select the files, then 'Compress') and submit again.").format(
                file=display, name=repr(name))
        )
    return "/".join(p for p in parts if p not in ("", "."))


def _check_zip_members(zf: zipfile.ZipFile, display: str, max_bytes: int) -> dict[str, zipfile.ZipInfo]:
    """Validate every member from the central directory; return file members by name."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise SubmissionError(
            _("{file} has {count} entries, more than the {limit} allowed. Zip only your notebook (no data "
              "sets or virtual environments) and submit again.").format(
                file=display, count=len(infos), limit=MAX_ZIP_MEMBERS)
        )
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = _check_member_name(info, display)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise SubmissionError(
                _("{file} contains a symbolic link ({member}). Zip the real files instead of links and "
                  "submit again.").format(file=display, member=info.filename)
            )
        if info.flag_bits & 0x1:
            raise SubmissionError(
                _("{file} is password-protected ({member} is encrypted). Create the zip without a password "
                  "and submit again.").format(file=display, member=info.filename)
            )
        # Header sizes can lie (they are re-checked while reading); these only fail early.
        total += info.file_size
        if info.file_size > max_bytes or total > max_bytes:
            raise SubmissionError(
                _("{file} unpacks to more than the {limit} limit ({member} alone is {size}). Zip only your "
                  "notebook (no data sets or outputs) and submit again.").format(
                    file=display, limit=_mb(max_bytes), member=info.filename, size=_mb(info.file_size))
            )
        if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            raise _bomb(display, info.filename)
        if info.is_dir() or not name:
            continue
        if name in members:
            raise SubmissionError(
                _("{file} lists {member} twice. Create the zip again and submit again.").format(
                    file=display, member=name)
            )
        members[name] = info
    return members


def _bomb(display: str, member: str) -> SubmissionError:
    return SubmissionError(
        _("{file} looks like a zip bomb: {member} is compressed more than {ratio}x. Zip only your notebook "
          "and submit again.").format(file=display, member=member, ratio=MAX_COMPRESSION_RATIO)
    )


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, display: str, max_bytes: int) -> bytes:
    """Decompress one member in memory, in chunks, stopping at the caps whatever the header says."""
    label = f"{display}: {info.filename}"
    buf = bytearray()
    try:
        with zf.open(info) as f:
            while chunk := f.read(_CHUNK):
                buf += chunk
                if len(buf) > max_bytes:
                    raise _too_big(label, None, max_bytes)
                if len(buf) > RATIO_CHECK_MIN_BYTES and len(buf) > MAX_COMPRESSION_RATIO * max(
                    info.compress_size, 1
                ):
                    raise _bomb(display, info.filename)
    except SubmissionError:
        raise
    except _ZIP_ERRORS as e:
        raise _damaged_zip(display, f"{info.filename}: {e}") from e
    return bytes(buf)


def _load_zip_member(data: bytes, display: str, assignment_id: str, max_bytes: int) -> tuple[str, bytes]:
    """Pick and read the file to grade from zip bytes, never touching the disk."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as e:
        raise _damaged_zip(display, e) from e
    with zf:
        try:
            members = _check_zip_members(zf, display, max_bytes)
        except SubmissionError:
            raise
        except _ZIP_ERRORS as e:
            raise _damaged_zip(display, e) from e
        candidates: list[str] = []
        others: list[str] = []
        for name in members:
            parts = name.split("/")
            # __MACOSX/ and ._* are Finder metadata; hidden and cache folders are not work.
            if any(_skip_component(p) for p in parts):
                continue
            (candidates if _is_candidate(parts[-1]) else others).append(name)
        chosen = _choose(candidates, others, assignment_id, display)
        return chosen, _read_member(zf, members[chosen], display, max_bytes)


# --------------------------------------------------------------------------- building cells


def _build(path: Path, source_path: str, data: bytes, digest: str) -> Submission:
    name = PurePosixPath(source_path).name
    text = _decode(data, source_path)
    meta_assignment = None
    if name.lower().endswith(".ipynb"):
        kind = "ipynb"
        cells, notes, meta_assignment = _notebook_cells(text, source_path)
    else:
        kind = "py"
        cells, notes = _script_cells(text, source_path)
    if not cells:
        raise NoCodeError(
            f"{source_path}: no code cells found (markdown, empty cells, magics and cells tagged "
            f"{' / '.join(SKIP_TAGS)} are not graded). Check that you submitted the file with "
            "your solutions, save it, and submit again."
        )
    return Submission(
        path=path,
        source_path=source_path,
        kind=kind,
        cells=tuple(cells),
        sha256=digest,
        notes=tuple(notes),
        assignment=meta_assignment,
    )


def _not_a_notebook(display: str, why: str) -> SubmissionError:
    return SubmissionError(
        _("{file} is not a valid Jupyter notebook: {why}. Open it in Jupyter, save it "
          "(or download it again), and submit again.").format(file=display, why=why)
    )


def _notebook_cells(text: str, display: str) -> tuple[list[CodeCell], list[str], str | None]:
    # json.loads first (one parse) for the error position; nbformat.reads would re-parse the
    # text and only *log* validation problems, so the shape we rely on is checked here.
    if not text.strip():
        raise SubmissionError(
            _("{file} is empty (0 bytes of notebook). The notebook file is damaged: "
              "download it again or save it in Jupyter, and submit again.").format(file=display)
        )
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise SubmissionError(
            _("The notebook file {file} is damaged: it is not valid JSON ({error} at line {line}, column "
              "{column}, char {char}). Download it again or open it in Jupyter and save it, then submit "
              "again.").format(file=display, error=e.msg, line=e.lineno, column=e.colno, char=e.pos)
        ) from None
    if not isinstance(raw, dict):
        raise _not_a_notebook(display, f"it holds a JSON {type(raw).__name__}, not a notebook object")
    major = raw.get("nbformat")
    if not isinstance(major, int) or isinstance(major, bool):
        raise _not_a_notebook(display, 'it has no "nbformat" version')
    if major > 4:
        raise _not_a_notebook(display, f"notebook format {major} is not supported (expected 4)")
    if major == 4 and not isinstance(raw.get("cells"), list):
        raise _not_a_notebook(display, 'it has no "cells" list')
    if major == 3 and not isinstance(raw.get("worksheets"), list):
        raise _not_a_notebook(display, 'it has no "worksheets" list')
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # id/normalisation warnings mean nothing to a student
            nb = nbformat.convert(nbformat.from_dict(raw), 4)
    except Exception as e:  # nbformat raises many types on malformed old formats
        raise _not_a_notebook(display, f"it cannot be read ({e})") from e

    cells: list[CodeCell] = []
    notes: list[str] = []
    for index, cell in enumerate(nb.get("cells", [])):
        if not isinstance(cell, dict):
            raise _not_a_notebook(display, f"cell {index + 1} is not an object")
        if cell.get("cell_type") != "code":
            continue
        label = _("cell {number}").format(number=index + 1)
        metadata = cell.get("metadata")
        tags = metadata.get("tags") if isinstance(metadata, dict) else None
        tags = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
        skip = next((t for t in tags if t in SKIP_TAGS), None)
        if skip:
            if skip not in QUIET_SKIP_TAGS:
                notes.append(_("{cell} skipped: tagged {tag}").format(cell=label, tag=skip))
            continue
        source = cell.get("source", "")
        if isinstance(source, list):  # nbformat allows a list of lines on disk
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            continue
        cleaned = _clean(source, label, notes)
        if cleaned is not None and not _is_blank(cleaned) and not is_check_cell(cleaned):
            cells.append(CodeCell(index, label, cleaned, f"<{label}>", 1))
    meta = nb.get("metadata", {}).get("autograder")
    named = meta.get("assignment") if isinstance(meta, dict) else None
    return cells, notes, named if isinstance(named, str) else None


def _script_cells(text: str, display: str) -> tuple[list[CodeCell], list[str]]:
    """Split a .py on jupytext ``# %%`` / nbconvert ``# In[ ]:`` lines (column 0)."""
    lines = _split_lines(text)
    # (start, end, header): lines[start:end] belong to the chunk, header is its marker line.
    chunks: list[tuple[int, int, str | None]] = []
    start, header = 0, None
    for i, line in enumerate(lines):
        if _PERCENT_MARKER.fullmatch(line) or _NBCONVERT_MARKER.fullmatch(line):
            if i > 0 or header is not None:
                chunks.append((start, i, header))
            start, header = i + 1, line
    chunks.append((start, len(lines), header))

    cells: list[CodeCell] = []
    notes: list[str] = []
    for ordinal, (start, end, header) in enumerate(chunks):
        body = lines[start:end]
        nonblank = [k for k, line in enumerate(body) if line.strip()]
        if not nonblank:
            continue
        lo, hi = nonblank[0], nonblank[-1]
        first_line = start + lo + 1
        last_line = start + hi + 1
        span = (_("line {number}").format(number=first_line) if first_line == last_line
                else _("lines {first}-{last}").format(first=first_line, last=last_line))
        label = f"{display} {span}"
        if header is not None and _JUPYTEXT_NON_CODE.search(header):
            continue  # jupytext markdown/raw cell: commented text, not code
        skip = _jupytext_skip_tag(header)
        if skip:
            if skip not in QUIET_SKIP_TAGS:
                notes.append(_("{cell} skipped: tagged {tag}").format(cell=label, tag=skip))
            continue
        cleaned = _clean("\n".join(body[lo : hi + 1]), label, notes, script=True)
        if cleaned is not None and not _is_blank(cleaned) and not is_check_cell(cleaned):
            cells.append(CodeCell(ordinal, label, cleaned, display, first_line))
    return cells, notes


def _jupytext_skip_tag(header: str | None) -> str | None:
    if not header:
        return None
    m = _JUPYTEXT_TAGS.search(header)
    if not m:
        return None
    try:
        tags = json.loads(m.group(1))
    except ValueError:
        return None
    return next((t for t in tags if t in SKIP_TAGS), None) if isinstance(tags, list) else None


# --------------------------------------------------------------------------- magics


def _split_lines(text: str) -> list[str]:
    # Only the newlines Python's tokenizer knows: str.splitlines would also split on \x0c,
    # \u2028, ... and shift line numbers away from what the compiler reports.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def is_check_cell(source: str) -> bool:
    """A cell that only imports from ``autograder.notebook`` and calls its helpers
    (``check("softmax")``, ``submit()``, ``use("01_tensors")``), as check cells do: it tests
    or hands in the notebook, it is not part of it (also when its tag was lost on export)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    if not tree.body:
        return False
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "autograder.notebook":
            continue
        if isinstance(node, ast.Import) and all(a.name == "autograder.notebook" for a in node.names):
            continue
        call = node.value if isinstance(node, (ast.Expr, ast.Assign)) else None
        if isinstance(call, ast.Call):
            fn = call.func
            name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else None
            if name in NOTEBOOK_HELPERS:
                continue
        return False
    return True


def _is_blank(source: str) -> bool:
    return all(not s.strip() or s.lstrip().startswith("#") for s in source.split("\n"))


class _Lexer:
    """Just enough Python lexing to know whether a line starts a new statement.

    A `%` or `!` at the start of a line inside brackets, a continued line or a
    triple-quoted string is Python (a modulo, text), not IPython syntax.
    """

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> None:
        self.continued = False
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            if self.quote:
                if c == "\\":
                    i += 2
                    continue
                if line.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = None
                    continue
                i += 1
                continue
            if c == "#":
                break
            if c in "([{":
                self.depth += 1
            elif c in ")]}":
                self.depth = max(0, self.depth - 1)
            elif c in "'\"":
                self.quote = c * 3 if line.startswith(c * 3, i) else c
                i += len(self.quote)
                continue
            elif c == "\\" and i == n - 1:
                self.continued = True
            i += 1
        # A single-quoted string ends at the newline unless the newline is escaped.
        if self.quote in ("'", '"') and not line.endswith("\\"):
            self.quote = None


def _escape_kind(line: str) -> str | None:
    """Classify a line that starts a statement: IPython syntax, nbconvert magic, or None."""
    s = line.strip()
    if s.startswith(("%", "!")) or _ASSIGNED_ESCAPE.match(s) or _HELP_LINE.fullmatch(s):
        return "escape"
    if _GET_IPYTHON.match(s):
        return "get_ipython"
    return None


def _blank_for(line: str) -> str:
    # An indented removed line becomes `pass` at the same indent, so `if IN_COLAB:\n
    # !pip install x` still compiles; a top-level one becomes a blank line. Either way the
    # line count, and so every traceback line number, is unchanged.
    indent = line[: len(line) - len(line.lstrip())]
    return f"{indent}pass" if indent else ""


def _unwrap_cell_magic(statement: str) -> str | None:
    """Body of `get_ipython().run_cell_magic('time', '', body)` for magics that run Python."""
    try:
        tree = ast.parse(statement.strip())
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "run_cell_magic"
        and len(call.args) == 3
        and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args)
    ):
        return None
    name, _, body = (a.value for a in call.args)  # type: ignore[union-attr]
    return body.rstrip("\n") if name in _PYTHON_BODY_CELL_MAGICS else None


def _clean(source: str, label: str, notes: list[str], *, script: bool = False) -> str | None:
    """Remove IPython syntax from one cell/chunk; None when the whole cell is skipped."""
    lines = _split_lines(source)
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is not None and not script and lines[first].lstrip().startswith("%%"):
        words = lines[first].lstrip()[2:].split(maxsplit=1)
        magic = words[0] if words else ""
        if magic not in _PYTHON_BODY_CELL_MAGICS:
            notes.append(_("{cell} skipped: %%{magic} cell magic (not Python)").format(cell=label, magic=magic))
            return None
        lines[first] = ""
        notes.append(_("{cell}: ran the body of the %%{magic} cell as plain Python").format(cell=label, magic=magic))

    removed: list[str] = []
    unwrapped: list[tuple[int, str, str]] = []  # (line, indent, body) of run_cell_magic calls
    lexer = _Lexer()
    k = 0
    while k < len(lines):
        line = lines[k]
        kind = _escape_kind(line) if lexer.at_statement_start else None
        if kind is None:
            lexer.feed(line)
            k += 1
            continue
        removed.append(line.strip())
        if kind == "escape":
            # IPython syntax is not Python: do not lex it; a trailing '\' continues it.
            lines[k] = _blank_for(line)
            while line.rstrip().endswith("\\") and k + 1 < len(lines):
                k += 1
                line, lines[k] = lines[k], ""
            k += 1
            continue
        # get_ipython() call: real Python, possibly over several lines; blank all of them.
        start = k
        statement = [line]
        lexer.feed(line)
        lines[k] = _blank_for(line)
        while not lexer.at_statement_start and k + 1 < len(lines):
            k += 1
            statement.append(lines[k])
            lexer.feed(lines[k])
            lines[k] = ""
        lexer = _Lexer()  # an unterminated call must not swallow the rest of the cell
        body = _unwrap_cell_magic("\n".join(statement))
        if body is not None:
            removed.pop()  # reported below as run, not as removed
            unwrapped.append((start, line[: len(line) - len(line.lstrip())], body))
        k += 1

    for start, indent, body in reversed(unwrapped):
        # The cell body replaces the call: later lines of this chunk shift, an accepted cost
        # (nbconvert puts a cell magic alone in its chunk, so usually nothing follows).
        lines[start : start + 1] = [indent + b if b.strip() else b for b in body.split("\n")]
    if removed:
        shown = ", ".join(_shorten(r) for r in removed[:3]) + (", ..." if len(removed) > 3 else "")
        notes.append(i18n.ngettext("{cell}: removed {count} IPython magic/shell line ({shown})",
                                   "{cell}: removed {count} IPython magic/shell lines ({shown})",
                                   len(removed), i18n.current()).format(cell=label, count=len(removed), shown=shown))
    if unwrapped:
        notes.append(_("{cell}: ran the body of {count} %%time/%%capture cell(s) as plain Python").format(
            cell=label, count=len(unwrapped)))
    return "\n".join(lines)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
