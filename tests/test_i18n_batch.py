"""Korean for the instructor's side of grading: the batch's console, its faults, the class
report, and the worker's failure texts. Real runs: the CLI in a subprocess, real grading
processes, a real crashing worker."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from autograder import i18n, protocol
from autograder.sandbox import SandboxConfig, WorkerFailure, WorkerSession
from batch_fixtures import CRASH, GOOD, make_class, make_course
from conftest import ROOT

STUCK = "import time\ntime.sleep(60)\n"  # loads for longer than --submission-timeout allows


def _batch(tmp_path, course, subs, *extra: str, lang: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("AUTOGRADER_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env.update(LANG="C.UTF-8", COLUMNS="300", PYTHONPATH=str(ROOT))
    lang_args = ["--lang", lang] if lang else []
    return subprocess.run([sys.executable, "-m", "autograder.cli", *lang_args, "--course", str(course), "batch",
                           str(subs), "--assignment", "tiny", "--device", "cpu", "--gradebook",
                           str(tmp_path / "g.db"), "--report", str(tmp_path / "report.html"), *extra],
                          capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.slow
def test_batch_in_korean_and_its_texts_stay_in_the_language_they_were_graded_in(tmp_path):
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    make_class(subs, {"ann": GOOD, "dan": CRASH})
    (subs / "eve.py").write_text(STUCK)

    ko = _batch(tmp_path, course, subs, "--submission-timeout", "3", lang="ko")
    out = ko.stdout
    assert ko.returncode != 0, out  # eve was not graded
    # The summary: table title, columns, the status word (shown translated), the closing sentence.
    assert "Tiny: 성적부의 학생 2명" in out, out
    for word in ("학생", "상태", "원점수", "최종", "채점됨", "채점 불가"):
        assert word in out, (word, out)
    assert "제출물 3개: 이번에 2개 채점, 0개는 이미" in out and "채점기 오류 1개" in out, out
    # eve's fault was written in the coordinator's feeding thread: Korean there too.
    assert "채점되지 않음" in out and "채점 프로세스가 3초 안에 eve.py 채점을 마치지 못했습니다" in out, out
    assert "not graded" not in out and "submissions:" not in out, out

    # dan's reason was written in the grading process: the language reached it. The stored
    # status stays the English word other code compares.
    db = sqlite3.connect(tmp_path / "g.db")
    rows = dict(db.execute("select student, status from grades").fetchall())
    assert rows == {"ann": "graded", "dan": "ungradable"}, rows
    html = (tmp_path / "report.html").read_text()
    assert '<html lang="ko">' in html
    for heading in ("학급 보고서: Tiny", "점수 분포", "문제별 획득 점수", "테스트별 통과율", "가장 흔한 실패 메시지",
                    "<h2>채점 불가</h2>", "<th>지각 일수</th>", 'aria-label="점수 히스토그램"',
                    'aria-label="문제별 획득 점수"', ": 학생 1명</title>"):
        assert heading in html, heading
    reason = "노트북을 불러오는 중에 실행 프로세스가 멈췄습니다 (종료 코드 3)"
    assert reason in html

    # A run in English (no --lang, an English locale; eve left out, so nothing is graded):
    # English words, and dan's stored reason stays in the language dan was graded in.
    (subs / "eve.py").unlink()
    en = _batch(tmp_path, course, subs)
    assert en.returncode == 0, en.stdout + en.stderr[-2000:]
    assert "Tiny: 2 students in the gradebook" in en.stdout, en.stdout
    assert "2 submissions: 0 graded now, 2 already in" in en.stdout and "ungradable" in en.stdout, en.stdout
    html = (tmp_path / "report.html").read_text()
    assert '<html lang="en">' in html and "<h2>Score distribution</h2>" in html and "<h2>Not gradable</h2>" in html
    assert reason in html


def test_a_crashed_worker_is_described_in_the_gradings_language(grader):
    cells = [{"label": "cell 1", "source": "import os\ndef boom():\n    os._exit(7)\n", "filename": "<cell 1>",
              "first_line": 1}]
    s = WorkerSession(grader.zygote, SandboxConfig(hide=(str(ROOT / "solutions"),)), cells, import_budget=20)
    try:
        with i18n.using("ko"), pytest.raises(WorkerFailure) as e:
            s.request({"op": "call", "name": "boom", "args": protocol.encode([], [])}, [], 10.0, "boom()")
        assert e.value.kind == "crash" and e.value.exit_code == 7
        assert str(e.value) == "boom() 중에 worker 프로세스가 죽었습니다(종료 코드 7)"
        with i18n.using("en"), pytest.raises(WorkerFailure) as e:
            s.request({"op": "call", "name": "boom", "args": protocol.encode([], [])}, [], 10.0, "boom()")
        assert str(e.value) == "the worker process died during boom() (exit code 7)"
    finally:
        s.close()


def test_docker_backend_errors_in_korean(monkeypatch):
    """What an operator reads when the Docker path fails: no engine, a --gpus it cannot take."""
    pytest.importorskip("docker")
    from autograder.backends.docker import DockerUnavailable, GpuSpecError, docker_client, parse_gpus

    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")  # a real client, no engine there
    with i18n.using("ko"):
        with pytest.raises(DockerUnavailable) as e:
            docker_client(timeout=5)
        assert str(e.value).startswith("연결할 수 있는 Docker 엔진이 없습니다(") and "--backend local" in str(e.value)
        with pytest.raises(GpuSpecError) as g:
            parse_gpus("some")
        assert str(g.value) == "--gpus 'some': all, 개수(예: 1), 또는 device=0,1을 쓰세요"
    with i18n.using("en"), pytest.raises(GpuSpecError) as g:
        parse_gpus("some")
    assert str(g.value) == "--gpus 'some': use all, a count (e.g. 1), or device=0,1"


@pytest.mark.slow
def test_a_grading_process_grades_each_request_in_its_language(tmp_path):
    """One warm grading process, two gradings: the spec's language, then one a request asks for
    (a service grades each student in the language they chose)."""
    from autograder.executors import GradeSpec
    from autograder.executors.grader_process import GraderProcess

    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    make_class(subs, {"dan": CRASH})
    proc = GraderProcess(GradeSpec(assignment="tiny", course=str(course), device="cpu", lang="en"))
    try:
        en = proc.grade(subs / "dan.py", timeout=120)["result"]
        ko = proc.grade(subs / "dan.py", timeout=120, lang="ko")["result"]
    finally:
        proc.close()
    assert (en["status"], ko["status"]) == ("ungradable", "ungradable")  # data: never translated
    assert en["lang"] == "en" and ko["lang"] == "ko"
    assert "the process running your notebook stopped while loading it (exit code 3)" in en["error"], en["error"]
    assert "노트북을 불러오는 중에 실행 프로세스가 멈췄습니다 (종료 코드 3)" in ko["error"], ko["error"]
