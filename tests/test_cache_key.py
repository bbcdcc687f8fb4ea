"""The grade cache key is computed from the code that declares it decides grades.

Each test works on a copy of the engine (the installed one is never touched): adding,
renaming, splitting or editing a grade-deciding module changes the key, editing the CLI
does not, and a declared import whose file is missing fails loudly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.cache_key import ENGINE, EngineIncomplete, engine_files, suite_hash
from autograder.config import assignment_paths
from batch_fixtures import make_course


@pytest.fixture
def engine(tmp_path) -> Path:
    copy = tmp_path / "autograder"
    shutil.copytree(ENGINE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.fixture
def paths(tmp_path):
    return assignment_paths("tiny", make_course(tmp_path / "course"))


def _rel(engine: Path) -> set[str]:
    return {f.relative_to(engine).as_posix() for f in engine_files(engine)}


def test_the_declared_modules_are_the_grade_deciding_ones():
    files = _rel(ENGINE)
    for name in ("harness.py", "compare.py", "protocol.py", "sandbox.py", "submission.py", "results.py",
                 "grader.py", "config.py", "untrusted/worker.py", "untrusted/zygote.py", "untrusted/confine.py",
                 "backends/__init__.py", "backends/contract.py", "backends/channel.py", "backends/local.py",
                 "backends/docker.py", "sanitize.py", "scaling.py", "authoring.py", "figures.py", "strategies.py",
                 "module_checks.py", "untrusted/modules.py", "untrusted/counting.py"):
        assert name in files, f"{name} decides grades but is not in the key"
    for name in ("cli.py", "batch.py", "report.py", "feedback.py", "gradebook.py", "scoring.py", "csv_export.py",
                 "executors/local_pool.py", "executors/ray_cluster.py", "cache_key.py", "scaffold.py",
                 "mistake_counts.py"):
        assert name not in files, f"{name} cannot change a grade but is in the key"


def test_editing_the_cli_regrades_nothing(engine, paths):
    before = suite_hash(paths, engine)
    with (engine / "cli.py").open("a") as f:
        f.write("\n# a new option\n")
    (engine / "batch.py").write_text((engine / "batch.py").read_text() + "\nX = 1\n")
    assert suite_hash(paths, engine) == before


@pytest.mark.parametrize("change", ["edit", "add", "rename", "split", "edit_untrusted"])
def test_changing_grade_deciding_code_changes_the_key(engine, paths, change):
    before = suite_hash(paths, engine)
    if change == "edit":
        (engine / "compare.py").write_text((engine / "compare.py").read_text() + "\nRTOL_SCALE = 2\n")
    elif change == "add":
        (engine / "tolerance.py").write_text('"""New comparison rules."""\n\nDECIDES_GRADES = True\n')
    elif change == "rename":
        (engine / "strategies.py").rename(engine / "generators.py")
    elif change == "split":
        # Half of harness.py moves to a new module nobody marked: harness imports it, so it counts.
        (engine / "harness_outcomes.py").write_text("def outcome():\n    return 1\n")
        text = (engine / "harness.py").read_text()
        (engine / "harness.py").write_text(text.replace("from autograder import protocol",
                                                        "from autograder import harness_outcomes, protocol", 1))
        assert "harness_outcomes.py" in _rel(engine)
    elif change == "edit_untrusted":
        (engine / "untrusted" / "worker.py").write_text((engine / "untrusted" / "worker.py").read_text() + "\n")
    assert suite_hash(paths, engine) != before


def test_editing_a_hidden_test_changes_the_key(engine, paths):
    before = suite_hash(paths, engine)
    hidden = next(paths.hidden_tests.rglob("test_*.py"))
    hidden.write_text(hidden.read_text() + "\n# one more case\n")
    assert suite_hash(paths, engine) != before


def test_a_declared_import_without_its_file_fails_loudly(engine, paths):
    (engine / "sandbox.py").unlink()  # the harness and the grader import it
    with pytest.raises(EngineIncomplete, match="sandbox"):
        suite_hash(paths, engine)
