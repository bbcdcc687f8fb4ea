"""Every assignment in solutions/: the committed release is current, and the suites grade
what they should (solution = full marks, stub = 0, each mutant loses points in its own
exercise only, each correct alternative keeps full marks)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from autograder.release import _diff, build_release

from conftest import ROOT

ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / "assignment.toml").exists())


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_committed_release_is_up_to_date(aid):
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / aid
        build_release(ROOT, aid, fresh)
        problems = _diff(ROOT / "assignments" / aid, fresh)
    assert not problems, f"assignments/{aid} is out of date; run `make release` and commit: {problems}"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_release_has_no_solutions_or_hidden_tests(aid):
    rel = ROOT / "assignments" / aid
    text = "\n".join(p.read_text(encoding="utf-8") for p in rel.rglob("*") if p.is_file())
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    hidden = {p.name for p in (ROOT / "solutions" / aid / "tests" / "hidden").glob("*.py")}
    assert not hidden & {p.name for p in rel.rglob("*.py")}
    # The known mistakes stay with the hidden tests: no fingerprints, no misconception text.
    assert (ROOT / "solutions" / aid / "tests" / "hidden" / "fingerprints.json").is_file()
    assert not list(rel.rglob("fingerprints.json")) and "misconception" not in text
    import tomllib

    from autograder.release import public_test_names

    public = public_test_names(ROOT / "solutions" / aid / "tests" / "public")
    cfg = tomllib.loads((rel / "assignment.toml").read_text())
    assert set(cfg["tests"]) == public


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_validate(validation, aid):
    checks, _ = validation(aid)
    failed = [f"{c.what}: {c.detail}" for c in checks if not c.ok]
    assert not failed, "\n".join(failed)
    assert len(checks) >= 4
