"""The submission service's HTTP API, against a real ``autograder serve`` on 127.0.0.1.

One server for the module (grading costs CPU): every route and status code of
docs/SERVICE.md, the order of the checks, isolation between students, hostile input.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
import sqlite3
import zipfile

import pytest

from service_helpers import ROOT, Server, cli, make_course, make_roster, submit, wait_done

pytestmark = pytest.mark.slow

BROKEN_PY = b"def f(:\n    pass\n"  # a syntax error: accepted, graded 0 (cheap to grade)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
STAFF_ROUTES = [("POST", "/api/v1/regrade", {"assignment": "01_tensors"}),
                ("POST", "/api/v1/publish", {"assignment": "01_tensors"}),
                ("GET", "/api/v1/gradebook/01_tensors.csv", None)]


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("service")
    # Due an hour ago (no hard close): every upload is 1 day late, 10% off once visible.
    due = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).isoformat(timespec="seconds")
    course = make_course(tmp, "max_upload_mb = 1\ngraded_per_window = 3\nwindow_hours = 1\n", due=due)
    db = tmp / "svc.db"
    tokens, staff = make_roster(tmp, db)
    server = Server(course, db, tmp / "data")
    try:
        server.start()
        server.tokens, server.staff, server.tmp = tokens, staff, tmp
        yield server
        server.stop()
    finally:
        server.ensure_stopped()


def http(svc, who: str | None):
    return svc.client(None if who is None else svc.staff if who == "staff" else svc.tokens.get(who, who))


@pytest.fixture(scope="module")
def graded(svc):
    """alice's bob.py, graded (the one full grading of this module)."""
    with http(svc, "alice") as c:
        r = submit(c, "01_tensors", "bob.py", (ROOT / "tests/sample_class/01_tensors/bob.py").read_bytes())
        assert r.status_code == 202, r.text
        body = r.json()
        assert body["status"] == "queued" and isinstance(body["position"], int) and body["position"] >= 1
        return wait_done(c, body["id"])


def test_healthz_and_me(svc):
    with http(svc, None) as c:
        h = c.get("/healthz").json()
    assert h["status"] == "ok" and isinstance(h["queued"], int) and isinstance(h["grading"], int)
    with http(svc, "alice") as c:
        assert c.get("/api/v1/me").json() == {"id": "alice", "role": "student", "name": "Alice <i>x</i>"}
    with http(svc, "staff") as c:
        assert c.get("/api/v1/me").json()["role"] == "staff"


@pytest.mark.parametrize("header", [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer nonsense",
                                    "Bearer 0123456789ab.wrong", "Bearer " + "x" * 500])
@pytest.mark.parametrize("method,path", [("GET", "/api/v1/me"), ("GET", "/api/v1/assignments"),
                                         ("GET", "/api/v1/submissions/s_doesnotexist"),
                                         ("GET", "/api/v1/submissions/s_x/file"), ("POST", "/api/v1/regrade"),
                                         ("GET", "/api/v1/gradebook/nope.csv"), ("GET", "/api/v2/whatever"),
                                         ("POST", "/api/v1/submissions"),
                                         ("GET", "/api/v1/assignments/01_tensors/release.zip")])
def test_401_without_a_valid_token(svc, header, method, path):
    with svc.client() as c:
        headers = {} if header is None else {"Authorization": header}
        r = c.request(method, path, headers=headers, content=b"{not json")
    assert r.status_code == 401, r.text
    assert "token" in r.json()["error"]


def test_assignments(svc):
    with http(svc, "dave") as c:
        got = {a["id"]: a for a in c.get("/api/v1/assignments").json()}
    assert set(got) == {"01_tensors", "99_closed"}
    a = got["01_tensors"]
    assert {"id", "title", "due", "closes", "max_score", "graded_left"} <= set(a)
    assert a["max_score"] == 100 and a["graded_left"] == 3 and a["closes"] is None
    assert got["99_closed"]["closes"].startswith("2020-01-02")
    with http(svc, "staff") as c:
        assert all(a["graded_left"] is None for a in c.get("/api/v1/assignments").json())


def test_release_zip_is_the_released_folder(svc):
    with http(svc, "bob") as c:
        r = c.get("/api/v1/assignments/01_tensors/release.zip")
        assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
        assert "01_tensors/01_tensors.ipynb" in names and "01_tensors/assignment.toml" in names
        assert any(n.startswith("01_tensors/tests/") for n in names)
        assert not any("hidden" in n or "mutants" in n for n in names)
        assert c.get("/api/v1/assignments/nope/release.zip").status_code == 404
        assert c.get("/api/v1/assignments/99_closed/release.zip").status_code == 404


def test_graded_submission_hides_hidden_results_until_published(svc, graded):
    sub = graded
    assert sub["status"] == "graded" and sub["student"] == "alice" and sub["filename"] == "bob.py"
    assert sub["position"] is None and sub["received_at"].endswith("+00:00")
    # Before publishing: public tests only, no final.
    assert sub["hidden_pending"] is True and sub["final"] is None
    assert sub["max_score"] == 30 and 0 < sub["score"] <= 30
    assert {t["visibility"] for t in sub["results"]} == {"public"}
    assert "hidden" not in sub["feedback_md"].split("## Hidden tests")[0].lower()
    with http(svc, "staff") as c:
        full = c.get(f"/api/v1/submissions/{sub['id']}").json()
        assert full["max_score"] == 100 and full["final"] is not None and not full["hidden_pending"]
        assert any(t["visibility"] == "hidden" and t["status"] == "failed" for t in full["results"])
        r = c.post("/api/v1/publish", json={"assignment": "01_tensors"})
        assert r.status_code == 200 and r.json()["published"] is True
    with http(svc, "alice") as c:
        after = c.get(f"/api/v1/submissions/{sub['id']}").json()
        assert after["hidden_pending"] is False and after["max_score"] == 100
        assert after["score"] == full["score"] and after["late_days"] == 1
        assert after["final"] == pytest.approx(0.9 * after["score"])  # late_penalty_per_day = 0.10
        assert "Late submission" in after["feedback_md"]
        hidden = [t for t in after["results"] if t["visibility"] == "hidden"]
        assert hidden and any(t["status"] == "failed" for t in hidden)
        staff_text = {t["name"]: t["output"] for t in full["results"]}
        for t in hidden:  # never the source, expected values or traceback the staff see
            assert "Traceback" not in t["output"] and "assert" not in t["output"]
            if t["status"] == "failed" and staff_text[t["name"]]:
                assert t["output"] != staff_text[t["name"]]
        sections = after["feedback_md"].split("\n### ")
        hidden_sections = [x for x in sections if "(hidden test)" in x.splitlines()[0]]
        assert len(hidden_sections) == len(hidden)
        for x in hidden_sections:  # a hidden test's name, points and author's line only
            assert "Traceback" not in x and 'File "' not in x
        f = c.get(f"/api/v1/submissions/{sub['id']}/file")
        assert f.status_code == 200
        assert f.content == (ROOT / "tests/sample_class/01_tensors/bob.py").read_bytes()


def test_isolation(svc, graded):
    sid = graded["id"]
    with http(svc, "bob") as c:
        for path in (f"/api/v1/submissions/{sid}", f"/api/v1/submissions/{sid}/file"):
            r = c.get(path)
            assert r.status_code == 404 and "error" in r.json()
        for _ in range(5):
            guess = "s_" + secrets.token_urlsafe(12)
            assert c.get(f"/api/v1/submissions/{guess}").status_code == 404
        for q in ("", "?assignment=01_tensors", "?assignment=01_tensors&student=alice", "?student=alice"):
            listed = c.get("/api/v1/submissions" + q)
            assert listed.status_code == 200 and all(s["student"] == "bob" for s in listed.json())
        for method, path, body in STAFF_ROUTES:
            r = c.request(method, path, json=body)
            assert r.status_code == 403, (path, r.text)
    with http(svc, "alice") as c:
        mine = c.get("/api/v1/submissions?assignment=01_tensors&student=bob").json()
        assert sid in [s["id"] for s in mine] and all(s["student"] == "alice" for s in mine)
    with http(svc, "staff") as c:
        assert c.get(f"/api/v1/submissions/{sid}").status_code == 200
        only = c.get("/api/v1/submissions?assignment=01_tensors&student=alice").json()
        assert only and all(s["student"] == "alice" for s in only)
        r = submit(c, "01_tensors", "x.py", b"x = 1\n")
        assert r.status_code == 403


def test_check_order(svc):
    """The first failing check answers: 401, 403, 422, 404, 409, 429, 413, 415."""
    with http(svc, "mallory") as c:
        # 403 before 422: a student's malformed body on a staff route.
        assert c.post("/api/v1/regrade", content=b"{oops").status_code == 403
        # 422 before 404: no file field, unknown assignment.
        assert c.post("/api/v1/submissions", data={"assignment": "nope"}).status_code == 422
        # 404 before 409/413/415: unknown assignment with a PNG.
        assert submit(c, "nope", "x.ipynb", PNG).status_code == 404
        # 409 before 413 and 415.
        r = submit(c, "99_closed", "x.ipynb", PNG + bytes(2 << 20))
        assert r.status_code == 409 and "closed" in r.json()["error"]
        # 413 before 415.
        assert submit(c, "01_tensors", "x.ipynb", PNG + bytes(int(1.2 * 2**20))).status_code == 413
        assert submit(c, "01_tensors", "x.ipynb", PNG).status_code == 415
    with http(svc, "staff") as c:
        assert c.post("/api/v1/regrade", content=b"{oops").status_code == 422
        assert c.post("/api/v1/regrade", json={"student": "alice"}).status_code == 422
        assert c.post("/api/v1/regrade", json={"assignment": "nope"}).status_code == 404
        assert c.post("/api/v1/publish", json={"assignment": "nope"}).status_code == 404
        assert c.get("/api/v1/gradebook/nope.csv").status_code == 404
        assert c.post("/api/v1/regrade", json={"assignment": "01_tensors", "student": "nobody"}).status_code == 404


def test_an_empty_or_codeless_upload_is_422_uses_no_submission_and_is_not_rate_limited(svc):
    """mallory's window holds 3: four refused uploads later she has nothing stored and no 429."""
    notes = b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "markdown", ' \
            b'"metadata": {}, "source": "# answers"}]}'
    with http(svc, "mallory") as c:
        for name, data in (("empty.ipynb", b""), ("notes.ipynb", notes), ("empty.py", b"\n"),
                           ("empty.ipynb", b" ")):
            r = submit(c, "01_tensors", name, data)
            assert r.status_code == 422, r.text
            assert name in r.json()["error"] and "01_tensors.ipynb" in r.json()["error"]
        r = c.post("/api/v1/submissions", data={"assignment": "01_tensors"}, files={"file": ("empty.ipynb", b"")},
                   headers={"Accept-Language": "ko"})
        assert r.status_code == 422 and "빈 파일" in r.json()["error"], r.text
        assert c.get("/api/v1/submissions").json() == []
        assert {a["id"]: a for a in c.get("/api/v1/assignments").json()}["01_tensors"]["graded_left"] == 3


def test_malformed_multipart_is_422(svc):
    with http(svc, "mallory") as c:
        bad = [("multipart/form-data", b"--x\r\nnot multipart"),
               ("multipart/form-data; boundary=zzz", b"--zzz\r\nContent-Disposition: form-data\r\n\r\nx"),
               ("application/json", b'{"assignment": "01_tensors"}'), ("text/plain", b"")]
        for ctype, body in bad:
            r = c.post("/api/v1/submissions", content=body, headers={"Content-Type": ctype})
            assert r.status_code == 422, (ctype, r.text)
        assert c.post("/api/v1/submissions", files={"file": ("a.py", b"x=1")}).status_code == 422
        assert c.get("/healthz").status_code == 200


def test_oversized_upload_is_413_and_the_server_stays_healthy(svc):
    with http(svc, "mallory") as c:
        r = submit(c, "01_tensors", "01_tensors.py", b"#" * int(1.5 * 2**20))
        assert r.status_code == 413 and "limit" in r.json()["error"]
        try:  # far over every limit: refused from Content-Length, the body is not read
            r = submit(c, "01_tensors", "01_tensors.py", b"#" * (40 << 20))
            assert r.status_code == 413
        except Exception as e:  # noqa: BLE001 - the server may close the connection mid-upload
            assert "413" in str(e) or type(e).__name__ in ("WriteError", "RemoteProtocolError", "ReadError")
    with http(svc, "mallory") as c:
        assert c.get("/healthz").json()["status"] == "ok"
        assert c.get("/api/v1/submissions").json() == []  # nothing stored


def test_png_named_ipynb_is_415(svc):
    with http(svc, "mallory") as c:
        r = submit(c, "01_tensors", "01_tensors.ipynb", PNG)
        assert r.status_code == 415 and "notebook" in r.json()["error"]


def test_unknown_and_closed_assignment(svc):
    with http(svc, "mallory") as c:
        assert submit(c, "02_nope", "01_tensors.py", b"x = 1\n").status_code == 404
        r = submit(c, "99_closed", "99_closed.py", b"x = 1\n")
        assert r.status_code == 409
        assert c.get("/api/v1/submissions?assignment=02_nope").status_code == 404


def test_extension_reopens_a_closed_assignment(svc):
    cli("roster", "extend", "carol", "--assignment", "99_closed", "--closes", "2099-01-01T00:00:00+00:00",
        "--extra", "2", "--db", str(svc.db))
    with http(svc, "carol") as c:
        # 415 (not 409): the assignment is open for carol now; a PNG is never graded.
        assert submit(c, "99_closed", "x.ipynb", PNG).status_code == 415
        got = {a["id"]: a for a in c.get("/api/v1/assignments").json()}
        assert got["99_closed"]["closes"].startswith("2099")
    with http(svc, "dave") as c:
        assert submit(c, "99_closed", "x.ipynb", PNG).status_code == 409


def test_hostile_file_names_are_stored_under_safe_names(svc):
    with http(svc, "dave") as c:
        names = {"../../../etc/passwd.py": "passwd.py", "..\\..\\win.py": "win.py",
                 "<img src=x onerror=alert(1)>.py": "<img src=x onerror=alert(1)>.py"}
        ids = {}
        for sent, shown in names.items():
            r = submit(c, "01_tensors", sent, BROKEN_PY)
            assert r.status_code == 202, r.text
            ids[r.json()["id"]] = shown
        for sid, shown in ids.items():
            sub = c.get(f"/api/v1/submissions/{sid}").json()
            assert sub["filename"] == shown
            f = c.get(f"/api/v1/submissions/{sid}/file")
            assert f.content == BROKEN_PY and f.headers["content-type"] == "application/octet-stream"
            assert "<" not in f.headers["content-disposition"] and "/" not in f.headers["content-disposition"]
        # The names reached no file system: the store holds hashes only.
        for p in (svc.data / "blobs").rglob("*"):
            assert p.is_dir() or len(p.name) == 64
        assert not (svc.data / "passwd.py").exists() and not (svc.tmp / "etc").exists()
        for sid in ids:
            done = wait_done(c, sid)
            assert done["status"] in ("graded", "ungradable") and done["score"] == 0


def test_rate_limit_429_with_retry_after(svc):
    with http(svc, "dave") as c:  # dave used his 3 in the window above
        r = submit(c, "01_tensors", "01_tensors.py", BROKEN_PY)
        assert r.status_code == 429
        wait = int(r.headers["retry-after"])
        assert 0 < wait <= 3600
        got = {a["id"]: a for a in c.get("/api/v1/assignments").json()}
        assert got["01_tensors"]["graded_left"] == 0
        assert submit(c, "01_tensors", "x.ipynb", PNG).status_code == 429  # 429 before 415
        assert len(c.get("/api/v1/submissions").json()) == 3  # nothing stored


def test_zip_bomb_ends_ungradable(svc):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("01_tensors.ipynb", b"\0" * (60 << 20))
    with http(svc, "eve") as c:
        r = submit(c, "01_tensors", "bomb.zip", buf.getvalue())
        assert r.status_code == 202, r.text
        sub = wait_done(c, r.json()["id"])
        assert sub["status"] == "ungradable" and "unpacks to" in sub["feedback_md"]
        assert sub["score"] == 0 and sub["results"] == []


def test_round_robin_one_burst_does_not_delay_others(svc):
    with http(svc, "frank") as f, http(svc, "grace") as g:
        burst = [submit(f, "01_tensors", "01_tensors.py", BROKEN_PY).json()["id"] for _ in range(3)]
        other = submit(g, "01_tensors", "01_tensors.py", BROKEN_PY).json()["id"]
        for sid in burst:
            wait_done(f, sid)
        wait_done(g, other)
    db = sqlite3.connect(svc.db)
    started = dict(db.execute("SELECT id, started_at FROM submissions WHERE id IN (?, ?, ?, ?)", (*burst, other)))
    db.close()
    # grace's came after frank's whole burst but is graded before frank's second one.
    assert started[other] < started[burst[1]] < started[burst[2]]


def test_regrade_gradebook_and_audit(svc, graded):
    with http(svc, "staff") as c:
        r = c.post("/api/v1/regrade", json={"assignment": "01_tensors", "student": "frank"})
        assert r.status_code == 202 and r.json() == {"queued": 3}
        for s in c.get("/api/v1/submissions?assignment=01_tensors&student=frank").json():
            wait_done(c, s["id"])
        r = c.get("/api/v1/gradebook/01_tensors.csv")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    header = r.text.splitlines()[0].split(",")
    assert header[:4] == ["student", "status", "submitted_at", "late_days"]
    mistakes = [h for h in header if h.startswith("mistakes:")]  # one per exercise, last (mistake_counts.py)
    assert mistakes and header[-len(mistakes):] == mistakes
    assert header[-5 - len(mistakes):-len(mistakes)] == ["raw", "max_score", "penalty", "final", "submission_sha256"]
    assert sorted(row["student"] for row in rows) == sorted(svc.tokens)  # one row per roster student
    by = {row["student"]: row for row in rows}
    assert by["alice"]["status"] == "graded" and float(by["alice"]["raw"]) > 0
    assert by["bob"]["status"] == "missing" and by["frank"]["raw"] == "0"
    db = sqlite3.connect(svc.db)
    grades = dict(db.execute("SELECT id, grades FROM submissions WHERE student='frank'"))
    actions = [r[0] for r in db.execute("SELECT action FROM audit")]
    db.close()
    assert set(grades.values()) == {2}  # graded, then regraded: once each
    assert {"regrade", "publish", "extend", "add-staff"} <= set(actions)


def test_backup_while_serving(svc, graded, tmp_path):
    out = tmp_path / "backup"
    cli("service", "backup", str(out), "--db", str(svc.db), "--data", str(svc.data))
    copy = sqlite3.connect(out / svc.db.name)
    shas = [r[0] for r in copy.execute("SELECT sha256 FROM submissions")]
    copy.close()
    assert shas and all((out / "data/blobs" / s[:2] / s).is_file() for s in shas)


def test_roster_commands(svc):
    r = cli("roster", "import", str(svc.tmp / "roster.csv"), "--db", str(svc.db),
            "--tokens-out", str(svc.tmp / "again.csv"))
    assert "0 new student(s)" in r.stdout
    assert (svc.tmp / "again.csv").read_text().strip() == "student_id,token"  # idempotent: nobody new
    old = svc.tokens["grace"]
    new = cli("roster", "rotate", "grace", "--db", str(svc.db)).stdout.strip().splitlines()[-1]
    with svc.client(old) as c:
        assert c.get("/api/v1/me").status_code == 401
    with svc.client(new) as c:
        assert c.get("/api/v1/me").json()["id"] == "grace"
    cli("roster", "revoke", "grace", "--db", str(svc.db))
    with svc.client(new) as c:
        assert c.get("/api/v1/me").status_code == 401
    assert cli("roster", "revoke", "nobody", "--db", str(svc.db), check=False).returncode != 0


def test_submit_client_exit_codes(svc, tmp_path):
    env_free = ["--server", svc.url, "--token", svc.tokens["eve"]]
    f = tmp_path / "01_tensors.py"
    f.write_bytes(BROKEN_PY)
    r = cli("submit", str(f), *env_free, check=False)
    assert r.returncode == 0, r.stdout + r.stderr  # graded, whatever the score
    assert "Score: 0 / 100" in r.stdout  # published by now: the whole grade
    r = cli("submit", str(f), "--no-wait", *env_free, check=False)
    assert r.returncode == 0 and r.stdout.strip().splitlines()[-1].startswith("s_")
    png = tmp_path / "01_tensors.ipynb"
    png.write_bytes(PNG)
    r = cli("submit", str(png), *env_free, check=False)  # eve is at her limit: refused with the reason
    assert r.returncode == 2 and "429" in r.stdout and "Retry after" in r.stdout
    r = cli("submit", str(f), "--server", svc.url, "--token", "0123456789ab.nope", check=False)
    assert r.returncode == 2 and "token" in r.stdout
    r = cli("submit", str(f), "--server", "http://127.0.0.1:9", "--token", "x", check=False)
    assert r.returncode == 1 and "Cannot reach" in r.stdout


def test_not_graded_when_the_machinery_fails_twice(svc):
    """carol's extension opens 99_closed, which has no tests: the grader fails on it (twice),
    the submission ends not_graded and does not count against her limit."""
    cli("roster", "extend", "carol", "--assignment", "99_closed", "--closes", "2099-01-01T00:00:00+00:00",
        "--extra", "2", "--db", str(svc.db))
    with http(svc, "carol") as c:
        r = submit(c, "99_closed", "99_closed.py", b"x = 1\n")
        assert r.status_code == 202
        sub = wait_done(c, r.json()["id"], timeout=180)
        assert sub["status"] == "not_graded" and "not your fault" in sub["feedback_md"]
        assert sub["score"] is None and sub["results"] is None and "fault" not in sub
        got = {a["id"]: a for a in c.get("/api/v1/assignments").json()}
        assert got["99_closed"]["graded_left"] == 3  # 1 per window + 2 extra, none used
    db = sqlite3.connect(svc.db)
    attempts = db.execute("SELECT attempts FROM submissions WHERE id=?", (sub["id"],)).fetchone()[0]
    db.close()
    assert attempts == 2


def test_regrade_after_a_test_fix_grades_with_the_fixed_test(svc):
    """Warm grading processes load the tests once; a regrade (what staff do after fixing a
    test) must grade with the tests as they are now, without restarting the server. (carol:
    grace's token was rotated and revoked by an earlier test of this module.)"""
    public = svc.course / "solutions/01_tensors/tests/public/test_public.py"
    original = public.read_text()

    def to_numpy_basic(c, sub_id):
        done = wait_done(c, sub_id)
        assert done["status"] == "graded", done
        return next(t["status"] for t in done["results"] if t["name"] == "test_to_numpy_basic")

    with http(svc, "carol") as c:
        r = submit(c, "01_tensors", "bob.py", (ROOT / "tests/sample_class/01_tensors/bob.py").read_bytes())
        assert r.status_code == 202, r.text
        sub_id = r.json()["id"]
        assert to_numpy_basic(c, sub_id) == "passed"
    try:
        # The "fix": the test now demands something no submission does.
        public.write_text(original + "\n\n@pytest.mark.exercise('to_numpy')\ndef test_to_numpy_basic(student):\n"
                          "    assert False, 'the fixed test'\n")
        with http(svc, "staff") as c:
            r = c.post("/api/v1/regrade", json={"assignment": "01_tensors", "student": "carol"})
            assert r.status_code == 202 and r.json() == {"queued": 1}
        with http(svc, "carol") as c:  # queued again as the 202 answered: wait for the new grade
            assert to_numpy_basic(c, sub_id) == "failed"
    finally:
        public.write_text(original)
