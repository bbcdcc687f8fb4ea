"""Tests for autograder.submission: turning a handed-in file/folder/zip into code cells.

Inputs are built in tmp_path; nothing here imports torch or runs student code.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder import submission as sub
from autograder.submission import (
    CodeCell,
    Submission,
    SubmissionError,
    guess_assignment_id,
    load_submission,
)

AID = "01_tensors"


def write_nb(path: Path, *cells, **kw) -> Path:
    nb = new_notebook(cells=list(cells), **kw)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def nb_text(*cells) -> str:
    return nbformat.writes(new_notebook(cells=list(cells)))


def make_zip(path: Path, members: dict[str, bytes | str], **kw) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, **kw) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def error_of(path: Path, aid: str = AID, **kw) -> str:
    with pytest.raises(SubmissionError) as info:
        load_submission(path, aid, **kw)
    return str(info.value)


# --------------------------------------------------------------------------- notebooks


def test_notebook_happy_path(tmp_path):
    p = write_nb(
        tmp_path / f"{AID}.ipynb",
        new_markdown_cell("# Title\nimport nothing"),
        new_code_cell("import torch\nx = torch.ones(2)"),
        new_markdown_cell("text"),
        new_code_cell("def f(x):\n    return x + 1"),
        new_code_cell("   \n\n"),  # empty: dropped
        new_code_cell("# only a comment"),  # no code: dropped
    )
    s = load_submission(p, AID)
    assert isinstance(s, Submission)
    assert s.kind == "ipynb"
    assert s.source_path == f"{AID}.ipynb"
    assert s.path == p
    assert s.notes == ()
    assert s.cells == (
        CodeCell(1, "cell 2", "import torch\nx = torch.ones(2)", "<cell 2>", 1),
        CodeCell(3, "cell 4", "def f(x):\n    return x + 1", "<cell 4>", 1),
    )
    assert s.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
    with pytest.raises(AttributeError):  # frozen
        s.cells[0].source = "x"  # type: ignore[misc]


def test_notebook_outputs_ignored_and_list_source(tmp_path):
    raw = json.loads(nb_text(new_code_cell("a = 1")))
    raw["cells"][0]["source"] = ["a = 1\n", "b = 2"]
    raw["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "secret"}]
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps(raw), encoding="utf-8")
    s = load_submission(p, AID)
    assert [c.source for c in s.cells] == ["a = 1\nb = 2"]


def test_demo_and_skip_grading_tags_skipped(tmp_path):
    p = write_nb(
        tmp_path / "n.ipynb",
        new_code_cell("a = 1"),
        new_code_cell("train_for_an_hour()", metadata={"tags": ["demo"]}),
        new_code_cell("b = 2", metadata={"tags": ["other", "skip-grading"]}),
        new_code_cell("c = 3", metadata={"tags": ["demonstration"]}),  # not an exact tag
    )
    s = load_submission(p, AID)
    assert [c.source for c in s.cells] == ["a = 1", "c = 3"]
    assert s.notes == ("cell 2 skipped: tagged demo", "cell 3 skipped: tagged skip-grading")


def test_magics_removed_line_numbers_kept(tmp_path):
    src = (
        "%matplotlib inline\n"
        "import torch\n"
        "!pip install tqdm\n"
        "torch.randn?\n"
        "files = !ls\n"
        "x = (3\n"
        "     % 2)\n"  # a modulo inside brackets: Python, kept
        "doc = '''\n"
        "%not a magic inside a string\n"
        "'''\n"
        "if True:\n"
        "    !echo hi\n"  # indented: becomes pass so the block still compiles
        "y = x"
    )
    p = write_nb(tmp_path / "n.ipynb", new_code_cell(src))
    s = load_submission(p, AID)
    (cell,) = s.cells
    lines = cell.source.split("\n")
    assert len(lines) == len(src.split("\n"))  # line numbers unchanged
    assert lines[0] == "" and lines[2] == "" and lines[3] == "" and lines[4] == ""
    assert lines[1] == "import torch"
    assert lines[6] == "     % 2)"
    assert lines[8] == "%not a magic inside a string"
    assert lines[11] == "    pass"
    assert lines[12] == "y = x"
    compile(cell.source, cell.filename, "exec")  # what the worker will do
    assert s.notes == (
        "cell 1: removed 5 IPython magic/shell lines (%matplotlib inline, !pip install tqdm, "
        "torch.randn?, ...)",
    )


def test_cell_magics(tmp_path):
    p = write_nb(
        tmp_path / "n.ipynb",
        new_code_cell("%%bash\necho hi"),
        new_code_cell("\n%%time\ndef f():\n    return 1"),
        new_code_cell("%%timeit\nz = 1"),
        new_code_cell("%matplotlib inline"),  # nothing left: dropped, but noted
    )
    s = load_submission(p, AID)
    assert [(c.label, c.source) for c in s.cells] == [("cell 2", "\n\ndef f():\n    return 1")]
    assert s.notes == (
        "cell 1 skipped: %%bash cell magic (not Python)",
        "cell 2: ran the body of the %%time cell as plain Python",
        "cell 3 skipped: %%timeit cell magic (not Python)",
        "cell 4: removed 1 IPython magic/shell line (%matplotlib inline)",
    )


def test_syntax_errors_are_not_the_loaders_business(tmp_path):
    p = write_nb(tmp_path / "n.ipynb", new_code_cell("def broken(:\n"), new_code_cell("ok = 1"))
    s = load_submission(p, AID)
    assert [c.source for c in s.cells] == ["def broken(:\n", "ok = 1"]


def test_old_nbformat_v3_converted(tmp_path):
    raw = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {},
        "worksheets": [{"cells": [{"cell_type": "code", "input": "x = 1", "outputs": [], "language": "python"}]}],
    }
    p = tmp_path / "old.ipynb"
    p.write_text(json.dumps(raw), encoding="utf-8")
    assert [c.source for c in load_submission(p, AID).cells] == ["x = 1"]


# --------------------------------------------------------------------------- .py files


def test_py_without_markers_is_one_chunk(tmp_path):
    p = tmp_path / f"{AID}.py"
    p.write_text("\n\nimport torch\n\ndef f(x):\n    return x\n\n", encoding="utf-8")
    s = load_submission(p, AID)
    assert s.kind == "py" and s.source_path == f"{AID}.py"
    assert s.cells == (
        CodeCell(0, f"{AID}.py lines 3-6", "import torch\n\ndef f(x):\n    return x", f"{AID}.py", 3),
    )


def test_py_percent_markers(tmp_path):
    text = (
        "# ---\n# jupyter: header\n# ---\n"  # 1-3: comment-only preamble, dropped
        "# %%\n"  # 4
        "import torch\n"  # 5
        "\n"
        "# %% [markdown]\n"  # 7
        "# Some prose\n"
        "# %% Exercise 1\n"  # 9
        "%matplotlib inline\n"  # 10
        "def f(x):\n"  # 11
        "    return x\n"  # 12
        "# %% tags=[\"demo\"]\n"  # 13
        "slow()\n"  # 14
        "#%%\n"  # 15: VS Code style
        "y = 2\n"  # 16
    )
    p = tmp_path / "w.py"
    p.write_text(text, encoding="utf-8")
    s = load_submission(p, AID)
    assert [(c.index, c.label, c.first_line, c.source) for c in s.cells] == [
        (1, "w.py line 5", 5, "import torch"),
        (3, "w.py lines 10-12", 10, "\ndef f(x):\n    return x"),
        (5, "w.py line 16", 16, "y = 2"),
    ]
    assert all(c.filename == "w.py" for c in s.cells)
    assert s.notes == (
        "w.py lines 10-12: removed 1 IPython magic/shell line (%matplotlib inline)",
        "w.py line 14 skipped: tagged demo",
    )


def test_py_first_line_matches_file_for_tracebacks(tmp_path):
    text = "# %%\na = 1\n\n# %%\n\n\nb = 1\nraise ValueError\n"
    p = tmp_path / "t.py"
    p.write_text(text, encoding="utf-8")
    cell = load_submission(p, AID).cells[1]
    file_lines = text.split("\n")
    for k, line in enumerate(cell.source.split("\n")):
        assert file_lines[cell.first_line - 1 + k] == line


def test_py_nbconvert_markers_and_get_ipython(tmp_path):
    text = (
        "#!/usr/bin/env python\n"  # 1
        "# coding: utf-8\n"  # 2
        "\n"
        "# In[1]:\n"  # 4
        "\n"
        "\n"
        "get_ipython().run_line_magic('matplotlib', 'inline')\n"  # 7
        "import torch\n"  # 8
        "\n"
        "\n"
        "# In[ ]:\n"  # 11
        "\n"
        "\n"
        "files = get_ipython().getoutput('ls')\n"  # 14
        "get_ipython().system(\n"  # 15: a call over two lines
        "    'pip install x')\n"  # 16
        "def g():\n"  # 17
        "    return 2\n"  # 18
        "\n"
        "\n"
        "# In[12]:\n"
        "\n"
        "\n"
        "get_ipython().run_cell_magic('time', '', 'def h():\\n    return 3\\n')\n"  # 24
    )
    p = tmp_path / f"{AID}.py"
    p.write_text(text, encoding="utf-8")
    s = load_submission(p, AID)
    assert [(c.index, c.first_line, c.label) for c in s.cells] == [
        (1, 7, f"{AID}.py lines 7-8"),
        (2, 14, f"{AID}.py lines 14-18"),
        (3, 24, f"{AID}.py line 24"),
    ]
    assert s.cells[0].source == "\nimport torch"
    assert s.cells[1].source == "\n\n\ndef g():\n    return 2"
    assert s.cells[2].source == "def h():\n    return 3"
    for c in s.cells:
        compile(c.source, c.filename, "exec")
    assert s.notes == (
        f"{AID}.py lines 7-8: removed 1 IPython magic/shell line "
        "(get_ipython().run_line_magic('matplot...)",
        f"{AID}.py lines 14-18: removed 2 IPython magic/shell lines "
        "(files = get_ipython().getoutput('ls'), get_ipython().system()",
        f"{AID}.py line 24: ran the body of 1 %%time/%%capture cell(s) as plain Python",
    )


def test_crlf_line_endings(tmp_path):
    p = tmp_path / "w.py"
    p.write_bytes(b"# %%\r\na = 1\r\n# %%\r\nb = 2\r\n")
    s = load_submission(p, AID)
    assert [(c.source, c.first_line) for c in s.cells] == [("a = 1", 2), ("b = 2", 4)]


# --------------------------------------------------------------------------- folders


def test_folder_exact_name_preferred(tmp_path):
    d = tmp_path / "alice"
    write_nb(d / f"{AID}.ipynb", new_code_cell("a = 1"))
    write_nb(d / "scratch.ipynb", new_code_cell("b = 2"))
    (d / f"{AID}.py").write_text("c = 3", encoding="utf-8")
    s = load_submission(d, AID)
    assert s.source_path == f"{AID}.ipynb"
    assert s.path == d
    assert [c.source for c in s.cells] == ["a = 1"]


def test_folder_py_when_no_notebook_named_so(tmp_path):
    d = tmp_path / "alice"
    d.mkdir()
    (d / f"{AID}.py").write_text("c = 3", encoding="utf-8")
    (d / "helpers.py").write_text("h = 1", encoding="utf-8")
    write_nb(d / "a.ipynb", new_code_cell("a = 1"))
    write_nb(d / "b.ipynb", new_code_cell("b = 1"))
    s = load_submission(d, AID)
    assert s.source_path == f"{AID}.py" and s.kind == "py"


def test_folder_nested_and_ignored_dirs(tmp_path):
    d = tmp_path / "submission"
    write_nb(d / ".ipynb_checkpoints" / f"{AID}.ipynb", new_code_cell("old = 1"))
    write_nb(d / ".hidden" / f"{AID}.ipynb", new_code_cell("hidden = 1"))
    write_nb(d / "__pycache__" / f"{AID}.ipynb", new_code_cell("cache = 1"))
    write_nb(d / "work" / "deep" / f"{AID}.ipynb", new_code_cell("deeper = 1"))
    write_nb(d / "work" / f"{AID}.ipynb", new_code_cell("mine = 1"))
    s = load_submission(d, AID)
    assert s.source_path == f"work/{AID}.ipynb"
    assert [c.source for c in s.cells] == ["mine = 1"]


def test_folder_single_file_fallback(tmp_path):
    d = tmp_path / "d"
    write_nb(d / "My Notebook (1).ipynb", new_code_cell("a = 1"))
    (d / "helpers.py").write_text("h = 1", encoding="utf-8")
    (d / "data.csv").write_text("1,2", encoding="utf-8")
    assert load_submission(d, AID).source_path == "My Notebook (1).ipynb"
    d2 = tmp_path / "d2"
    d2.mkdir()
    (d2 / "solution.py").write_text("s = 1", encoding="utf-8")
    assert load_submission(d2, AID).source_path == "solution.py"


def test_folder_ambiguous(tmp_path):
    d = tmp_path / "d"
    write_nb(d / "a.ipynb", new_code_cell("a = 1"))
    write_nb(d / "b.ipynb", new_code_cell("b = 1"))
    msg = error_of(d)
    assert "a.ipynb" in msg and "b.ipynb" in msg
    assert f"rename the file to grade to {AID}.ipynb" in msg


def test_folder_two_exact_matches_same_depth(tmp_path):
    d = tmp_path / "d"
    write_nb(d / "x" / f"{AID}.ipynb", new_code_cell("a = 1"))
    write_nb(d / "y" / f"{AID}.ipynb", new_code_cell("b = 1"))
    msg = error_of(d)
    assert f"x/{AID}.ipynb" in msg and f"y/{AID}.ipynb" in msg and "Keep only the one" in msg


def test_folder_without_code(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "notes.txt").write_text("hi", encoding="utf-8")
    msg = error_of(d)
    assert "notes.txt" in msg and f"Expected {AID}.ipynb" in msg
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "it is empty" in error_of(empty)


def test_folder_skips_symlinks(tmp_path):
    outside = tmp_path / "secret.py"
    outside.write_text("SECRET = 1", encoding="utf-8")
    d = tmp_path / "d"
    d.mkdir()
    (d / f"{AID}.py").symlink_to(outside)
    (d / "real.py").write_text("r = 1", encoding="utf-8")
    s = load_submission(d, AID)
    assert s.source_path == "real.py"


def test_folder_hash_stable(tmp_path):
    text = nb_text(new_code_cell("a = 1"))  # new_notebook makes random cell ids: write once

    def build(root: Path) -> Path:
        root.mkdir()
        (root / f"{AID}.ipynb").write_text(text, encoding="utf-8")
        (root / "sub").mkdir()
        (root / "sub" / "h.py").write_text("h = 1", encoding="utf-8")
        (root / "data.csv").write_text("ignored", encoding="utf-8")
        return root

    a = build(tmp_path / "a")
    b = build(tmp_path / "b")
    ha = load_submission(a, AID).sha256
    assert ha == load_submission(a, AID).sha256 == load_submission(b, AID).sha256
    assert len(ha) == 64 and int(ha, 16) >= 0
    (b / "data.csv").write_text("changed", encoding="utf-8")  # not a considered file
    assert load_submission(b, AID).sha256 == ha
    (b / "sub" / "h.py").write_text("h = 2", encoding="utf-8")  # a considered file
    assert load_submission(b, AID).sha256 != ha


def test_folder_too_many_files(tmp_path, monkeypatch):
    monkeypatch.setattr(sub, "MAX_FOLDER_FILES", 5)
    d = tmp_path / "d"
    d.mkdir()
    for k in range(6):
        (d / f"f{k}.csv").write_text("x", encoding="utf-8")
    assert "more than 5 files" in error_of(d) and "Submit only your notebook" in error_of(d)


# --------------------------------------------------------------------------- zips


def test_zip_happy_path(tmp_path):
    inner = nb_text(new_code_cell("a = 1"), new_code_cell("%ls\nb = 2"))
    p = make_zip(
        tmp_path / f"{AID}.zip",
        {
            "alice/": b"",
            f"alice/{AID}.ipynb": inner,
            f"__MACOSX/alice/._{AID}.ipynb": b"\x00\x05\x16\x07junk",
            "alice/helpers.py": "h = 1",
        },
    )
    s = load_submission(p, AID)
    assert s.source_path == f"alice/{AID}.ipynb"
    assert s.kind == "ipynb"
    assert [c.source for c in s.cells] == ["a = 1", "\nb = 2"]
    assert s.notes == ("cell 2: removed 1 IPython magic/shell line (%ls)",)
    assert s.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


def test_zip_single_py_fallback(tmp_path):
    p = make_zip(tmp_path / "hw.zip", {"solution.py": "x = 1\n", "README.md": "hi"})
    s = load_submission(p, AID)
    assert s.source_path == "solution.py" and s.cells[0].label == "solution.py line 1"


def test_zip_without_code(tmp_path):
    p = make_zip(tmp_path / "hw.zip", {"README.md": "hi", "__MACOSX/x.py": "x = 1"})
    msg = error_of(p)
    assert "README.md" in msg and f"{AID}.ipynb" in msg and "__MACOSX" not in msg


@pytest.mark.parametrize("name", ["../evil.py", "/abs.py", "a/../../evil.py", "..\\evil.py", "C:/x.py", "c:\\x.py"])
def test_zip_path_traversal_rejected(tmp_path, name):
    p = tmp_path / "hw.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr(f"{AID}.ipynb", nb_text(new_code_cell("a = 1")))
        info = zipfile.ZipInfo("placeholder")
        info.filename = name  # bypass any sanitising, as a hostile tool would
        zf.writestr(info, "x = 1")
    msg = error_of(p)
    assert "unsafe path" in msg and name in msg.replace("\\\\", "\\") and "submit again" in msg


def test_zip_symlink_member_rejected(tmp_path):
    p = tmp_path / "hw.zip"
    with zipfile.ZipFile(p, "w") as zf:
        info = zipfile.ZipInfo(f"{AID}.py")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    msg = error_of(p)
    assert "symbolic link" in msg and "real files" in msg


def test_zip_encrypted_member_rejected(tmp_path):
    data = bytearray(make_zip(tmp_path / "tmp.zip", {f"{AID}.py": "x = 1"}).read_bytes())
    # Set bit 0 (encrypted) of the general purpose flags in local and central headers.
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = data.index(sig) + off
        data[pos] |= 1
    p = tmp_path / "enc.zip"
    p.write_bytes(bytes(data))
    msg = error_of(p)
    assert "password" in msg and "without a password" in msg


ZEROS_50MB = 50_000_000


@pytest.fixture(scope="module")
def bomb_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(f"{AID}.py", bytes(ZEROS_50MB))
    return buf.getvalue()


def test_zip_bomb_rejected_by_size(tmp_path, bomb_bytes):
    p = tmp_path / "bomb.zip"
    p.write_bytes(bomb_bytes)
    assert len(bomb_bytes) < 200_000
    for max_bytes in (1_000_000, 20_000_000):
        msg = error_of(p, max_bytes=max_bytes)
        assert "more than the" in msg and "Zip only your notebook" in msg


def test_zip_bomb_rejected_by_ratio(tmp_path):
    p = make_zip(tmp_path / "r.zip", {f"{AID}.py": bytes(5_000_000)})
    msg = error_of(p)  # 5 MB is under the 20 MB cap, but compressed ~1000x
    assert "zip bomb" in msg and "compressed more than 200x" in msg


def test_zip_lying_header_rejected(tmp_path, bomb_bytes):
    # Shrink the declared uncompressed size to 1000 bytes in both headers: the header
    # checks pass, and reading must not trust it (zipfile stops at the declared size and
    # the CRC no longer matches).
    data = bytearray(bomb_bytes)
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = data.index(sig) + off
        assert struct.unpack("<I", data[pos : pos + 4])[0] == ZEROS_50MB
        data[pos : pos + 4] = struct.pack("<I", 1000)
    p = tmp_path / "liar.zip"
    p.write_bytes(bytes(data))
    msg = error_of(p, max_bytes=1_000_000)
    assert "damaged" in msg and "Create the zip again" in msg


def test_zip_streaming_cap_ignores_header(bomb_bytes):
    # The read itself stops at the cap, whatever the header says (here: not checked at all).
    zf = zipfile.ZipFile(io.BytesIO(bomb_bytes))
    info = zf.infolist()[0]
    reads = []
    real_open = zf.open

    def counting_open(*a, **kw):
        f = real_open(*a, **kw)
        real_read = f.read

        def read(n=-1):
            chunk = real_read(n)
            reads.append(len(chunk))
            return chunk

        f.read = read
        return f

    zf.open = counting_open  # type: ignore[method-assign]
    with pytest.raises(SubmissionError) as e:
        sub._read_member(zf, info, "bomb.zip", 1_000_000)
    assert "bigger than the 1.0 MB limit" in str(e.value)
    assert sum(reads) <= 1_000_000 + sub._CHUNK  # stopped at the cap, never read 50 MB
    # The ratio check also fires while streaming: 200x the ~50 kB compressed size is
    # reached long before a 20 MB cap.
    with pytest.raises(SubmissionError) as e:
        sub._read_member(zf, info, "bomb.zip", 20_000_000)
    assert "zip bomb" in str(e.value)


def test_zip_too_many_members(tmp_path):
    p = tmp_path / "many.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr(f"{AID}.py", "x = 1")
        for k in range(1000):
            zf.writestr(f"data/{k}.txt", "")
    msg = error_of(p)
    assert "1001 entries" in msg and "more than the 1000 allowed" in msg


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", b"", b"hello world" * 10])
def test_corrupt_zip(tmp_path, data):
    p = tmp_path / "c.zip"
    p.write_bytes(data)
    msg = error_of(p)
    assert "damaged or not a zip file" in msg and "Create the zip again" in msg


def test_truncated_zip(tmp_path):
    good = make_zip(tmp_path / "g.zip", {f"{AID}.py": "x = 1\n" * 1000}).read_bytes()
    p = tmp_path / "t.zip"
    p.write_bytes(good[: len(good) // 2])
    assert "damaged or not a zip file" in error_of(p)


# --------------------------------------------------------------------------- errors


def test_missing_path(tmp_path):
    msg = error_of(tmp_path / "nope.ipynb")
    assert "does not exist" in msg and "submit again" in msg


@pytest.mark.parametrize(
    ("name", "hint"),
    [("hw.docx", "Accepted: a Jupyter notebook (.ipynb), a Python file (.py), a .zip, or a folder"),
     ("hw.html", "submit the .ipynb notebook itself"),
     ("hw.rar", "as a .zip instead"),
     ("README", "'(none)'")],
)
def test_unsupported_extension(tmp_path, name, hint):
    p = tmp_path / name
    p.write_bytes(b"x")
    msg = error_of(p)
    assert "unsupported file type" in msg and hint in msg


def test_file_too_big(tmp_path):
    p = write_nb(tmp_path / "big.ipynb", new_code_cell("x = 1\n" + "#" * 5000))
    msg = error_of(p, max_bytes=1000)
    assert "big.ipynb is" in msg and "Clear the outputs" in msg


def test_non_utf8(tmp_path):
    p = tmp_path / "w.py"
    p.write_bytes("x = 1\ns = 'café'\n".encode("latin-1"))
    msg = error_of(p)
    assert "not valid UTF-8" in msg and "byte 0xe9 at offset 14" in msg and "(line 2)" in msg
    assert "Save the file as UTF-8" in msg


def test_non_utf8_in_notebook_inside_zip(tmp_path):
    p = make_zip(tmp_path / "z.zip", {f"{AID}.ipynb": b'{"cells": "\xff"}'})
    msg = error_of(p)
    assert f"{AID}.ipynb is not valid UTF-8" in msg and "offset 11" in msg


def test_utf16_named(tmp_path):
    p = tmp_path / "w.py"
    p.write_bytes("x = 1\n".encode("utf-16"))
    msg = error_of(p)
    assert "UTF-16" in msg and "UTF-8" in msg


def test_bom_accepted(tmp_path):
    p = tmp_path / "w.py"
    p.write_bytes(b"\xef\xbb\xbfx = 1\n")
    assert load_submission(p, AID).cells[0].source == "x = 1"
    nb = tmp_path / "n.ipynb"
    nb.write_bytes(b"\xef\xbb\xbf" + nb_text(new_code_cell("y = 2")).encode())
    assert load_submission(nb, AID).cells[0].source == "y = 2"
    # A bad byte after a BOM is reported at its offset in the file, BOM included.
    bad = tmp_path / "bad.py"
    bad.write_bytes(b"\xef\xbb\xbfx = '\xe9'\n")
    assert "offset 8" in error_of(bad)


def test_corrupt_notebook_json(tmp_path):
    text = nb_text(new_code_cell("x = 1"))
    p = tmp_path / "n.ipynb"
    p.write_text(text[: len(text) // 2], encoding="utf-8")
    msg = error_of(p)
    assert "notebook file n.ipynb is damaged" in msg
    assert "line " in msg and "column " in msg and "char " in msg
    assert "save it" in msg
    empty = tmp_path / "e.ipynb"
    empty.write_bytes(b"")
    assert "is empty" in error_of(empty) and "damaged" in error_of(empty)


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        ([1, 2], "JSON list"),
        ({"metadata": {}}, 'no "nbformat" version'),
        ({"nbformat": 4, "nbformat_minor": 5, "metadata": {}}, 'no "cells" list'),
        ({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": "x"}, 'no "cells" list'),
        ({"nbformat": 9, "cells": []}, "format 9 is not supported"),
        ({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [3]}, "cell 1 is not an object"),
    ],
)
def test_json_that_is_not_a_notebook(tmp_path, payload, why):
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps(payload), encoding="utf-8")
    msg = error_of(p)
    assert "not a valid Jupyter notebook" in msg and why in msg and "Open it in Jupyter" in msg


def test_no_code_cells(tmp_path):
    p = write_nb(
        tmp_path / "n.ipynb",
        new_markdown_cell("just text"),
        new_code_cell(""),
        new_code_cell("demo()", metadata={"tags": ["demo"]}),
    )
    msg = error_of(p)
    assert "no code cells found" in msg and "submit again" in msg
    py = tmp_path / "e.py"
    py.write_text("# only comments\n\n", encoding="utf-8")
    assert "e.py: no code cells found" in error_of(py)


def test_stem_may_differ_from_assignment_id(tmp_path):
    p = write_nb(tmp_path / "something_else.ipynb", new_code_cell("a = 1"))
    s = load_submission(p, AID)
    assert s.source_path == "something_else.ipynb" and len(s.cells) == 1


def test_sha256_same_bytes_same_hash(tmp_path):
    text = nb_text(new_code_cell("a = 1"))
    a, b = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    a.write_text(text, encoding="utf-8")
    b.write_text(text, encoding="utf-8")
    assert load_submission(a, AID).sha256 == load_submission(b, AID).sha256
    b.write_text(text + "\n", encoding="utf-8")
    assert load_submission(a, AID).sha256 != load_submission(b, AID).sha256


def test_file_read_once(tmp_path, monkeypatch):
    p = write_nb(tmp_path / "n.ipynb", new_code_cell("a = 1"))
    opened = []
    real_open = open

    def spy(file, mode="r", *a, **kw):
        opened.append((str(file), mode))
        return real_open(file, mode, *a, **kw)

    monkeypatch.setattr("builtins.open", spy)
    load_submission(p, AID)
    assert opened == [(str(p), "rb")]


# --------------------------------------------------------------------------- guess_assignment_id


def test_guess_assignment_id(tmp_path):
    folder = tmp_path / "02_autograd"
    folder.mkdir()
    assert guess_assignment_id(Path("x/01_tensors.ipynb")) == "01_tensors"
    assert guess_assignment_id(Path("01_tensors.py")) == "01_tensors"
    assert guess_assignment_id(Path("01_tensors.ZIP")) == "01_tensors"
    assert guess_assignment_id(folder) == "02_autograd"
    assert guess_assignment_id(Path("01_tensors (1).ipynb")) == "01_tensors"
    assert guess_assignment_id(Path("01_tensors-checkpoint.ipynb")) == "01_tensors"
    assert guess_assignment_id(Path("notes.txt")) is None
    assert guess_assignment_id(tmp_path / "missing_folder") is None
    assert guess_assignment_id(Path("my notebook.ipynb")) is None
    assert guess_assignment_id(Path(".ipynb")) is None
