"""The staff page's similarity check in the real chromium, against a real ``autograder serve``:
staff start it on the counted submissions, watch it finish without reloading (grading goes
on), and open the report, where the copied pair comes first; in Korean too."""

from __future__ import annotations

import os

import pytest

from browser_helpers import chromium
from service_helpers import Server, make_course, make_roster, submit, wait_done
from test_service_pages import by_css, login, shot, wait

pytestmark = pytest.mark.slow

ONE_HOT = ("import torch\n\ndef one_hot(labels, num_classes):\n"
           "    if labels.numel() and (labels.min() < 0 or labels.max() >= num_classes):\n"
           "        raise ValueError(f'labels must lie in [0, {num_classes})')\n"
           "    out = torch.zeros(*labels.shape, num_classes)\n    out.scatter_(-1, labels.unsqueeze(-1), 1.0)\n"
           "    return out\n\ndef masked_mean(x, lengths):\n    B, T, D = x.shape\n"
           "    keep = (torch.arange(T)[None, :] < lengths[:, None]).to(x.dtype)\n"
           "    return (x * keep[:, :, None]).sum(dim=1) / lengths.to(x.dtype)[:, None]\n")
COPY = ("import torch\n\n# masked mean first\ndef masked_mean(inp, lens):\n    B, T, D = inp.shape\n"
        "    keep = (torch.arange(T)[None, :] < lens[:, None]).to(inp.dtype)\n\n"
        "    return (inp * keep[:, :, None]).sum(dim=1) / lens.to(inp.dtype)[:, None]\n\n"
        "def one_hot(y, k):\n    if y.numel() and (y.min() < 0 or y.max() >= k):\n"
        "        raise ValueError(f'labels must lie in [0, {k})')\n    res = torch.zeros(*y.shape, k)\n"
        "    res.scatter_(-1, y.unsqueeze(-1), 1.0)\n    return res\n")
OWN = ("import torch\n\ndef one_hot(labels, num_classes):\n    if ((labels < 0) | (labels >= num_classes)).any():\n"
       "        raise ValueError('out of range')\n    return torch.eye(num_classes)[labels]\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("similarity-site")
    course = make_course(tmp, "")
    db = tmp / "svc.db"
    tokens, staff = make_roster(tmp, db, students=["alice", "bob", "carol"])
    server = Server(course, db, tmp / "data").start()
    try:
        for who, code in (("alice", ONE_HOT), ("bob", COPY), ("carol", OWN)):
            with server.client(tokens[who]) as http:
                got = submit(http, "01_tensors", "01_tensors.py", code.encode())
                assert got.status_code in (200, 201, 202), got.text
                wait_done(http, got.json()["id"])
        server.staff = staff
        yield server
    finally:
        server.stop()


def test_staff_start_the_similarity_check_and_open_its_report(site, tmp_path):
    driver = chromium(60)
    try:
        login(driver, site, "staff")
        driver.get(site.url + "/staff/a/01_tensors?lang=en")
        assert "Not run yet" in by_css(driver, "#similarity")[0].text
        by_css(driver, "#similarity-start")[0].click()
        # The live part refreshes in place until the run is done: no reload.
        wait(driver, lambda d: by_css(d, "#similarity-report"), timeout=120)
        assert "Compared 3 submissions" in by_css(driver, "#similarity")[0].text
        shot(driver, tmp_path, "staff-similarity")
        by_css(driver, "#similarity-report")[0].click()
        wait(driver, lambda d: by_css(d, "#pairs"))
        rows = by_css(driver, "#pairs tr")
        assert "alice" in rows[1].text and "bob" in rows[1].text, rows[1].text
        assert by_css(driver, "mark") and not by_css(driver, "script")
        shot(driver, tmp_path, "similarity-report", docs="screenshot-similarity.png")
        driver.get(driver.current_url.split("#")[0] + "#pair-1")
        shot(driver, tmp_path, "similarity-pair", docs="screenshot-similarity-pair.png")
        driver.get(site.url + "/staff/a/01_tensors?lang=ko")
        assert "유사도" in by_css(driver, "#similarity-h")[0].text
        driver.get(site.url + "/staff/a/01_tensors/similarity/report")
        assert by_css(driver, "#pairs")  # the report of the last run (written in English)
    finally:
        driver.quit()


def test_the_report_and_the_start_are_for_staff_only(site):
    with site.client() as anon:
        assert anon.get("/staff/a/01_tensors/similarity/report", follow_redirects=False).status_code in (302, 303, 307)
    assert os.path.isdir(site.data / "similarity" / "01_tensors" / "class")
    assert sorted(os.listdir(site.data / "similarity" / "01_tensors" / "class")) == ["alice.py", "bob.py", "carol.py"]
