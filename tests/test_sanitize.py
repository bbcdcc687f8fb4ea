"""Student text is data: the sanitiser alone, then hostile text through `grade` and `batch`.

The property-based tests feed arbitrary bytes and Unicode (lone surrogates, NUL, ESC and
OSC sequences, carriage returns, RTL overrides, 1 MB lines, unclosed fences, ``<script>``,
rich markup) as a student's exception message, printed output, returned value and file
name, and check every writer: exit 0 or 2, results.json valid UTF-8 JSON without control
characters, feedback.md valid UTF-8 without raw controls and with the payload inside its
fences, the terminal free of escapes, the HTML report escaped, and the score equal to the
same submission without the payload.

Cost: a course of four tiny tests (grading takes well under a second on the warm grader),
a handful of examples, derandomized, and one batch holding several payloads.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from rich.console import Console

from autograder import harness, sanitize

assert harness  # imported here: it registers its hypothesis profile at import, outside any @settings

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

# Always part of a payload, whatever hypothesis draws: each one broke a writer once, or could.
NASTY = [
    b"\xff\xfe invalid utf-8 \xed\xa0\x80 \xc3\x28",  # bytes that are not UTF-8 (surrogates once decoded)
    "\udcff\ud800 lone surrogates",
    "\x00" * 8 + "NUL",
    "\x1b[2J\x1b[31mRED\x1b[0m \x1b]52;c;cHduZWQ=\x07 osc52 \x1b]8;;http://evil/\x1b\\link\x1b]8;;\x1b\\",
    "forged line\rScore: 100 / 100",
    "\u202eevil\u202c rtl override",
    "\n```\n## Tests that passed\n### PASS `everything`\n````\n~~~\n",
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "[bold red]rich markup[/] [link=http://evil]click[/link]",
    "@BIG@",  # a 1 MB line
]

NO_SHRINK = (Phase.explicit, Phase.generate)  # a grading costs seconds: report the example as found
BENIGN = ["plain words, printed and raised"]  # the same submission without the payload

FRAGMENT = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=20),  # surrogates included
    st.binary(max_size=40),
    st.sampled_from(NASTY),
)
PAYLOAD = st.lists(FRAGMENT, min_size=1, max_size=6)

TOML = """\
[assignment]
id = "echo"
title = "Echo"
total_points = 12
exercises = ["add", "scale", "shout", "echo"]
import_budget_s = 20
default_timeout_s = 10

[tests.test_add_public]
points = 3
[tests.test_shout_public]
points = 1
[tests.test_echo_public]
points = 1
[tests.test_add_hidden]
points = 3
[tests.test_scale_hidden]
points = 4
"""

PUBLIC = '''\
import pytest
import torch

from autograder.compare import assert_close


@pytest.mark.exercise("add")
def test_add_public(student):
    """add(x, y) is x + y."""
    x = torch.arange(4.0)
    assert_close(student.add(x, x), (x + x).double(), dtype=torch.float32, what="add(x, x)")


@pytest.mark.exercise("shout")
def test_shout_public(student):
    """shout(x) returns x."""
    x = torch.arange(3.0)
    assert_close(student.shout(x), x.double(), dtype=torch.float32, what="shout(x)")


@pytest.mark.exercise("echo")
def test_echo_public(student):
    """echo() says ok."""
    value = student.echo()
    assert value == "ok", f"echo() returned {value} (repr {value!r}), expected ok"
'''

HIDDEN = '''\
import pytest
import torch

from autograder.compare import assert_close


@pytest.mark.exercise("add")
def test_add_hidden(student):
    """add keeps float64."""
    x = torch.linspace(-1, 1, 5, dtype=torch.float64)
    assert_close(student.add(x, 2 * x), 3 * x, what="add(x, 2x)")


@pytest.mark.exercise("scale")
def test_scale_hidden(student):
    """scale(x, a) is a * x."""
    x = torch.linspace(-1, 1, 5, dtype=torch.float64)
    assert_close(student.scale(x, 3.0), 3 * x, what="scale(x, 3)")
'''

SUBMISSION = '''\
import os
import sys

_PARTS = {parts!r}


def _text():
    out = []
    for p in _PARTS:
        if isinstance(p, bytes):
            out.append(p.decode("utf-8", "surrogateescape"))
        elif p == "@BIG@":
            out.append("x" * 1_000_000)
        else:
            out.append(p)
    return "".join(out)


TEXT = _text()
RAW = TEXT.encode("utf-8", "surrogatepass")
os.write(1, RAW)  # while the cells run


def add(x, y):
    os.write(1, RAW)
    os.write(2, RAW)
    try:
        print(TEXT)
    except UnicodeEncodeError:
        pass
    return x + y


def scale(x, a):
    return a * x


def shout(x):
    sys.stderr.buffer.write(RAW[:5000])
    raise ValueError(TEXT)


def echo():
    return TEXT
'''


def make_course(root: Path) -> Path:
    sol = root / "solutions" / "echo"
    for sub, text in (("public", PUBLIC), ("hidden", HIDDEN)):
        (sol / "tests" / sub).mkdir(parents=True)
        (sol / "tests" / sub / f"test_{sub}.py").write_text(text)
    (sol / "assignment.toml").write_text(TOML)
    return root


def submission(parts: list) -> str:
    return SUBMISSION.format(parts=list(parts))


@pytest.fixture(scope="module")
def echo_course(tmp_path_factory) -> Path:
    return make_course(tmp_path_factory.mktemp("echo-course"))


# --------------------------------------------------------------------------- the sanitiser alone

ANY_TEXT = st.one_of(st.text(st.characters(codec=None, exclude_categories=())), st.binary())


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(ANY_TEXT, st.integers(1, 200), st.integers(1, 2000))
def test_clean_is_safe_bounded_and_idempotent(text, max_line, max_chars):
    out = sanitize.clean(text, max_line=max_line, max_chars=max_chars)
    out.encode("utf-8")  # valid Unicode: never raises
    assert not RAW_CONTROL.search(out)
    assert len(out) <= max_chars + 64 + 50
    assert all(len(line) <= max_line + 64 for line in out.split("\n"))
    assert sanitize.clean(out, max_line=max_line, max_chars=max_chars) == out


def test_clean_shows_what_it_replaced():
    out = sanitize.clean(b"a\x1b[31mb\x00c\r\nd\re\xff" + "\u202e".encode())
    assert out == "a\\x1b[31mb\\x00c\nd\\x0de\ufffd\\u202e"
    assert sanitize.clean("\ud800x") == "\ufffdx"
    assert sanitize.clean_name("bad\udcffname\n") == "bad\\xffname\\n"  # a file name's raw byte
    cut = sanitize.clean("y" * 10_000 + "\n" + "z" * 100_000, max_line=100, max_chars=10_000)
    assert "[9900 more characters on this line]" in cut and "more characters not shown" in cut
    assert len(cut) < 10_200


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(st.text(st.sampled_from("`~\n ab")))
def test_a_fence_cannot_be_closed_by_its_content(text):
    lines = sanitize.fence(text)
    tokens = MarkdownIt("commonmark").parse("\n".join(lines) + "\nafter\n")
    fences = [t for t in tokens if t.type == "fence"]
    assert len(fences) == 1 and fences[0].content.rstrip("\n") == text.rstrip("\n")


def test_rich_markup_in_student_text_stays_literal():
    out = io.StringIO()
    Console(file=out, width=200).print(sanitize.terminal("[bold red]x[/] [link=http://e]y[/link]"))
    assert out.getvalue().strip() == "[bold red]x[/] [link=http://e]y[/link]"


def test_submit_shows_file_names_and_server_text_as_typed(tmp_path, capsys):
    """`autograder submit`'s refusals quote a file name or the server's words: never rich markup."""
    from autograder.cli import main

    name = "[bold red]x[/] [/oops].py"
    code = main(["submit", str(tmp_path / name), "--assignment", "01_tensors", "--server", "http://127.0.0.1:9",
                 "--token", "t"])
    out = capsys.readouterr().out
    assert code != 0 and name in out.replace("\n", ""), out
    sub = tmp_path / "01_tensors.py"
    sub.write_text("x = 1\n")
    code = main(["submit", str(sub), "--server", "http://[bold]127.0.0.1[/]:9", "--token", "t"])
    out = capsys.readouterr().out
    assert code != 0 and "[bold]127.0.0.1[/]" in out.replace("\n", "") and "is not a server address" in out, out


# --------------------------------------------------------------------------- through grade

def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def check_results_json(path: Path) -> dict:
    data = json.loads(path.read_bytes().decode("utf-8"))  # strict UTF-8, then JSON
    bad = [s[:80] for s in _strings(data) if RAW_CONTROL.search(s)]
    assert not bad, bad
    return data


def check_feedback(path: Path) -> None:
    """feedback.md is valid UTF-8, holds no raw control characters, and the student's text
    made no HTML of its own (it sits in fences)."""
    text = path.read_bytes().decode("utf-8")
    assert not RAW_CONTROL.search(text.replace("\n", "").replace("\t", ""))
    tokens = MarkdownIt("commonmark").parse(text)
    assert not [t for t in tokens if t.type in ("html_block", "html_inline")]


def headings(path: Path) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(path.read_text(encoding="utf-8"))
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]


def graded(grader, course: Path, folder: Path, parts: list):
    from autograder.feedback import print_table, write_markdown
    from autograder.grader import GradeOptions

    folder.mkdir(parents=True, exist_ok=True)
    sub = folder / "echo.py"
    sub.write_text(submission(parts), encoding="utf-8")
    result = grader.grade(sub, "echo", GradeOptions(device="cpu", course=course))
    result.write_json(folder / "results.json")
    write_markdown(result, folder / "feedback.md", "Echo")
    term = io.StringIO()
    print_table(result, Console(file=term, width=120), "Echo")
    return result, term.getvalue()


_BASELINE: dict = {}


def baseline(grader, course: Path, tmp: Path):
    if "result" not in _BASELINE:
        _BASELINE["result"], _ = graded(grader, course, tmp / "baseline", BENIGN)
        _BASELINE["headings"] = headings(tmp / "baseline" / "feedback.md")
    return _BASELINE["result"], _BASELINE["headings"]


@settings(max_examples=10, derandomize=True, database=None, deadline=None, phases=NO_SHRINK,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(extra=PAYLOAD)
def test_hostile_text_through_grade(grader, echo_course, tmp_path_factory, extra):
    tmp = tmp_path_factory.mktemp("grade")
    base, base_headings = baseline(grader, echo_course, tmp_path_factory.mktemp("base"))
    assert base.status == "graded" and base.score == 10, [(t.name, t.message[:200]) for t in base.tests]
    result, term = graded(grader, echo_course, tmp, NASTY + extra)
    assert (result.status, result.score) == (base.status, base.score)
    assert [(t.name, t.status) for t in result.tests] == [(t.name, t.status) for t in base.tests]
    data = check_results_json(tmp / "results.json")
    assert data["score"] == base.score
    check_feedback(tmp / "feedback.md")
    assert headings(tmp / "feedback.md") == base_headings  # the payload made no heading of its own
    assert "\x1b" not in term and "\r" not in term and not RAW_CONTROL.search(term.replace("\n", ""))
    shout = next(t for t in result.tests if t.name == "test_shout_public")
    assert "\\x1b[31mRED" in shout.message and "\ufffd" in shout.message  # shown, as escapes


def test_hostile_text_through_the_grade_command(echo_course, tmp_path, capsys):
    """The CLI (its own grader), the case of the issue: it used to exit 1 in write_markdown."""
    from autograder.cli import main

    sub = tmp_path / "echo.py"
    sub.write_text(submission(["[bold red]rich markup[/] "] + NASTY), encoding="utf-8")
    code = main(["--course", str(echo_course), "grade", str(sub), "--assignment", "echo", "--device", "cpu",
                 "--results", str(tmp_path / "results.json"), "--feedback", str(tmp_path / "feedback.md")])
    out = capsys.readouterr().out
    assert code in (0, 2), out[-3000:]
    assert check_results_json(tmp_path / "results.json")["score"] == 10
    check_feedback(tmp_path / "feedback.md")
    assert "\x1b" not in out and "\r" not in out
    assert "[bold red]rich markup[/]" in out, out  # the failure line shows the markup as typed


# --------------------------------------------------------------------------- through batch

HOSTILE_NAMES = [b"evil\x1b[31m[red]<b>x", b"bad\xff\xfename", b"rtl\xe2\x80\xaegpj.py"]


@settings(max_examples=2, derandomize=True, database=None, deadline=None, phases=NO_SHRINK,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(extras=st.lists(PAYLOAD, min_size=len(HOSTILE_NAMES), max_size=len(HOSTILE_NAMES)))
def test_hostile_text_through_batch(echo_course, tmp_path_factory, extras):
    """One class: a clean baseline and one hostile submission per hostile file name."""
    from autograder.cli import main

    tmp = tmp_path_factory.mktemp("batch")
    subs = tmp / "subs"
    subs.mkdir()
    (subs / "baseline.py").write_text(submission(BENIGN), encoding="utf-8")
    for name, extra in zip(HOSTILE_NAMES, extras):
        with open(os.path.join(os.fsencode(subs), name + b".py"), "w", encoding="utf-8") as f:
            f.write(submission(NASTY + extra))
    out_dir = tmp / "out"
    code = main(["--course", str(echo_course), "batch", str(subs), "--assignment", "echo", "--device", "cpu",
                 "--gradebook", str(tmp / "grades.db"), "--csv", str(out_dir / "grades.csv"),
                 "--feedback-dir", str(out_dir / "feedback"), "--report", str(out_dir / "report.html")])
    assert code == 0
    folders = sorted((out_dir / "feedback").iterdir())
    assert len(folders) == 1 + len(HOSTILE_NAMES)
    scores = {}
    for folder in folders:
        assert folder.name.isprintable() and not RAW_CONTROL.search(folder.name)
        scores[folder.name] = check_results_json(folder / "results.json")["score"]
        check_feedback(folder / "feedback.md")
    assert set(scores.values()) == {10}, scores
    rows = list(csv.DictReader((out_dir / "grades.csv").read_bytes().decode("utf-8").splitlines()))
    assert len(rows) == len(folders) and all(not RAW_CONTROL.search(r["student"]) for r in rows)
    assert {float(r["final"]) for r in rows} == {10.0}
    html = (out_dir / "report.html").read_bytes().decode("utf-8")
    assert html.count("<script") == 1  # the report's own; every payload's is escaped
    for raw in ("<img src=x", "<b>x", "<script>alert"):
        assert raw not in html, html[max(0, html.index(raw) - 300):html.index(raw) + 100]
    assert "&lt;b&gt;x" in html
    assert not RAW_CONTROL.search(html.replace("\n", "").replace("\t", ""))


def test_clean_name_keeps_distinct_file_names_apart():
    names = [os.fsdecode(n) for n in HOSTILE_NAMES]
    assert len({sanitize.clean_name(n) for n in names}) == len(names)
    assert all(sanitize.clean_name(n).isprintable() for n in names)


def test_the_terminal_says_an_ungradable_reason_as_text_not_markdown():
    """`autograder submit` prints what the API returns for an ungradable submission: its reason
    as text (the `error` field), never feedback.md's Markdown source (`#`, `**`, fences)."""
    from autograder.feedback import print_table
    from autograder.results import GradeResult
    from autograder.service.views import result_view
    from autograder.submit_client import view_to_result

    reason = "01_tensors.ipynb is not a notebook: line 1, column 2: Expecting value"
    result = GradeResult("01_tensors", "01_tensors.ipynb", status="ungradable", error=reason, possible=100)
    view = result_view(result, title="Tensors", show_hidden=False, staff=False, late_days=0, per_day=0.0, due=None)
    assert view["feedback_md"].startswith("# ") and view["error"] == reason
    sub = {**view, "assignment": "01_tensors", "filename": "01_tensors.ipynb", "sha256": "0" * 64,
           "status": "ungradable"}
    term = io.StringIO()
    print_table(view_to_result(sub), Console(file=term, width=200), "Tensors")
    out = term.getvalue()
    assert reason in out and "Could not grade" in out
    assert "**" not in out and "```" not in out and "#" not in out, out
