"""`autograder new`: the skeleton releases and validates as generated; and the authoring
errors a TA meets while filling it in name the file, the cell or line, and what to add."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from autograder import cli
from autograder.validate import validate_assignment

AID = "05_demo"


def _new(course: Path, *extra: str) -> int:
    return cli.main(["--course", str(course), "new", AID, "--exercise", "double", *extra])


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("course")
    assert _new(course, "--title", "Demo") == 0
    assert cli.main(["--course", str(course), "release", AID]) == 0
    return course


def test_new_writes_what_validate_passes(scaffolded, grader):
    sol = scaffolded / "solutions" / AID
    assert {p.relative_to(sol).as_posix() for p in sol.rglob("*") if p.is_file()} == {
        f"{AID}.ipynb", "assignment.toml", "probes.py", "tests/public/test_public.py", "tests/hidden/test_hidden.py",
        "mutants/double_example_bug.py", "alternatives/double_add.py", "alternatives/double_library.py",
        "alternatives/double_float64.py"}
    checks = validate_assignment(grader, scaffolded, AID, record=True)  # as `autograder validate` does
    assert [c for c in checks if not c.ok] == []
    whats = " | ".join(c.what for c in checks)
    for part in ("solution scores full marks", "released stub scores zero", "released copy is up to date",
                 "mutant double_example_bug", "alternative double_float64", "its hint in ko",
                 "mutant double_example_bug states its misconception", "mutant double_example_bug is diagnosed as itself",
                 "fingerprints are recorded"):
        assert part in whats
    readme = (scaffolded / "assignments" / AID / "README.md").read_text()
    assert 'check("double")' in readme and "softmax" not in readme


def test_new_refuses_what_it_cannot_write(scaffolded, capsys):
    assert _new(scaffolded) == cli.EXIT_FAULT  # exists already
    assert "already exists" in capsys.readouterr().out
    assert cli.main(["--course", str(scaffolded), "new", "06_x", "--exercise", "not-a-name"]) == cli.EXIT_FAULT
    assert "valid identifier" in capsys.readouterr().out
    assert not (scaffolded / "solutions" / "06_x").exists()


def test_release_names_the_cell_without_nbgrader_metadata(scaffolded, tmp_path, capsys):
    course = tmp_path / "c"
    shutil.copytree(scaffolded / "solutions", course / "solutions")
    nb_path = course / "solutions" / AID / f"{AID}.ipynb"
    nb = json.loads(nb_path.read_text())
    solution = next(i for i, c in enumerate(nb["cells"]) if "BEGIN SOLUTION" in "".join(c["source"]))
    del nb["cells"][solution]["metadata"]["nbgrader"]
    nb_path.write_text(json.dumps(nb))
    assert cli.main(["--course", str(course), "release", AID]) == cli.EXIT_FAULT
    out = " ".join(capsys.readouterr().out.split())
    assert "internal grader error" not in out
    assert f"cell {solution + 1} (id double), line 3" in out
    assert str(nb_path) in "".join(out.split())  # the terminal may fold the path
    assert '"solution": true' in out


def test_authoring_mistakes_are_rows_of_validates_table(scaffolded, tmp_path, grader):
    """A mutant without a header, one naming an unknown exercise, an alternative without its
    approach, a stale release: each is a failed row naming the file; the rest is still judged."""
    course = tmp_path / "c"
    shutil.copytree(scaffolded, course)
    sol = course / "solutions" / AID
    (sol / "mutants" / "no_header.py").write_text("def double(x):\n    return x\n")
    (sol / "mutants" / "typo.py").write_text("# exercise: dobule\n# bug: typo\ndef double(x):\n    return x\n")
    (sol / "alternatives" / "no_approach.py").write_text("# exercise: double\ndef double(x):\n    return x * 2\n")
    public = sol / "tests" / "public" / "test_public.py"
    public.write_text(public.read_text() + "\n# edited after the release\n")
    checks = {c.what: c for c in validate_assignment(grader, course, AID)}
    bad = {what: c.detail for what, c in checks.items() if not c.ok}
    # The typo mutant states no misconception either, and the edited tests make the fingerprints stale.
    assert bad.keys() == {"mutant no_header is well formed", "alternative no_approach is well formed",
                          "mutant typo (dobule: typo)", "released copy is up to date",
                          "mutant typo states its misconception", "fingerprints are recorded"}
    assert bad["mutant no_header is well formed"].startswith(f"{sol / 'mutants' / 'no_header.py'}, line 1:")
    assert "'# approach: ...'" in bad["alternative no_approach is well formed"]
    assert bad["mutant typo (dobule: typo)"].endswith("are: double")  # the known ones, once
    assert "out of date: test_public.py" in bad["released copy is up to date"]
    assert checks["mutant double_example_bug (double: TODO one line on the bug (the example: adds instead of "
                  "doubling))"].ok  # the others were still graded


def test_check_lists_known_assignments_once(scaffolded, tmp_path, capsys):
    (tmp_path / "homework.ipynb").write_text("{}")
    cli.main(["--course", str(scaffolded), "check", str(tmp_path / "homework.ipynb")])
    out = " ".join(capsys.readouterr().out.split())
    assert f"known: {AID}. Pass" in out


def test_a_plain_assert_shows_the_authors_message_only(scaffolded, tmp_path, grader):
    """`assert cond, msg` in a test: the student reads msg, never pytest's "assert 26 == 10"."""
    from autograder.grader import GradeOptions

    course = tmp_path / "c"
    shutil.copytree(scaffolded, course)
    public = course / "solutions" / AID / "tests" / "public" / "test_public.py"
    public.write_text(public.read_text() + (
        '\n\n@pytest.mark.exercise("double")\n'
        "def test_double_plain_assert(student):\n"
        '    """a plain assert"""\n'
        "    got = int(student.double(torch.tensor(13)))\n"
        '    assert got == 10, f"double(13) gave {got}. Hint: this test is wrong on purpose."\n'))
    toml = course / "solutions" / AID / "assignment.toml"
    toml.write_text(toml.read_text().replace("total_points = 10", "total_points = 11")
                    + "\n[tests.test_double_plain_assert]\npoints = 1\n")
    res = grader.grade(course / "solutions" / AID / f"{AID}.ipynb", AID, GradeOptions(course=course))
    failed = [t for t in res.tests if not t.passed]
    assert res.status == "graded", res.error
    assert [t.name for t in failed] == ["test_double_plain_assert"]
    assert failed[0].message == "double(13) gave 26. Hint: this test is wrong on purpose."


def test_release_reports_what_nbgrader_refuses_as_an_authoring_error(scaffolded, tmp_path, capsys):
    course = tmp_path / "c"
    shutil.copytree(scaffolded / "solutions", course / "solutions")
    nb_path = course / "solutions" / AID / f"{AID}.ipynb"
    nb = json.loads(nb_path.read_text())
    cell = next(c for c in nb["cells"] if "BEGIN SOLUTION" in "".join(c["source"]))
    cell["source"] = "".join(cell["source"]).replace("### END SOLUTION", "")  # a region never closed
    nb_path.write_text(json.dumps(nb))
    assert cli.main(["--course", str(course), "release", AID]) == cli.EXIT_FAULT
    out = " ".join(capsys.readouterr().out.split())
    assert "internal grader error" not in out and "refused the notebook" in out and "ClearSolutions" in out, out
