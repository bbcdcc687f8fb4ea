"""The service's core without HTTP (fast: no server, no grading): its operations take a user
and plain values, return data, and refuse with the contract's code (docs/SERVICE.md) in the
contract's order, whoever calls them: the JSON API, a page, or this test."""

from __future__ import annotations

import pytest

from autograder.service import roster
from autograder.service.auth import User
from autograder.service.config import ServiceConfig
from autograder.service.core import Service, ServiceError
from autograder.service.db import Database
from service_helpers import make_course

ALICE, BOB, PROF = User("alice", "student", "Alice"), User("bob", "student", "Bob"), User("prof", "staff", "prof")
PY = b"import torch\n\ndef to_numpy(t):\n    return t.numpy()\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def svc(tmp_path):
    db = tmp_path / "svc.db"
    people = tmp_path / "roster.csv"
    people.write_text("student_id,name\nalice,Alice\nbob,Bob\n")
    roster.import_roster(Database(db), people, tmp_path / "tokens.csv")
    staff_token = roster.add_staff(Database(db), "prof")
    service = Service(ServiceConfig(course=make_course(tmp_path), db=db, data=tmp_path / "data"), log=lambda *a: None)
    service.staff_token = staff_token
    return service


def refused(status: int, fn, *args, **kwargs) -> str:
    with pytest.raises(ServiceError) as e:
        fn(*args, **kwargs)
    assert e.value.status == status, (e.value.status, e.value.message)
    return e.value.message


def test_who_is_asking(svc):
    assert svc.authenticate("Bearer " + svc.staff_token) == PROF
    assert "Authorization: Bearer" in refused(401, svc.authenticate, "Bearer 0123456789ab.nope")
    assert svc.token_user(None) is None
    assert svc.session_user({"user": "prof", "token_id": svc.staff_token.partition(".")[0]}) == PROF
    assert svc.session_user({"user": "prof", "token_id": "somebodyelse"}) is None
    svc.revoke(PROF, "alice")
    assert "no user 'nobody'" in refused(404, svc.revoke, PROF, "nobody")
    assert [(p["id"], p["revoked"]) for p in svc.people(PROF)] == [("alice", 1), ("bob", 0), ("prof", 0)]


def test_submit_checks_in_the_contracts_order_and_queues(svc):
    assert "staff tokens cannot submit" in refused(403, svc.submit, PROF, "nope", "x.py", PNG)  # 403 before 404
    assert "unknown assignment 'nope'" in refused(404, svc.submit, ALICE, "nope", "x.py", PNG)
    assert "closed at" in refused(409, svc.submit, ALICE, "99_closed", "x.py", PNG)
    assert "is not a notebook" in refused(415, svc.submit, ALICE, "01_tensors", "x.png", PNG)
    got = svc.submit(ALICE, "01_tensors", "../../etc/01_tensors.py", PY)
    assert got["status"] == "queued" and got["position"] == 1 and got["id"].startswith("s_")
    mine = svc.list_submissions(ALICE, "01_tensors", student="bob")  # a student's own, whatever student= says
    assert [s["id"] for s in mine] == [got["id"]] and mine[0]["filename"] == "01_tensors.py"
    assert svc.list_submissions(BOB) == []
    assert "no submission" in refused(404, svc.get_submission, BOB, got["id"])  # never 403: ids reveal nothing
    assert svc.get_file(ALICE, got["id"]) == (PY, "01_tensors.py")
    assert svc.get_submission(PROF, got["id"])["student"] == "alice"
    assert svc.health() == {"status": "ok", "queued": 1, "grading": 0}
    queue = svc.queue_view(PROF)
    assert [r["id"] for r in queue["queued"]] == [got["id"]] and queue["grading"] == []


def test_staff_operations_refuse_students_and_answer_staff(svc):
    for op, args in ((svc.queue_view, ()), (svc.people, ()), (svc.person, ("bob",)),
                     (svc.staff_assignment, ("01_tensors",)), (svc.gradebook_csv, ("01_tensors",)),
                     (svc.regrade, ("01_tensors",)), (svc.publish, ("01_tensors",)), (svc.revoke, ("bob",))):
        refused(403, op, ALICE, *args)
    assert svc.person(PROF, "bob")["name"] == "Bob"
    refused(404, svc.person, PROF, "nobody")
    svc.extend(PROF, "01_tensors", "bob", extra=2)
    a = svc.staff_assignment(PROF, "01_tensors")
    assert [(e["student"], e["extra"]) for e in a["extensions"]] == [("bob", 2)] and not a["published"]
    assert [(c.student, c.status) for c in a["counted"]] == [("alice", "missing"), ("bob", "missing")]
    assert "no student 'nobody'" in refused(422, svc.extend, PROF, "01_tensors", "nobody", extra=1)
    assert "no student 'nobody'" in refused(404, svc.regrade, PROF, "01_tensors", "nobody")
    assert svc.regrade(PROF, "01_tensors") == {"queued": 0}
    assert svc.publish(PROF, "01_tensors") == {"assignment": "01_tensors", "published": True}
    assert svc.gradebook_csv(PROF, "01_tensors").splitlines()[1].startswith("alice,")


def _notebook(*cells: tuple[str, str], metadata: dict | None = None) -> bytes:
    import json
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": metadata or {},
                       "cells": [{"cell_type": kind, "metadata": {}, "source": src,
                                  **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                                 for kind, src in cells]}).encode()


def test_an_upload_that_cannot_be_this_assignment_is_422_and_uses_nothing(tmp_path):
    """An empty file, a file with no code cells, another assignment's notebook (by its metadata,
    or by the names it defines): 422 saying what was uploaded and what was expected, in English
    and Korean; nothing stored, no submission used, the window (1 per day here) untouched."""
    import json
    import shutil

    from service_helpers import ROOT
    course = make_course(tmp_path, service="graded_per_window = 1\nwindow_hours = 24")
    (course / "solutions/02_autograd").mkdir()
    shutil.copy(ROOT / "solutions/02_autograd/assignment.toml", course / "solutions/02_autograd/assignment.toml")
    db = tmp_path / "svc.db"
    (tmp_path / "roster.csv").write_text("student_id,name\nalice,Alice\n")
    roster.import_roster(Database(db), tmp_path / "roster.csv", tmp_path / "tokens.csv")
    svc = Service(ServiceConfig(course=course, db=db, data=tmp_path / "data"), log=lambda *a: None)

    other = (ROOT / "assignments/02_autograd/02_autograd.ipynb").read_bytes()
    assert json.loads(other)["metadata"]["autograder"] == {"assignment": "02_autograd"}  # `autograder release`
    stripped = json.loads(other)
    del stripped["metadata"]["autograder"]
    by_metadata_only = _notebook(("code", "x = 1"), metadata={"autograder": {"assignment": "02_autograd"}})
    cases = {
        "empty.ipynb": (b"", "empty.ipynb is an empty file"),
        "blank.py": (b"\n  \n", "blank.py is an empty file"),
        "notes.ipynb": (_notebook(("markdown", "# My answers"), ("code", "  ")), "notes.ipynb has no code cells"),
        "02_autograd.ipynb": (other, "02_autograd.ipynb is the work of 02_autograd (it defines "),
        "renamed.ipynb": (json.dumps(stripped).encode(), "renamed.ipynb is the work of 02_autograd"),
        "mine.py": (b"class SigmoidFn:\n    pass\n", "mine.py is the work of 02_autograd (it defines SigmoidFn)"),
        "meta.ipynb": (by_metadata_only, "meta.ipynb is the notebook of 02_autograd, not of 01_tensors"),
    }
    for name, (data, says) in cases.items():
        with pytest.raises(ServiceError) as e:
            svc.submit(ALICE, "01_tensors", name, data)
        err = e.value
        assert err.status == 422 and says in err.message, (name, err.message)
        assert "Expected your notebook for 01_tensors (01_tensors.ipynb)" in err.message
        assert "used no submission" in err.message
        ko = err.localized("ko")
        assert name in ko and "01_tensors.ipynb" in ko and "제출" in ko, ko
    assert svc.list_submissions(ALICE) == [] and not list((tmp_path / "data").rglob("blobs/*/*"))
    # A stub of this assignment, and code that defines nobody's names, are this assignment's work.
    stub = (ROOT / "assignments/01_tensors/01_tensors.ipynb").read_bytes()
    assert svc.submit(ALICE, "01_tensors", "01_tensors.ipynb", stub)["status"] == "queued"
    assert "per 24 h" in refused(429, svc.submit, ALICE, "01_tensors", "x.py", b"x = 1\n")  # the one allowed


def test_a_students_list_is_newest_first(svc):
    ids = [svc.submit(ALICE, "01_tensors", f"{n}.py", PY + f"# {n}\n".encode())["id"] for n in range(4)]
    assert [s["id"] for s in svc.list_submissions(ALICE, "01_tensors")] == ids[::-1]
    assert [s["id"] for s in svc.list_submissions(PROF, student="alice")] == ids[::-1]
