"""Korean for the instructor's commands and the CLI's help: `--lang ko` / AUTOGRADER_LANG=ko
reach argparse's help (its own words included), validate, release --check, and the error a
notebook's check() gives when it cannot find the public tests. A run without a language
stays English. Real CLI processes on small copies of the course; no grading is needed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

AID = "01_tensors"


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if k not in ("AUTOGRADER_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")}
    base["COLUMNS"] = "1000"  # rich wraps at the terminal's width: one message, one line
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], env={**base, **(env or {})},
                          cwd=cwd or ROOT, capture_output=True, text=True, timeout=300)


def test_help_in_korean_with_lang_and_with_the_environment():
    for args, env in ((("--lang", "ko", "--help"), None), (("--lang=ko", "--help"), None),
                      (("--help",), {"AUTOGRADER_LANG": "ko_KR.UTF-8"})):
        out = cli(*args, env=env)
        assert out.returncode == 0, out.stderr
        text = out.stdout
        # argparse's own words, the description and a subcommand's help
        assert text.startswith("사용법: autograder"), text[:200]
        assert "위치 인자:" in text and "옵션:" in text and "이 도움말을 보여 주고 끝냅니다" in text
        assert "PyTorch 연습 문제를 샌드박스에서 채점합니다." in text
        assert "Docker 채점 이미지를 빌드하거나 보여 줍니다" in text
        assert "usage:" not in text and "show this help message" not in text


def test_help_stays_english_without_a_language():
    out = cli("--help")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: autograder [-h] [--version]")
    for line in ("positional arguments:", "options:", "  -h, --help            show this help message and exit",
                 "Grade PyTorch exercises in a sandbox.", "show program's version number and exit"):
        assert line in out.stdout
    assert not any("\uac00" <= ch <= "\ud7a3" for ch in out.stdout)


def test_a_subcommand_help_and_a_usage_error_in_korean():
    out = cli("--lang", "ko", "batch", "--help")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("사용법: autograder batch")
    assert "과제 id, 예: 01_tensors" in out.stdout and "학생마다 한 행씩 여기에 씁니다" in out.stdout
    bad = cli("--lang", "ko", "batch", "--assignment", AID)
    assert bad.returncode == 2
    assert bad.stderr.startswith("사용법: autograder batch") and "autograder batch: 오류: " in bad.stderr
    english = cli("batch", "--assignment", AID)
    assert "usage: autograder batch" in english.stderr and "autograder batch: error: " in english.stderr


def _course_copy(tmp_path: Path, assignments: bool = False) -> Path:
    course = tmp_path / "course"
    shutil.copytree(ROOT / "solutions" / AID, course / "solutions" / AID,
                    ignore=shutil.ignore_patterns("mutants", "alternatives", "__pycache__"))
    if assignments:
        shutil.copytree(ROOT / "assignments" / AID, course / "assignments" / AID,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return course


def test_validate_says_a_broken_alternative_in_korean(tmp_path):
    course = _course_copy(tmp_path)
    alts = course / "solutions" / AID / "alternatives"
    alts.mkdir()
    (alts / "no_header.py").write_text("def softmax(x, dim=-1):\n    return x.softmax(dim)\n")
    # A row of the table (the file and its line named), and validate goes on to its verdict.
    ko = cli("--course", str(course), "--lang", "ko", "validate", AID)
    assert ko.returncode == 1
    table = _unfolded(ko.stdout)
    assert _unfolded(f"{alts / 'no_header.py'}, 1번째 줄: 대안 풀이는 푸는 문제를 밝히는 '# exercise: NAME' "
                     "줄로 시작합니다") in table
    assert _unfolded("대안 풀이 no_header의 형식이 올바름") in table and "실패했습니다" in ko.stdout
    en = cli("--course", str(course), "validate", AID)
    assert en.returncode == 1
    assert _unfolded("an alternative starts with a '# exercise: NAME' line naming the exercise it solves") in \
        _unfolded(en.stdout)


def _unfolded(text: str) -> str:
    """A rich table's text without the spaces and borders where it folds cells."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in "│┃")


def test_a_broken_assignment_toml_is_reported_in_korean(tmp_path):
    course = _course_copy(tmp_path)
    (course / "solutions" / AID / "assignment.toml").write_text("[assignment\n")
    ko = cli("--course", str(course), "--lang", "ko", "gradescope", AID, "-o", str(tmp_path / "a.zip"))
    assert ko.returncode == 1 and "올바른 TOML이 아닙니다" in ko.stdout, ko.stdout


def test_validate_table_and_verdict_in_korean(tmp_path):
    """The solution alone (no release, mutants or alternatives): one grading, a table of
    four checks with three failed, all in Korean but the data (names, paths, scores)."""
    course = _course_copy(tmp_path)
    ko = cli("--course", str(course), "--lang", "ko", "validate", AID)
    assert ko.returncode == 1, ko.stdout + ko.stderr
    lines = [line.strip("│┃ ") for line in ko.stdout.splitlines()]
    assert f"{AID} 검증" in lines
    assert any(line.startswith("검사") and "세부 사항" in line for line in lines)
    assert any(line.startswith("해답이 만점을 받음") and "통과" in line and "100/100" in line for line in lines)
    assert any(line.startswith("배포된 stub이 0점을 받음") and "실패" in line
               and f"`autograder release {AID}`를 실행하세요" in line for line in lines)
    assert any(line.startswith("모든 문제에 뮤턴트가 있음") and "없음: to_numpy, standardize" in line for line in lines)
    assert any(line.startswith("모든 문제에 올바른 대안 풀이가 3개씩 있음") and "너무 적음" in line for line in lines)
    assert lines[-1] == "검사 3개가 실패했습니다"


def test_release_check_in_korean(tmp_path):
    course = _course_copy(tmp_path, assignments=True)
    readme = course / "assignments" / AID / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    ko = cli("--course", str(course), "--lang", "ko", "release", "--check", AID)
    assert ko.returncode == 1, ko.stdout + ko.stderr
    assert f"{AID}: 커밋된 배포본이 최신이 아닙니다 (`make release`를 실행하고 커밋하세요):" in ko.stdout
    assert "  - 최신이 아님: README.md" in ko.stdout
    en = cli("--course", str(course), "release", "--check", AID)
    assert f"{AID}: the committed release is out of date (run `make release` and commit):" in en.stdout
    assert "  - out of date: README.md" in en.stdout
    # The release itself (what students get) stays English whatever the instructor's language.
    cli("--course", str(course), "--lang", "ko", "release", AID)
    assert readme.read_text(encoding="utf-8") == (ROOT / "assignments" / AID / "README.md").read_text(encoding="utf-8")
    ok = cli("--course", str(course), "--lang", "ko", "release", "--check", AID)
    assert ok.returncode == 0 and f"{AID}: 배포본이 최신입니다" in ok.stdout


@pytest.fixture
def nowhere(tmp_path, monkeypatch):
    """A kernel in a folder with no release and no service configured."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.config/torch-autograder/config.toml
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for var in ("AUTOGRADER_SERVER", "AUTOGRADER_TOKEN", "AUTOGRADER_ASSIGNMENT", "AUTOGRADER_LANG"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def test_check_says_where_the_tests_are_not_in_the_kernels_language(nowhere, monkeypatch):
    from autograder.notebook.check import check
    from autograder.notebook.locate import ReleaseNotFound

    with pytest.raises(ReleaseNotFound, match="공개 테스트가 이 노트북 옆에 없고"):
        check("softmax", assignment=AID, lang="ko", namespace={})
    with pytest.raises(ReleaseNotFound, match="어느 과제인가요"):
        check("softmax", lang="ko", namespace={})
    with pytest.raises(ReleaseNotFound, match="are not next to this notebook"):
        check("softmax", assignment=AID, lang="en", namespace={})
    monkeypatch.setenv("AUTOGRADER_LANG", "ko")  # the kernel's environment picks it too
    with pytest.raises(ReleaseNotFound, match="과제 id가 아닙니다"):
        check("softmax", assignment="../etc", namespace={})


def test_gradescope_refuses_a_student_release_in_korean(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "assignments" / AID, course / "assignments" / AID)
    ko = cli("--course", str(course), "--lang", "ko", "gradescope", AID, "-o", str(tmp_path / "a.zip"))
    assert ko.returncode == 1
    assert f"오류: {AID}: 학생용 배포본이 아니라 강사의 수업 폴더(solutions/{AID}/)에서 내보내세요" in ko.stdout
    en = cli("--course", str(course), "gradescope", AID, "-o", str(tmp_path / "a.zip"))
    assert f"error: {AID}: export from the instructor's course (solutions/{AID}/), not a student release" in en.stdout
