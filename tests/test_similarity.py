"""`autograder similarity`: disguised copies found above independent solutions, starter and
common code left out, the report escaped and rendered in the real chromium, the CLI."""

from __future__ import annotations

import itertools
from pathlib import Path

import nbformat
import pytest

from autograder import cli, i18n
from autograder.similarity.bench import disguised_class
from autograder.similarity.clusters import THRESHOLD
from autograder.similarity.report import build_html, write_report
from autograder.similarity.run import SimilarityOptions, SimilarityResult, run_similarity
from autograder.similarity.sources import OTHER, split_by_exercise
from autograder.submission import CodeCell
from browser_helpers import chromium

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "out" / "test-similarity"  # the screenshots stay for a look
ASSIGNMENTS = ("01_tensors", "02_autograd", "03_training")
RELEASED = ROOT / "assignments" / "01_tensors" / "01_tensors.ipynb"
HOSTILE = "<img src=x onerror=alert('x')>"  # a file name cannot hold a slash


@pytest.fixture(scope="module")
def disguise_runs(tmp_path_factory) -> dict[str, tuple[SimilarityResult, dict[str, str]]]:
    """One run per assignment over its disguise test set (computed once for the module)."""
    runs = {}
    for aid in ASSIGNMENTS:
        folder = tmp_path_factory.mktemp(f"disguised-{aid}")
        origin = disguised_class(ROOT, aid, folder)
        runs[aid] = (run_similarity(SimilarityOptions(aid, ROOT, [folder])), origin)
    return runs


def _scores(result: SimilarityResult) -> dict[frozenset, float]:
    return {frozenset((result.students[p.a].student, result.students[p.b].student)): p.score for p in result.pairs}


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_every_disguised_copy_ranks_above_every_pair_of_independent_solutions(disguise_runs, aid):
    result, origin = disguise_runs[aid]
    assert not result.unreadable and len(result.students) == len(origin)
    scores = _scores(result)
    copies = [(scores.get(frozenset((s, o)), 0.0), s) for s, o in origin.items() if s != o]
    originals = [s for s, o in origin.items() if s == o]
    independent = [(scores.get(frozenset(p), 0.0), p) for p in itertools.combinations(originals, 2)]
    kinds = {s.split("--")[1] for _, s in copies}
    assert {"rename", "reformat", "comment", "dead_code", "everything"} <= kinds and len(independent) > 20
    weakest_copy, strongest_independent = min(copies), max(independent)
    assert weakest_copy[0] > strongest_independent[0], (weakest_copy, strongest_independent)

    # Precision and recall of the report's flag (a pair at or above the cluster threshold):
    # positives are all pairs of the same origin (a copy and its original, two copies of one).
    flagged = {pair for pair, s in scores.items() if s >= THRESHOLD}
    positives = {frozenset(p) for p in itertools.combinations(origin, 2) if origin[p[0]] == origin[p[1]]}
    precision = len(flagged & positives) / len(flagged)
    recall = len(flagged & positives) / len(positives)
    print(f"\n{aid}: {len(origin)} submissions ({len(copies)} disguised copies, {len(originals)} independent); "
          f"weakest copy {weakest_copy[0]:.3f} ({weakest_copy[1]}) > strongest independent pair "
          f"{strongest_independent[0]:.3f}; at {THRESHOLD:.2f}: precision {precision:.3f}, recall {recall:.3f}")
    assert recall > 0.9 and precision > 0.5


def test_cells_are_cut_into_exercises_and_helpers_follow_their_exercise():
    cells = (CodeCell(0, "cell 1", "import torch", "<cell 1>", 1),
             CodeCell(1, "cell 2", "def _norm(x):\n    return x\n\n# the answer\ndef softmax(x):\n    return _norm(x)",
                      "<cell 2>", 1),
             CodeCell(2, "cell 3", "def to_numpy(t):\n    return t\ndef one_hot(y, n):\n    return y", "<cell 3>", 1),
             CodeCell(3, "cell 4", "def broken(:\n", "<cell 4>", 1))
    pieces = split_by_exercise(cells, ("softmax", "to_numpy", "one_hot"))
    assert set(pieces) == {OTHER, "softmax", "to_numpy", "one_hot"}
    assert "_norm" in pieces["softmax"] and "def broken(:" in pieces[OTHER] and "import torch" in pieces[OTHER]
    assert "one_hot" not in pieces["to_numpy"]


def _notebook(path: Path, answers: dict[str, str]) -> None:
    """The released notebook with some exercise cells answered (by the cell's grade_id)."""
    nb = nbformat.read(RELEASED, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    nbformat.write(nb, path)


SOFTMAX_COMMON = "def softmax(x, dim=-1):\n    e = torch.exp(x - x.amax(dim=dim, keepdim=True))\n    return e / e.sum(dim=dim, keepdim=True)"
ONE_HOT = ("def one_hot(labels, num_classes):\n    if labels.numel() and (labels.min() < 0 or labels.max() >= num_classes):\n"
           "        raise ValueError(f'labels must lie in [0, {num_classes})')\n"
           "    out = torch.zeros(*labels.shape, num_classes)\n    out.scatter_(-1, labels.unsqueeze(-1), 1.0)\n    return out")
ONE_HOT_COPY = ("def one_hot(y, k):\n    # check the labels first\n    if y.numel() and (y.min() < 0 or y.max() >= k):\n"
                "        raise ValueError(f'labels must lie in [0, {k})')\n    result = torch.zeros(*y.shape, k)\n"
                "    result.scatter_(-1, y.unsqueeze(-1), 1.0)\n\n\n    return result")


@pytest.fixture(scope="module")
def small_class(tmp_path_factory) -> tuple[Path, SimilarityResult]:
    """Eight notebooks: all share the obvious softmax, two share one_hot (one disguised),
    one hands in the released notebook untouched, one has a hostile name and code."""
    folder = tmp_path_factory.mktemp("class")
    for k in range(5):
        _notebook(folder / f"student{k}.ipynb", {"softmax": SOFTMAX_COMMON})
    _notebook(folder / "ann.ipynb", {"softmax": SOFTMAX_COMMON, "one_hot": ONE_HOT})
    _notebook(folder / "ben.ipynb", {"softmax": SOFTMAX_COMMON, "one_hot": ONE_HOT_COPY})
    _notebook(folder / "untouched.ipynb", {})
    hostile = ("def to_numpy(t):\n    note = \"</pre><script>alert('code')</script>\"\n"
               "    return t.detach().cpu().numpy().copy()  # <b>bold</b>\n")
    _notebook(folder / f"{HOSTILE}.ipynb", {"to_numpy": hostile})
    _notebook(folder / "copycat.ipynb", {"to_numpy": hostile.replace("note", "n")})
    (folder / "broken.ipynb").write_text("{not json", encoding="utf-8")
    return folder, run_similarity(SimilarityOptions("01_tensors", ROOT, [folder]))


def test_starter_and_common_code_do_not_count_but_a_copy_does(small_class):
    _, result = small_class
    names = {s.student for s in result.students}
    assert len(names) == 10 and len(result.unreadable) == 1 and "broken" in result.unreadable
    scores = _scores(result)
    assert scores[frozenset(("ann", "ben"))] > 0.9  # one_hot copied, renamed, commented
    # The released notebook (stubs, given code, demo and check cells) is shared by everyone: no pair.
    assert not any("untouched" in pair for pair in scores)
    # Nine of ten wrote the same softmax: common, so the five who wrote only it share nothing.
    assert not any(pair <= {f"student{k}" for k in range(5)} for pair in scores)
    assert all("softmax" not in p.exercises for p in result.pairs)
    groups = [{result.students[i].student for i in c.members} for c in result.clusters]
    assert sorted(groups, key=sorted) == sorted([{"ann", "ben"}, {HOSTILE, "copycat"}], key=sorted)


def test_report_escapes_names_and_code_and_says_it_is_evidence(small_class):
    _, result = small_class
    page = build_html(result)
    assert "<img" not in page and "&lt;img src=x onerror=alert(&#x27;x&#x27;)&gt;" in page
    assert "<script>" not in page
    assert "&lt;/pre&gt;&lt;script&gt;" in page  # the code inside <pre>, escaped, with <mark>s around
    assert "<b>bold</b>" not in page and "<mark>" in page
    assert "evidence for a person to judge" in page
    with i18n.using("ko"):
        korean = build_html(result)
    assert 'lang="ko"' in korean and "판단" in korean and "evidence for a person" not in korean


def test_report_in_chromium_side_by_side_with_marks(small_class, tmp_path):
    from selenium.webdriver.common.by import By

    _, result = small_class
    OUT.mkdir(parents=True, exist_ok=True)
    pages = {"en": OUT / "report.html", "ko": OUT / "report-ko.html"}
    for lang, path in pages.items():
        with i18n.using(lang):
            write_report(result, path)
    driver = chromium()
    try:
        driver.get(pages["en"].as_uri())
        assert driver.execute_script("return document.querySelectorAll('script').length") == 0
        rows = driver.find_elements(By.CSS_SELECTOR, "#pairs tr")
        assert len(rows) >= 3 and HOSTILE in rows[1].text + rows[2].text + driver.find_element(By.ID, "pairs").text
        link = driver.find_element(By.CSS_SELECTOR, "#pairs a[href^='#pair-']")
        link.click()
        section = driver.find_element(By.ID, link.get_attribute("href").split("#")[1])
        left, right = section.find_elements(By.CSS_SELECTOR, ".sides > div")[:2]
        # Side by side: the two columns share a row, each about half the page wide.
        assert abs(left.rect["y"] - right.rect["y"]) < 2 and right.rect["x"] > left.rect["x"] + 300
        assert left.find_elements(By.TAG_NAME, "mark") and right.find_elements(By.TAG_NAME, "mark")
        assert "alert('code')" in driver.find_element(By.TAG_NAME, "body").text  # shown as text, not run
        driver.save_screenshot(str(OUT / "report.png"))
        driver.get(pages["ko"].as_uri())
        assert "쌍" in driver.find_element(By.TAG_NAME, "h2").text + driver.find_element(By.TAG_NAME, "body").text
        driver.save_screenshot(str(OUT / "report-ko.png"))
    finally:
        driver.quit()


def test_cli_writes_the_report_and_the_csv(small_class, tmp_path, capsys):
    folder, _ = small_class
    report, csv_path = tmp_path / "sim.html", tmp_path / "pairs.csv"
    archive = tmp_path / "2025"
    archive.mkdir()
    _notebook(archive / "old.ipynb", {"one_hot": ONE_HOT})
    code = cli.main(["--course", str(ROOT), "similarity", "01_tensors", str(folder), "--archive", str(archive),
                     "--report", str(report), "--csv", str(csv_path)])
    assert code == 0 and report.exists()
    rows = csv_path.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("rank,student_a,student_b,score,to_numpy,")
    assert any("2025/old" in r for r in rows) and not any(r.count("2025/") == 2 for r in rows)
    assert "not compared: broken" in capsys.readouterr().out


def test_similarity_never_imports_torch():
    from test_imports import _fresh_modules

    loaded = _fresh_modules("autograder.similarity.run", "autograder.similarity.report",
                            "autograder.similarity.command", "autograder.service.similarity_runs")
    assert not any(m.split(".")[0] == "torch" for m in loaded)
