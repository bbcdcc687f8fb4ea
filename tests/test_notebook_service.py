"""The notebook helper and a real submission service on 127.0.0.1 (started by the test):
check() downloads the release where no released folder is next to the notebook (Colab),
names a known mistake the service recognises in its failed public tests' values,
submit() hands in the saved notebook and shows the service's receipt."""

from __future__ import annotations

import hashlib
import html

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


# ----------------------------------------------------------------------------- known mistakes

MUTANT = "standardize_unbiased_var"


def _mutant():
    from autograder.validate import read_mutants

    return next(m for m in read_mutants(ROOT / "solutions" / AID / "mutants") if m.name == MUTANT)


def _mutant_namespace() -> dict:
    ns = _solution_namespace()
    exec(compile(_mutant().source, "<mutant>", "exec"), ns)
    return ns


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_check_names_the_known_mistake_the_service_recognises(as_student, lang):
    from autograder.notebook import check

    result = check("standardize", assignment=AID, namespace=_mutant_namespace(), lang=lang)
    assert result.failed and not result.notes
    named = [t for t in result.failed if t.diagnosis]
    assert named, [t.message for t in result.failed]
    misconception = _mutant().misconceptions[lang]
    for t in named:
        assert misconception in t.diagnosis and t.message.count(t.diagnosis) == 1
        assert result.to_text().count(t.diagnosis) == 1
        assert result._repr_html_().count(f"<b>{html.escape(t.diagnosis)}</b>") == 1
    # The solution's check asks nothing and names nothing.
    ok = check("standardize", assignment=AID, namespace=_solution_namespace(), lang=lang)
    assert not ok.failed and not ok.notes


def _stored(test_visibility: str) -> tuple[str, list]:
    """A test's name and the mutant's recorded observations on it (the store of the course)."""
    from autograder import diagnosis
    from autograder.config import assignment_paths
    from autograder.release import public_test_names

    paths = assignment_paths(AID, ROOT)
    store = diagnosis.Fingerprints.load(paths.hidden_tests / diagnosis.FINGERPRINTS)
    names = public_test_names(paths.public_tests if test_visibility == "public" else paths.hidden_tests)
    return next((t, by[MUTANT]) for t, by in sorted(store.tests.items())
                if MUTANT in by and t.split("[")[0] in names)


def test_the_diagnose_route_matches_public_tests_only_and_is_bounded(service):
    import httpx

    from autograder import diagnosis

    server, tokens = service
    public, public_obs = _stored("public")
    hidden, hidden_obs = _stored("hidden")
    url = f"/api/v1/assignments/{AID}/diagnose"
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {tokens['bob']}"}) as http:
        r = http.post(url, json={"tests": [{"test": public, "observations": public_obs}]},
                      headers={"Accept-Language": "ko"})
        assert r.status_code == 200, r.text
        (d,) = r.json()["diagnoses"]
        assert d["test"] == public and d["mistake"] == MUTANT and d["misconception"] == _mutant().misconceptions["ko"]
        # A hidden test's recorded values name nothing: the route cannot probe hidden tests.
        r = http.post(url, json={"tests": [{"test": hidden, "observations": hidden_obs}]})
        assert r.status_code == 200 and r.json() == {"diagnoses": []}
        # Values of no known mistake, and values in a shape check() never sends: nothing, no fault.
        r = http.post(url, json={"tests": [{"test": public, "observations": [{"t": "value", "v": [{"t": "tensor"}]}]},
                                           {"test": public, "observations": [[1], "x"]}]})
        assert r.status_code == 200 and r.json() == {"diagnoses": []}
        assert http.post(url, content=b"not json").status_code == 422
        too_many = {"tests": [{"test": public, "observations": []}] * (diagnosis.LOOKUP_TESTS + 1)}
        assert http.post(url, json=too_many).status_code == 422
        big = http.post(url, content=b" " * (diagnosis.LOOKUP_BYTES + 1), headers={"Content-Type": "application/json"})
        assert big.status_code == 413 and "check()" in big.json()["error"]
        assert http.post("/api/v1/assignments/nope/diagnose", json={"tests": []}).status_code == 404
    assert httpx.post(server.url + url, json={"tests": []}).status_code == 401
    # Throttled per user like the other student routes: 429 with Retry-After, in the reader's language.
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {tokens['mallory']}"}) as http:
        codes = [http.post(url, json={"tests": []}).status_code for _ in range(40)]
        assert codes.count(200) == 30 and codes[-1] == 429
        r = http.post(url, json={"tests": []}, headers={"Accept-Language": "ko"})
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.json()["error"].startswith("지금은 알려진 실수를")


def test_check_without_a_reachable_service_is_what_it_was(as_student, monkeypatch):
    """A service that does not answer: the check's verdicts as without one, and one quiet note."""
    from service_helpers import free_port

    from autograder.notebook import check

    monkeypatch.chdir(ROOT / "assignments" / AID)  # the released folder: nothing to download
    monkeypatch.setenv("AUTOGRADER_SERVER", f"http://127.0.0.1:{free_port()}")
    result = check("standardize", assignment=AID, namespace=_mutant_namespace())
    assert result.failed and not any(t.diagnosis for t in result.tests)
    assert len(result.notes) == 1 and "not looked up" in result.notes[0]
    monkeypatch.delenv("AUTOGRADER_SERVER")
    monkeypatch.delenv("AUTOGRADER_TOKEN")
    offline = check("standardize", assignment=AID, namespace=_mutant_namespace())
    assert not offline.notes and [t.message for t in offline.tests] == [t.message for t in result.tests]


def test_a_lookup_sends_failed_tests_in_order_within_its_bounds():
    import json

    from autograder import diagnosis
    from autograder.notebook.mistakes import payload
    from autograder.results import TestResult

    def failed(name: str, size: int) -> TestResult:
        obs = [{"t": "value", "v": [{"t": "str", "v": "x" * size}]}]
        return TestResult(name, "1", ("softmax",), 0, 1, "failed", "public", "", "", observations=obs)

    huge = failed("test_huge", diagnosis.LOOKUP_BYTES)
    none = TestResult("test_none", "1", ("softmax",), 0, 1, "failed", "public", "", "")
    many = [failed(f"test_{i}", 100) for i in range(diagnosis.LOOKUP_TESTS + 5)]
    body = payload([huge, none, *many])
    sent = json.loads(body)["tests"]
    assert len(body) <= diagnosis.LOOKUP_BYTES and len(sent) == diagnosis.LOOKUP_TESTS
    assert [t["test"] for t in sent] == [t.name for t in many[: diagnosis.LOOKUP_TESTS]]
    assert sent[0]["observations"] == many[0].observations
