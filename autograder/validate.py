"""``autograder validate``: prove each suite grades what it should.

The solution must score full marks, the released stub zero, and every mutant in
``solutions/<id>/mutants/`` must lose points in at least one test tagged with the
exercise it names, and in no other test (a bug in one function costs points there only),
and one of the tests that catch it must be public, with a message that names the exercise
and gives a hint (what the student sees when checking locally).

Its dual: every correct alternative in ``solutions/<id>/alternatives/`` (at least
``MIN_ALTERNATIVES`` per exercise, written independently of the solution) must keep full
marks; one that loses a point names the test and its message, since a hidden test that
fails an implementation the contract allows is the test's defect.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autograder import i18n
from autograder.config import AssignmentConfig, ConfigError, assignment_paths
from autograder.grader import GradeOptions, Grader
from autograder.results import GradeResult
from autograder.submission import CodeCell, Submission, load_submission

_HEADER = re.compile(r"^#\s*(exercise|bug|approach):\s*(.+?)\s*$", re.M)
MIN_ALTERNATIVES = 3


@dataclass(frozen=True)
class Mutant:
    name: str
    exercise: str
    bug: str
    source: str


@dataclass(frozen=True)
class Alternative:
    name: str
    exercise: str
    approach: str
    source: str


def _read_headed(folder: Path, kind: str, what: str) -> list[tuple[str, dict[str, str], str]]:
    out = []
    for f in sorted(folder.glob("*.py")):
        text = f.read_text(encoding="utf-8")
        meta = dict(_HEADER.findall(text))
        if "exercise" not in meta:
            raise ConfigError(f"{f}: {kind} starts with a '# exercise: NAME' line naming {what}")
        out.append((f.stem, meta, text))
    return out


def read_mutants(folder: Path) -> list[Mutant]:
    return [Mutant(name, meta["exercise"], meta.get("bug", ""), text)
            for name, meta, text in _read_headed(folder, "a mutant", "what it breaks")]


def read_alternatives(folder: Path) -> list[Alternative]:
    alts = []
    for name, meta, text in _read_headed(folder, "an alternative", "the exercise it solves"):
        if not meta.get("approach"):
            raise ConfigError(f"{folder / name}.py: an alternative has a '# approach: ...' line saying "
                              "how it differs from the solution")
        alts.append(Alternative(name, meta["exercise"], meta["approach"], text))
    return alts


@dataclass
class Check:
    what: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Variant:
    """One submission validate grades: the solution, or the solution plus a mutant's or an
    alternative's cell. ``label``: "solution", "mutant NAME", "alternative NAME"."""

    label: str
    submission: Submission


def variants(course: Path, aid: str) -> tuple[list[Variant], list[Mutant], list[Alternative]]:
    """The solution, every mutant and every alternative of ``aid``, ready to grade."""
    paths = assignment_paths(aid, course)
    base = load_submission(paths.notebook, aid)
    mutants = read_mutants(paths.mutants) if paths.mutants and paths.mutants.is_dir() else []
    folder = paths.notebook.parent / "alternatives"
    alts = read_alternatives(folder) if folder.is_dir() else []
    out = [Variant("solution", base)]
    out += [Variant(f"mutant {m.name}", _with_cell(base, f"mutant {m.name}", m.source)) for m in mutants]
    out += [Variant(f"alternative {a.name}", _with_cell(base, f"alternative {a.name}", a.source)) for a in alts]
    return out, mutants, alts


def validate_assignment(grader: Grader, course: Path, aid: str, device: str = "cpu",
                        graded: dict[str, GradeResult] | None = None) -> list[Check]:
    """Grade and judge every variant (and the released stub). ``graded``, when given, receives
    each variant's result by label (tests reuse them instead of grading again)."""
    paths = assignment_paths(aid, course)
    cfg = AssignmentConfig.load(paths.config)
    opts = GradeOptions(device=device, course=course)
    found, mutants, alts = variants(course, aid)
    results = graded if graded is not None else {}
    for v in found:
        results[v.label] = grader.grade(paths.notebook, aid, opts, submission=v.submission)
    checks: list[Check] = []

    sol = results["solution"]
    failing = [t.name for t in sol.tests if not t.passed]
    checks.append(Check("solution scores full marks", sol.status == "graded" and sol.score == cfg.total_points,
                        f"{sol.score:g}/{cfg.total_points:g}" + (f"; failing: {', '.join(failing)}" if failing else "")
                        + (f"; {sol.error}" if sol.error else "")))

    stub_path = course / "assignments" / aid / f"{aid}.ipynb"
    if stub_path.exists():
        stub = grader.grade(stub_path, aid, opts)
        passing = [t.name for t in stub.tests if t.passed]
        checks.append(Check("released stub scores zero", stub.status == "graded" and stub.score == 0,
                            f"{stub.score:g}/{cfg.total_points:g}" + (f"; passing: {', '.join(passing)}" if passing else "")))
    else:
        checks.append(Check("released stub scores zero", False, f"{stub_path} missing: run `autograder release {aid}`"))

    missing = [e for e in cfg.exercises if e not in {m.exercise for m in mutants}]
    checks.append(Check("every exercise has a mutant", not missing, f"missing: {', '.join(missing)}" if missing else
                        f"{len(mutants)} mutants"))
    checks += [_judge_mutant(m, results[f"mutant {m.name}"], cfg) for m in mutants]

    few = [f"{e} ({sum(a.exercise == e for a in alts)})" for e in cfg.exercises
           if sum(a.exercise == e for a in alts) < MIN_ALTERNATIVES]
    checks.append(Check(f"every exercise has {MIN_ALTERNATIVES} correct alternatives", not few,
                        f"too few in {paths.notebook.parent / 'alternatives'}: {', '.join(few)}" if few
                        else f"{len(alts)} alternatives"))
    checks += [_judge_alternative(a, results[f"alternative {a.name}"], cfg) for a in alts]
    # The hint students read, in every other language the suite provides (the public tests
    # only: they are what a student checking locally reads).
    by_label = {v.label: v.submission for v in found}
    for lang in (x for x in cfg.languages if x != "en"):
        hint_opts = dataclasses.replace(opts, lang=lang, scope="public")
        checks += [_judge_hint(m, grader.grade(paths.notebook, aid, hint_opts, submission=by_label[f"mutant {m.name}"]),
                               lang) for m in mutants]
    return checks


def _with_cell(base: Submission, label: str, source: str) -> Submission:
    """The solution with one more cell: its definitions replace the solution's."""
    cell = CodeCell(index=len(base.cells), label=label, source=source, filename=f"<{label}>", first_line=1)
    return dataclasses.replace(base, cells=(*base.cells, cell))


def _judge_alternative(a: Alternative, res: GradeResult, cfg: AssignmentConfig) -> Check:
    what = f"alternative {a.name} ({a.exercise}: {a.approach})"
    if a.exercise not in cfg.exercises:
        return Check(what, False, f"names unknown exercise {a.exercise!r}")
    if res.status != "graded":
        return Check(what, False, f"not graded: {res.error}")
    lost = [t for t in res.tests if not t.passed]
    if not lost:
        return Check(what, True, f"{res.score:g}/{cfg.total_points:g}")
    # A correct implementation that loses a point shows a test relying on more than the
    # contract (or an alternative that is not correct): the author needs the full message.
    detail = "; ".join(f"{t.name} (-{t.max_score - t.score:g}): {t.message.strip()[:600]}" for t in lost)
    return Check(what, False, f"a correct alternative must keep full marks ({res.score:g}/{cfg.total_points:g}); "
                              f"lost {detail}")


def _judge_mutant(m: Mutant, res: GradeResult, cfg: AssignmentConfig) -> Check:
    what = f"mutant {m.name} ({m.exercise}: {m.bug})"
    if m.exercise not in cfg.exercises:
        return Check(what, False, f"names unknown exercise {m.exercise!r}")
    if res.status != "graded":
        return Check(what, False, f"not graded: {res.error}")
    failed = [t for t in res.tests if not t.passed]
    own = [t.name for t in failed if m.exercise in t.exercises]
    others = [t.name for t in failed if m.exercise not in t.exercises]
    if not own:
        return Check(what, False, "no test caught it: add a test that fails this bug")
    if others:
        return Check(what, False, f"also failed tests of other exercises: {', '.join(others)}")
    caught = f"caught by {', '.join(own)} (-{cfg.total_points - res.score:g} points)"
    # Hidden tests show a student one line; the public tests' messages are the feedback
    # that teaches, so one of them must catch the bug, name the exercise and give a hint.
    public = [t for t in failed if t.visibility == "public" and m.exercise in t.exercises]
    if not public:
        return Check(what, False, f"{caught}, but no public test catches it: a student checking locally "
                                  "gets no feedback on this bug")
    if not any(teaches(t.message, m.exercise) for t in public):
        return Check(what, False, f"{caught}; the public failure ({public[0].name}) must name "
                                  f"{m.exercise!r} and give a 'Hint:': {public[0].message[:300]!r}")
    return Check(what, True, caught)


# What text in a language looks like: a hint "in Korean" that is English words after "힌트:"
# is an untranslated hint.
_SCRIPT = {"ko": re.compile(r"[\uac00-\ud7a3]")}


def _judge_hint(m: Mutant, res: GradeResult, lang: str) -> Check:
    what = f"mutant {m.name} ({m.exercise}): its hint in {lang}"
    public = [t for t in res.tests if not t.passed and m.exercise in t.exercises]
    if res.status != "graded" or not public:
        return Check(what, False, f"no public test caught it when graded in {lang}: {res.error}")
    if not any(teaches(t.message, m.exercise, lang) for t in public):
        marker = i18n.gettext("Hint:", lang)
        return Check(what, False, f"the public failure ({public[0].name}) must name {m.exercise!r} and give a "
                                  f"{marker!r} written in {lang} (i18n.tr in the test): {public[0].message[:300]!r}")
    return Check(what, True, f"{public[0].name} says it in {lang}")


def teaches(message: str, exercise: str, lang: str = "en") -> bool:
    """A failure message that names the exercise (as written, or with spaces) and hints at a
    fix, in ``lang`` (its word for "Hint:", then text in that language's script)."""
    text = message.lower()
    names = {exercise.lower(), exercise.lower().replace("_", " ")}
    if not any(n in text for n in names):
        return False
    if lang == "en":
        return "hint" in text
    marker = i18n.gettext("Hint:", lang).lower()
    script = _SCRIPT.get(lang)
    return any(marker in line and (script is None or script.search(line.split(marker, 1)[1]))
               for line in text.splitlines())


def validate_all(course: Path | None, ids: list[str], console: Console, device: str = "cpu") -> int:
    if course is None:
        raise ConfigError("no course found: run from the folder holding solutions/, or pass --course")
    ids = ids or sorted(p.name for p in (course / "solutions").iterdir() if (p / "assignment.toml").exists())
    bad = 0
    with Grader() as grader:
        for aid in ids:
            table = Table(title=f"validate {aid}")
            table.add_column("check")
            table.add_column("", justify="center")
            table.add_column("detail", overflow="fold")
            for c in validate_assignment(grader, course, aid, device):
                bad += not c.ok
                # escape: details quote code and messages, whose [brackets] are not markup
                table.add_row(escape(c.what), "[green]ok[/]" if c.ok else "[red]FAIL[/]", escape(c.detail))
            console.print(table)
    console.print("[green]all checks passed[/]" if not bad else f"[red]{bad} check(s) failed[/]")
    return 1 if bad else 0
