"""Feedback that shows: a failing training test attaches the loss curves, a failing
gradient check a heat map; the PNG decodes at 480 x 300, and students never see the
pictures of hidden tests."""

from __future__ import annotations

import base64
import dataclasses
import io
import json

import torch
from PIL import Image

from autograder import figures
from autograder.grader import GradeOptions
from autograder.submission import CodeCell, load_submission
from autograder.validate import read_mutants

from conftest import ROOT


def _decode(picture) -> Image.Image:
    img = Image.open(io.BytesIO(base64.b64decode(picture.png_base64)))
    img.load()
    return img


def _grade_mutant(grader, aid: str, name: str, scope: str = "all"):
    paths_nb = ROOT / "solutions" / aid / f"{aid}.ipynb"
    base = load_submission(paths_nb, aid)
    mutant = next(m for m in read_mutants(ROOT / "solutions" / aid / "mutants") if m.name == name)
    cell = CodeCell(index=len(base.cells), label=f"mutant {name}", source=mutant.source,
                    filename=f"<mutant {name}>", first_line=1)
    sub = dataclasses.replace(base, cells=(*base.cells, cell))
    return grader.grade(paths_nb, aid, GradeOptions(device="cpu", course=ROOT, scope=scope), submission=sub)


def test_pictures_are_480_by_300_pngs():
    png = figures.loss_curves({"yours": [3, 2, 1.5], "reference": [3, 2, 1]}, title="t", levels={"mean": 2.0})
    img = Image.open(io.BytesIO(png))
    assert (img.format, img.size) == ("PNG", (figures.WIDTH_PX, figures.HEIGHT_PX))
    heat = figures.difference_map(torch.zeros(4, 5), torch.eye(4, 5), title="grad")
    assert Image.open(io.BytesIO(heat)).size == (figures.WIDTH_PX, figures.HEIGHT_PX)
    assert figures.difference_map(torch.zeros(3), torch.zeros(4), title="shapes differ") is None


def test_no_zero_grad_shows_the_loss_curves_with_the_replay(validation):
    res = validation.variant("03_training", "mutant train_no_zero_grad")  # validate's grading of it
    test = next(t for t in res.tests if t.name == "test_train_one_epoch_basic")
    assert not test.passed and "without optimizer.zero_grad()" in test.message
    assert len(test.images) == 1
    assert "replay: no zero grad" in test.images[0].alt and "your batch losses" in test.images[0].alt
    assert _decode(test.images[0]).size == (480, 300)
    # Hidden tests caught it too: their pictures stay on the trusted side.
    hidden = [t for t in res.tests if t.visibility == "hidden" and not t.passed and t.images]
    assert hidden, "a hidden training test should have drawn a picture as well"
    assert all(t.student_images() == () for t in hidden)
    gs = res.to_gradescope()
    by_name = {t["name"]: t for t in gs["tests"]}
    assert by_name["test_train_one_epoch_basic"]["output_format"] == "html"
    assert "data:image/png;base64," in by_name["test_train_one_epoch_basic"]["output"]
    for t in hidden:
        assert "data:image/png" not in by_name[t.name]["output"]
        assert by_name[t.name]["output_format"] == "text"
    from autograder.feedback import render_markdown

    md = render_markdown(res)
    assert md.count("data:image/png;base64,") == 1
    assert json.dumps(gs)  # stays JSON


def test_a_wrong_gradient_shows_where_it_differs(grader):
    res = _grade_mutant(grader, "02_autograd", "sigmoid_fn_derivative_of_input", scope="public")
    failed = [t for t in res.tests if not t.passed]
    assert failed and all(t.visibility == "public" for t in failed)
    pics = [p for t in failed for p in t.images]
    assert pics and "heat map" in pics[0].alt
    assert _decode(pics[0]).size == (480, 300)


def test_the_service_page_shows_inline_pngs_and_fetches_nothing():
    from autograder.service.pages import render_feedback

    page = render_feedback("![loss curves](data:image/png;base64,iVBORw0KGgo=)\n\n![x](http://evil.example/y.png)"
                           "\n\n![s](data:image/svg+xml;base64,PHN2Zz4=)")
    assert '<img src="data:image/png;base64,iVBORw0KGgo=" alt="loss curves"' in page
    assert "evil.example" not in page.split("<img")[-1].split(">")[0] and page.count("<img") == 1
