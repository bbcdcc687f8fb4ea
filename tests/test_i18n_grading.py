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
