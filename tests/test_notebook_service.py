"""The notebook helper and a real submission service on 127.0.0.1 (started by the test):
check() downloads the release where no released folder is next to the notebook (Colab),
submit() hands in the saved notebook and shows the service's receipt."""

from __future__ import annotations

import hashlib

import nbformat
import pytest

from service_helpers import Server, make_course, make_roster

from conftest import ROOT

AID = "01_tensors"


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("service")
    course = make_course(tmp)
    db = tmp / "grades.db"
    tokens, _staff = make_roster(tmp, db)
    server = Server(course, db, tmp / "data").start()
    try:
        yield server, tokens
    finally:
        server.ensure_stopped()


@pytest.fixture
def as_student(service, monkeypatch, tmp_path):
    """A student somewhere with no released folder around (as in Colab), the service configured."""
    server, tokens = service
    monkeypatch.setenv("AUTOGRADER_SERVER", server.url)
    monkeypatch.setenv("AUTOGRADER_TOKEN", tokens["alice"])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("AUTOGRADER_ASSIGNMENT", raising=False)
    monkeypatch.chdir(tmp_path)
    return server, tokens


def _solution_namespace() -> dict:
    from autograder.submission import load_submission

    sub = load_submission(ROOT / "solutions" / AID / f"{AID}.ipynb", AID)
    ns: dict = {"__name__": "__main__"}
    for cell in sub.cells:
        exec(compile(cell.source, cell.filename, "exec"), ns)
    return ns


def test_check_downloads_the_release_from_the_service(as_student):
    from autograder.notebook import check

    server, _ = as_student
    ns = _solution_namespace()
    result = check("softmax", assignment=AID, namespace=ns)
    assert result.origin == f"{server.url}/api/v1/assignments/{AID}/release.zip"
    assert [t.name for t in result.passed] == ["test_softmax_basic"] and not result.failed


def test_check_says_what_to_do_with_a_bad_token(as_student, monkeypatch):
    from autograder.notebook import check
    from autograder.notebook.locate import ReleaseNotFound

    monkeypatch.setenv("AUTOGRADER_TOKEN", "not-a-token")
    with pytest.raises(ReleaseNotFound, match="401.*token"):
        check("softmax", assignment=AID, namespace={})


def test_submit_uploads_and_shows_the_receipt(as_student, tmp_path):
    import httpx

    from autograder.notebook import submit

    server, tokens = as_student
    nb = nbformat.read(ROOT / "solutions" / AID / f"{AID}.ipynb", as_version=4)
    path = tmp_path / f"{AID}.ipynb"
    nbformat.write(nb, path)
    receipt = submit(str(path), namespace={})
    assert receipt.uploaded and receipt.assignment == AID
    assert receipt.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert receipt.received_at and isinstance(receipt.position, int)
    text = repr(receipt)
    assert f"submission {receipt.id}" in text and receipt.sha256 in text
    assert receipt.id in receipt._repr_html_()
    page = f"{server.url}/s/{receipt.id}"  # every receipt names the feedback page, a link in HTML
    assert f"Feedback: {page}" in text and f"href='{page}'" in receipt._repr_html_()
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {tokens['alice']}"}) as http:
        sub = http.get(f"/api/v1/submissions/{receipt.id}").json()
    assert sub["sha256"] == receipt.sha256 and sub["filename"] == path.name


def test_submit_reports_what_the_service_refused(as_student, tmp_path):
    from autograder.notebook import SubmitError, submit

    nb = nbformat.read(ROOT / "solutions" / AID / f"{AID}.ipynb", as_version=4)
    path = tmp_path / "99_closed.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(SubmitError, match="409"):
        submit(str(path), assignment="99_closed", namespace={})
