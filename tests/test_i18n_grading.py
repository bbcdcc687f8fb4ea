"""A grading's language: fixed for its texts, picked per grading, checked by validate."""

from __future__ import annotations

from autograder import i18n
from autograder.validate import teaches


def test_tr_and_messages_follow_the_grading_language():
    with i18n.using("ko"):
        assert i18n.current() == "ko"
        assert i18n.tr("Hint: x", ko="힌트: 엑스") == "힌트: 엑스"
        assert i18n.t("Hint:") == "힌트:"
        with i18n.using("en"):
            assert i18n.tr("Hint: x", ko="힌트: 엑스") == "Hint: x"
    assert i18n.tr("only English") == "only English"


def test_validate_wants_the_hint_in_each_language_of_the_suite():
    assert teaches("softmax(x): values differ\nHint: subtract the max", "softmax")
    assert teaches("softmax(x): 값이 다릅니다\n힌트: 최댓값을 빼세요", "softmax", "ko")
    # Translated frame, English hint: not a Korean hint.
    assert not teaches("softmax(x): 값이 다릅니다\n힌트: subtract the max", "softmax", "ko")
    assert not teaches("values differ\n힌트: 최댓값을 빼세요", "softmax", "ko")  # names no exercise


def test_autograder_check_speaks_korean(tmp_path, solution_source):
    """`autograder check` with AUTOGRADER_LANG=ko: the table, the stub said once, the hint in Korean."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    sub = tmp_path / "01_tensors.py"
    sub.write_text(solution_source + "\n\n"
                   "def softmax(x, dim=-1):\n    e = x.exp()\n    return e / e.sum(dim, keepdim=True)\n\n"
                   "def one_hot(labels, num_classes):\n    raise NotImplementedError()\n")
    env = {**os.environ, "AUTOGRADER_LANG": "ko", "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(ROOT), "check", str(sub)],
                          capture_output=True, text=True, env=env, timeout=300)
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr[-2000:]
    for word in ("테스트", "문제", "점수", "결과", "통과", "아직 시작 안 함", "점수: 22 / 30 (공개 테스트만)"):
        assert word in out, (word, out)
    assert out.count("아직 NotImplementedError를 발생시킵니다") == 1, out
    assert "힌트: exp(1000)은 오버플로합니다" in out
    assert "Traceback" not in out and "[red]" not in out
    assert "공개 테스트만 실행했습니다" in out
