"""The class report: content, escaping, and a real headless browser that renders it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from autograder.config import AssignmentConfig, assignment_paths
from autograder.gradebook import Gradebook
from autograder.report import build_html, failure_key, histogram_svg, write_report
from autograder.results import GradeResult, TestResult
from batch_fixtures import make_course

OUT = Path(__file__).resolve().parent.parent / "out" / "test-report"  # the screenshot stays for a look


def _entries(tmp_path, n=12):
    course = make_course(tmp_path / "course")
    cfg = AssignmentConfig.load(assignment_paths("tiny", course).config)
    with Gradebook(tmp_path / "g.db") as gb:
        for i in range(n):
            student = f"student{i:02d}" if i else "<script>alert(1)</script>"
            ok_scale = i % 3 != 0
            tests = [
                TestResult("test_add_public", "1", ("add",), 3, 3, "passed", "public", "", "add adds"),
                TestResult("test_add_hidden", "2", ("add",), 3 if i % 4 else 0, 3, "passed" if i % 4 else "failed",
                           "hidden", "" if i % 4 else f"add(x, 2x): max abs error {i}.5 at index ({i},)", "keeps f64"),
                TestResult("test_scale_hidden", "3", ("scale",), 4 if ok_scale else 0, 4,
                           "passed" if ok_scale else "failed", "hidden",
                           "" if ok_scale else "scale(x, 3) raised TypeError: <b>bad</b>", "scales",
                           traceback="" if ok_scale else "    got = student.scale(x, 3)\nE   TypeError"),
            ]
            status = "ungradable" if i == n - 1 else "graded"
            r = GradeResult("tiny", f"{student}.py", sha256=str(i), status=status,
                            tests=tests if status == "graded" else [], possible=10,
                            error="the process running your notebook stopped" if status != "graded" else "")
            late = dt.datetime(2026, 12, 3, tzinfo=dt.timezone.utc) if i == 1 else None
            gb.set_current("tiny", student, "x", str(i), "suite", late)
            gb.record("tiny", student, str(i), "suite", r, 0.1)
        return gb.entries(cfg), cfg


def test_failure_messages_group_by_first_line_without_numbers():
    assert failure_key("add(x): max abs error 0.25 at (3,)\nHint: ...") == failure_key("add(x): max abs error 1e-3 at (7,)")
    assert failure_key("") == "failed"


def test_histogram_counts_every_score():
    svg = histogram_svg([0, 5, 9.99, 10, 10], 10, bins=2)
    assert svg.count("<rect") == 2
    assert ">0-5: 1 students<" in svg and ">5-10: 4 students<" in svg


def test_report_content_and_escaping(tmp_path):
    entries, cfg = _entries(tmp_path)
    page = build_html(entries, cfg)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bad</b>" not in page
    for plot in ("plot-histogram", "plot-exercises", "plot-tests"):
        assert f'id="{plot}"' in page
    # 4 of 11 graded students failed test_scale_hidden (i = 0, 3, 6, 9); the same message counts once.
    row = re.search(r'<tr><td class=n>(\d+)</td><td><code>scale\(x, #\) raised TypeError', page)
    assert row and row.group(1) == "4"
    assert "7 of 11 passed" in page  # test_scale_hidden's tooltip
    assert "not gradable" in page and "src=" not in page  # nothing loaded from anywhere
    assert "Hidden test failures" not in page and "student.scale(x, 3)" not in page


def test_no_submission_is_not_not_gradable(tmp_path):
    """The live report's roster has students who sent nothing: listed apart, not as "Not
    gradable" with an empty reason."""
    from autograder import scoring
    from autograder.gradebook import Entry

    entries, cfg = _entries(tmp_path)
    for who in ("dave", "eve"):
        empty = GradeResult("tiny", "", status="missing")
        entries.append(Entry(who, None, empty, scoring.score(empty, 0, 0.0), "", ""))
    page = build_html(entries, cfg)
    gradable = page.split("<h2>Not gradable</h2>", 1)[1].split("</ul>", 1)[0]
    assert "the process running your notebook stopped" in gradable and "dave" not in gradable
    assert re.search(r'<h2>No submission</h2><p id="missing">dave, eve</p>', page)
    assert "<tr><td>not gradable</td><td>1</td></tr>" in page and "<tr><td>no submission</td><td>2</td></tr>" in page
    assert "<td>dave</td><td>missing</td>" in page


def test_show_hidden_adds_each_hidden_failure_with_its_traceback(tmp_path):
    entries, cfg = _entries(tmp_path)
    page = build_html(entries, cfg, show_hidden=True)
    section = page.split("Hidden test failures (staff only)", 1)[1]
    assert section.count("test_scale_hidden (hidden, 0/4)") == 4 and section.count("test_add_hidden") == 3
    assert "student.scale(x, 3)" in section and "--- traceback ---" in section
    assert "&lt;b&gt;bad&lt;/b&gt;" in section and "<b>bad</b>" not in section


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        pytest.fail("no headless browser: run `make browser` (installs Debian's chromium), "
                    "or `make test`, which does it for you")
    return exe


def test_report_renders_in_a_headless_browser(tmp_path):
    entries, cfg = _entries(tmp_path)
    page = tmp_path / "report.html"
    write_report(entries, cfg, page)
    exe = _chromium()
    common = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,1400"]
    dom = subprocess.run([*common, "--virtual-time-budget=2000", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    # The page's own script recorded each plot's laid-out size and its number of bars after load.
    plots = re.search(r'data-plots="([^"]*)"', dom.stdout)
    assert plots, "the load handler did not run: the page did not render"
    sizes = {p.split(":")[0]: p.split(":")[1:] for p in plots.group(1).split()}
    assert set(sizes) == {"plot-histogram", "plot-exercises", "plot-tests"}
    for name, (size, rects) in sizes.items():
        w, h = map(int, size.split("x"))
        assert w > 300 and h > 30 and int(rects) > 0, (name, size, rects)
    OUT.mkdir(parents=True, exist_ok=True)
    shot = OUT / "report.png"
    shot.unlink(missing_ok=True)
    run = subprocess.run([*common, f"--screenshot={shot}", page.as_uri()], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    from PIL import Image

    img = Image.open(shot).convert("RGB")
    assert img.size == (1000, 1400)
    colours = img.getcolors(maxcolors=1 << 20)
    not_white = sum(n for n, c in colours if c != (255, 255, 255))
    assert len(colours) > 20 and not_white > 0.03 * img.size[0] * img.size[1], "the screenshot is blank"
    # The bar colours of the plots are on screen, not only text.
    assert any(c == (0x4C, 0x78, 0xA8) for _, c in colours)
