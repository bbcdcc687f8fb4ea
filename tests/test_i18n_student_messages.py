"""What a student reads from `autograder submit`, the submission loader and a dead worker,
in Korean (AUTOGRADER_LANG / --lang ko), with the English text unchanged."""

from __future__ import annotations

import json
import signal

from autograder import i18n
from autograder.cli import main
from autograder.sandbox import describe_exit


def _refused_port() -> int:
    import socket

    # Bound but never listening: a connection to it is refused at once.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_submit_network_fault_in_korean(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    nb = tmp_path / "01_tensors.ipynb"
    nb.write_text("{}", encoding="utf-8")
    server = f"http://127.0.0.1:{_refused_port()}"
    rc = main(["--lang", "ko", "submit", str(nb), "--server", server, "--token", "t"])
    out = capsys.readouterr().out
    assert rc == 1
    assert f"{server}에 연결할 수 없습니다:" in out
    assert "ConnectError" in out and "URL과 네트워크를 확인하세요" in out
    # The same fault in English reads as it always did.
    rc = main(["--lang", "en", "submit", str(nb), "--server", server, "--token", "t"])
    out = capsys.readouterr().out
    assert rc == 1 and f"Cannot reach {server}: ConnectError" in out
    assert "Check the URL and your network; if the upload was accepted" in out


def test_submit_without_server_in_korean(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    monkeypatch.delenv("AUTOGRADER_SERVER", raising=False)
    monkeypatch.delenv("AUTOGRADER_TOKEN", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no config file
    monkeypatch.setenv("AUTOGRADER_LANG", "ko")
    nb = tmp_path / "01_tensors.ipynb"
    nb.write_text("{}", encoding="utf-8")
    assert main(["submit", str(nb)]) == 2
    out = capsys.readouterr().out
    assert "서버나 토큰이 없습니다:" in out and "AUTOGRADER_SERVER" in out


def test_ungradable_notebook_error_in_korean(tmp_path, capsys, monkeypatch):
    """`autograder grade --lang ko` on a damaged notebook: the loader's error, in Korean, in
    the terminal, results.json and feedback.md."""
    from conftest import ROOT

    monkeypatch.setenv("COLUMNS", "300")
    nb = tmp_path / "01_tensors.ipynb"
    nb.write_text('{"cells": [', encoding="utf-8")
    results, feedback = tmp_path / "results.json", tmp_path / "feedback.md"
    rc = main(["--course", str(ROOT), "--lang", "ko", "grade", str(nb), "--backend", "local",
               "--results", str(results), "--feedback", str(feedback)])
    capsys.readouterr()
    assert rc != 0
    data = json.loads(results.read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False)
    assert "노트북 파일" in text and "손상되었습니다: 올바른 JSON이 아닙니다" in text, text[:2000]
    assert "손상되었습니다" in feedback.read_text(encoding="utf-8")


def test_worker_deaths_are_described_in_the_grading_language():
    kill = describe_exit(-signal.SIGKILL)
    assert kill.startswith("killed by SIGKILL: out of memory")
    assert describe_exit(-signal.SIGXCPU) == "CPU time limit exceeded (SIGXCPU)"
    assert describe_exit(3) == "exit code 3" and describe_exit(None) == "exit status unknown"
    with i18n.using("ko"):
        assert describe_exit(-signal.SIGKILL).startswith("SIGKILL로 종료됨: 메모리 부족")
        assert describe_exit(-signal.SIGXCPU) == "CPU 시간 한도 초과 (SIGXCPU)"
        assert describe_exit(-signal.SIGTERM) == "SIGTERM 시그널로 종료됨"
        assert describe_exit(3) == "종료 코드 3"


def test_timeout_in_korean_feedback(tmp_path, capsys, monkeypatch, solution_source):
    """A hung function, graded with AUTOGRADER_LANG=ko: the timeout is told in Korean."""
    from conftest import ROOT

    monkeypatch.setenv("COLUMNS", "300")
    monkeypatch.setenv("AUTOGRADER_LANG", "ko")
    sub = tmp_path / "01_tensors.py"
    sub.write_text(solution_source + "\n\ndef one_hot(labels, num_classes):\n    while True:\n        pass\n")
    results, feedback = tmp_path / "results.json", tmp_path / "feedback.md"
    main(["--course", str(ROOT), "grade", str(sub), "--results", str(results), "--feedback", str(feedback)])
    capsys.readouterr()
    text = feedback.read_text(encoding="utf-8")
    assert "one_hot(" in text and "초 안에 반환하지 않았습니다" in text, text[:3000]
    assert "did not return within" not in text


def test_refused_files_are_explained_in_korean(tmp_path):
    import pytest

    from autograder.submission import SubmissionError, load_submission

    pdf = tmp_path / "01_tensors.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    bad_zip = tmp_path / "01_tensors.zip"
    bad_zip.write_bytes(b"not a zip at all")
    with pytest.raises(SubmissionError) as en:
        load_submission(pdf, "01_tensors")
    assert str(en.value).startswith("01_tensors.pdf: unsupported file type '.pdf'. Accepted: a Jupyter")
    with i18n.using("ko"):
        with pytest.raises(SubmissionError) as ko:
            load_submission(pdf, "01_tensors")
        assert "지원하지 않는 파일 형식 '.pdf'" in str(ko.value) and "내보낸 파일은 채점할 수 없습니다" in str(ko.value)
        with pytest.raises(SubmissionError) as ko:
            load_submission(bad_zip, "01_tensors")
        assert "손상되었거나 zip 파일이 아닙니다" in str(ko.value)
        with pytest.raises(SubmissionError) as ko:
            load_submission(tmp_path / "missing.ipynb", "01_tensors")
        assert "제출물을 찾을 수 없습니다" in str(ko.value)


def test_loader_notes_in_korean(tmp_path):
    from autograder.submission import load_submission

    src = tmp_path / "01_tensors.py"
    src.write_text("%matplotlib inline\nimport torch\n", encoding="utf-8")
    assert load_submission(src, "01_tensors").notes == (
        "01_tensors.py lines 1-2: removed 1 IPython magic/shell line (%matplotlib inline)",)
    with i18n.using("ko"):
        assert load_submission(src, "01_tensors").notes == (
            "01_tensors.py 1-2번째 줄: IPython 매직/셸 줄 1개를 지웠습니다 (%matplotlib inline)",)
