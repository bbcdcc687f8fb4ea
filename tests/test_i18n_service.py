"""Korean for the submission service's operators: the roster and backup commands, their
help, their errors, and ``serve``'s log lines (the ``service`` catalog). Real commands on a
fresh database in tmp_path; a real server on 127.0.0.1. A run without a language stays English."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import time

import httpx
import pytest

from autograder import i18n
from autograder.config import ConfigError
from autograder.results import GradeResult, TestResult
from autograder.service import views
from autograder.service.policies import Course
from service_helpers import AG, ROOT, free_port, make_course, submit


def run(*args: str, lang: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """``autograder [--lang LANG] ARGS`` with a wide terminal (rich does not wrap the lines)."""
    env = {k: v for k, v in os.environ.items() if k not in ("AUTOGRADER_LANG", "LC_ALL", "LC_MESSAGES", "LANG",
                                                             "LANGUAGE")}
    env.update(PYTHONPATH=str(ROOT), COLUMNS="300")
    prefix = ("--lang", lang) if lang else ()
    return subprocess.run([*AG, *prefix, *args], capture_output=True, text=True, env=env, check=check,
                          timeout=120)


def test_roster_and_backup_print_korean(tmp_path):
    db = str(tmp_path / "svc.db")
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\nalice,Alice\nbob,Bob\n")
    out = run("roster", "import", str(roster), "--db", db, "--tokens-out", str(tmp_path / "t.csv"), lang="ko").stdout
    assert "새 학생 2명, 이미 있던 학생 0명" in out and "한 번만 보여 줍니다" in out, out
    with (tmp_path / "t.csv").open(newline="") as f:
        assert {r["student_id"] for r in csv.DictReader(f)} == {"alice", "bob"}

    out = run("roster", "rotate", "alice", "--db", db, lang="ko").stdout.splitlines()
    assert out[0] == "alice의 새 토큰 (이전 토큰은 더 이상 쓸 수 없습니다; 한 번만 보여 줍니다):", out
    assert len(out[1]) > 20 and " " not in out[1]  # the token itself, alone on its line
    out = run("roster", "revoke", "alice", "--db", db, lang="ko").stdout
    assert "alice의 토큰을 취소했습니다 (`autograder roster rotate alice`로 새 토큰을 발급합니다)." in out, out
    out = run("roster", "add-staff", "prof", "--db", db, lang="ko").stdout
    assert "교수진 prof을(를) 추가했습니다." in out, out
    out = run("roster", "extend", "bob", "--assignment", "01_tensors", "--extra", "2", "--db", db, lang="ko").stdout
    assert "bob, 01_tensors: 마감 과제와 같음, 제출 종료 과제와 같음, 기간당 추가 제출 2회" in out, out

    # ConfigErrors: the error line of cli.main, the sentence from the service catalog.
    bad = run("roster", "rotate", "nobody", "--db", db, lang="ko", check=False)
    assert bad.returncode == 1 and "오류: " in bad.stdout and "사용자 'nobody'이(가) 없습니다" in bad.stdout, bad.stdout
    bad = run("roster", "extend", "bob", "--assignment", "01_tensors", "--due", "friday", "--db", db, lang="ko",
              check=False)
    assert "'friday'은(는) 날짜와 시각이 아닙니다" in bad.stdout, bad.stdout

    out = run("service", "backup", str(tmp_path / "bk"), "--db", db, lang="ko").stdout
    assert "업로드 0개를" in out and "로 serve를 실행하세요." in out, out
    bad = run("service", "backup", str(tmp_path / "bk"), "--db", db, lang="ko", check=False)
    assert "비어 있지 않습니다: 백업할 새 폴더를 지정하세요" in bad.stdout, bad.stdout

    # Without a language: the English sentences, byte for byte.
    out = run("roster", "rotate", "bob", "--db", db).stdout.splitlines()
    assert out[0] == "New token for bob (the old one no longer works; shown once):"
    out = run("roster", "extend", "bob", "--assignment", "01_tensors", "--db", db).stdout
    assert out == ("bob on 01_tensors: due as the assignment, closes as the assignment, 2 extra submission(s) "
                   "per window\n")
    bad = run("roster", "revoke", "nobody", "--db", db, check=False)
    assert bad.stdout == f"error: no user 'nobody' in {db}: check the id (`student_id` of the roster)\n"


def test_help_in_the_language_of_the_environment():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AUTOGRADER_LANG": "ko", "COLUMNS": "200"}
    out = subprocess.run([*AG, "roster", "--help"], capture_output=True, text=True, env=env, check=True).stdout
    assert "명단 CSV의 학생을 추가합니다" in out and "사용자의 토큰을 취소합니다" in out, out
    out = subprocess.run([*AG, "service", "backup", "--help"], capture_output=True, text=True, env=env,
                         check=True).stdout
    assert "기본값: --db 옆의 <db 이름>-data" in out, out
    out = run("roster", "--help").stdout
    assert "add the students of a roster CSV (student_id[,name,email])" in out


def test_serve_logs_in_korean(tmp_path):
    """Startup lines from the main thread and a grading line from a slot thread (which must
    inherit the language): one submission that does not even parse, a cheap grading (0 points)."""
    course = make_course(tmp_path)
    db = tmp_path / "svc.db"
    (tmp_path / "roster.csv").write_text("student_id\nalice\n")
    run("roster", "import", str(tmp_path / "roster.csv"), "--db", str(db), "--tokens-out", str(tmp_path / "t.csv"))
    with (tmp_path / "t.csv").open(newline="") as f:
        token = next(csv.DictReader(f))["token"]
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("AUTOGRADER_LANG", None)
    with log.open("wb") as out:
        proc = subprocess.Popen([*AG, "--lang", "ko", "--course", str(course), "serve", "--db", str(db), "--data",
                                 str(tmp_path / "data"), "--port", str(port), "--no-warmup"],
                                stdout=out, stderr=out, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            r = submit(http, "01_tensors", "01_tensors.py", b"def broken(:\n")
            assert r.status_code == 202, r.text
            sid = r.json()["id"]
            deadline = time.monotonic() + 240
            while f"{sid} (01_tensors) 채점:" not in log.read_text(encoding="utf-8"):
                assert time.monotonic() < deadline and proc.poll() is None, log.read_text()
                time.sleep(0.5)
            # The grading itself ran in the server's language: its feedback is Korean, whatever
            # language the reader's request asks for.
            view = http.get(f"/api/v1/submissions/{sid}").json()
            assert view["status"] == "graded", view
            md = view["feedback_md"]
            assert "점수: **0 / 30**" in md and "1번째 줄에서 오류가 나서 건너뛰었습니다" in md, md
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    text = log.read_text(encoding="utf-8")
    assert "autograder serve: 과제 2개 (01_tensors, 99_closed), 채점 슬롯 1개, executor local, 백엔드 local;" in text, text
    assert f"autograder serve: {url}에서 요청을 기다립니다" in text, text
    assert "autograder serve: --no-warmup: 채점 프로세스가 참조 답안을 채점하지 않고 시작합니다" in text, text
    # The status word is data and stays as stored; the sentence around it is Korean.
    line = next(line for line in text.splitlines() if f"{sid} (01_tensors) 채점: " in line)
    assert line.startswith("autograder serve: ") and line.endswith("초"), line
    assert " graded 0/" in line, line


def test_serve_config_errors_in_korean(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run("--course", str(empty), "serve", "--db", str(tmp_path / "svc.db"), "--port", str(free_port()),
            lang="ko", check=False)
    assert r.returncode == 1 and f"오류: {empty}에 solutions/<id>/assignment.toml이 없습니다" in r.stdout, r.stdout
    # An assignment's [service] table is read when a request needs it, in the server's language.
    course = make_course(tmp_path, service="bogus = 1")
    with i18n.using("ko"), pytest.raises(ConfigError, match="알 수 없는 키 bogus; 쓸 수 있는 키: max_upload_mb"):
        Course(course).get("01_tensors")
    with i18n.using("en"), pytest.raises(ConfigError, match=r"\[service\]: unknown key\(s\) bogus; known: "):
        Course(course).get("01_tensors")


def test_hidden_tests_note_in_the_language_of_the_grading():
    """A student's view before the hidden tests are released: the note about them is in the
    language the result was graded in, as the rest of its feedback.md."""
    tests = [TestResult(name="t_public", number="1", exercises=("1",), score=1, max_score=1, status="passed",
                        visibility="public", message="", author_message=""),
             TestResult(name="t_hidden", number="2", exercises=("1",), score=0, max_score=2, status="failed",
                        visibility="hidden", message="secret", author_message="")]
    shown = {lang: views.result_view(GradeResult(assignment_id="01_tensors", submission="x.py", tests=tests,
                                                   possible=3, lang=lang), title="Tensors", show_hidden=False,
                                       staff=False, late_days=0, per_day=0, due=None)["feedback_md"]
             for lang in ("en", "ko")}
    assert ("## Hidden tests\n\nThe hidden tests (2 points) are graded; their results are shown when the course "
            "releases them. The score above covers the public tests only.\n") in shown["en"]
    assert "## 숨은 테스트\n\n숨은 테스트(2점)도 채점되었습니다." in shown["ko"], shown["ko"]
    assert "secret" not in shown["ko"] + shown["en"]
