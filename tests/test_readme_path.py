"""The newcomer's path is the README's: its fenced shell commands parse with the real
command line (`--course` after the command included), the CLI is where the README says,
`make serve PORT=...` passes the port, and `make serve`'s "Try" line submits a sample
file with the token of the student who owns it, from a plain-LF tokens.csv."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import cli
from service_helpers import free_port

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[list[str]]:
    """Every `autograder ...` line of the README's ```bash blocks, as argv (comments dropped)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s\[[^\]]*\]", "", line.split("  #")[0]).strip()  # `[--opt X]`: optional, shown
            if line.startswith(("autograder ", ".venv/bin/autograder ")):
                out.append(shlex.split(line.replace("<your token>", "TOKEN"))[1:])
    return out


def test_the_readmes_commands_parse_as_written():
    commands = readme_commands()
    names = {argv[0] for argv in commands}
    assert {"submit", "serve", "roster", "check", "batch"} <= names, names
    for argv in commands:
        try:
            args = cli._parser().parse_args(argv)
        except SystemExit as e:
            pytest.fail(f"README: `autograder {' '.join(argv)}` is refused (exit {e.code})")
        if "--course" in argv:
            assert args.course == Path(argv[argv.index("--course") + 1])
    serve = next(a for a in commands if a[0] == "serve")
    assert serve[1] == "--course"  # as docs/SERVICE.md writes it


def test_course_before_or_after_the_command():
    for argv in (["--course", "c", "serve", "--db", "x.db"], ["serve", "--course", "c", "--db", "x.db"],
                 ["batch", "subs", "--assignment", "a", "--course", "c"], ["--course", "c", "validate"]):
        assert cli._parser().parse_args(argv).course == Path("c"), argv
    assert cli._parser().parse_args(["serve", "--db", "x.db"]).course is None
    assert cli._parser().parse_args(["--course", "a", "grade", "f.py", "--course", "b"]).course == Path("b")


def test_the_cli_is_where_the_readme_says():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/autograder" in readme and "source .venv/bin/activate" in readme
    exe = Path(sys.executable).parent / "autograder"  # the venv's console script (make setup)
    r = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "submit" in r.stdout and "serve" in r.stdout


def test_make_serve_takes_the_port():
    assert "make serve PORT=" in (ROOT / "README.md").read_text(encoding="utf-8")
    r = subprocess.run(["make", "-n", "serve", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "--port 8123" in r.stdout, r.stdout + r.stderr


def test_make_serves_try_line_uses_the_owners_token(tmp_path):
    out = tmp_path / "serve"
    proc = subprocess.Popen([sys.executable, "-m", "autograder.service.demo", "--out", str(out), "--no-wheel", "--port",
                             str(free_port())], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT), "AUTOGRADER_LANG": "en"})
    lines: list[str] = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if "curl" in line:
                break
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    text = "".join(lines)
    tokens = {m[0]: m[1] for m in re.findall(r"^\s+student\s+(\w+)\s+(\S+)$", text, re.M)}
    m = re.search(r"autograder submit tests/sample_class/01_tensors/(\w+)\.\w+ .*--token (\S+)", text)
    assert m and tokens[m[1]] == m[2], text
    raw = (out / "tokens.csv").read_bytes()
    assert b"\r" not in raw and raw.startswith(b"student_id,token\n")
