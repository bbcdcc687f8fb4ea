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
from rich.text import Text

from autograder import i18n
from autograder.i18n import t as _  # the command's language (validate's own grading stays English)
from autograder.config import AssignmentConfig, ConfigError, assignment_paths
from autograder.grader import GradeOptions, Grader
from autograder.release import stale_release
from autograder.results import GradeResult
from autograder.submission import CodeCell, Submission, load_submission
from autograder.variant_grading import JOBS, Task, grade_tasks
from autograder import diagnosis_validation as dv
from autograder.diagnosis import Fingerprints
from autograder.diagnosis_validation import DiagnosisRow

_HEADER = re.compile(r"^#\s*(exercise|bug|approach|breaks|misconception(?:-[a-z]{2})?|on-hidden|same-values-as):"
                     r"\s*(.+?)\s*$", re.M)
MIN_ALTERNATIVES = 3


@dataclass(frozen=True)
class Mutant:
    """A known mistake: the exercise it breaks, what the bug is (for the author), the properties
    it ``breaks`` (the words tests ``judges``), the misconception a student reads in each
    language (``# misconception:``, ``# misconception-ko:``), whether it may be named on a
    hidden test (``# on-hidden: name`` or ``silent``), and the mutant it declares the same
    values as (``# same-values-as:``; diagnosed under that one's name)."""

    name: str
    exercise: str
    bug: str
    source: str
    breaks: tuple[str, ...] = ()
    misconceptions: dict = dataclasses.field(default_factory=dict)
    on_hidden: str = ""
    same_as: str = ""


@dataclass(frozen=True)
class Alternative:
    name: str
    exercise: str
    approach: str
    source: str


@dataclass(frozen=True)
class Malformed:
    """A mutant or alternative file validate cannot use: ``problem`` says what to add, and where."""

    kind: str  # "mutant" or "alternative"
    file: Path
    problem: str


def _scan_headed(folder: Path, kind: str) -> tuple[list[tuple[str, dict[str, str], str]], list[Malformed]]:
    """Every file's header, and one Malformed per file without its '# exercise:' line (an
    alternative also needs '# approach:'), so validate reports each in its table and goes on."""
    out, bad = [], []
    for f in sorted(folder.glob("*.py")):
        text = f.read_text(encoding="utf-8")
        meta = dict(_HEADER.findall(text))
        if "exercise" not in meta:
            bad.append(Malformed(kind, f, (
                _("{file}, line 1: a mutant starts with a '# exercise: NAME' line naming what it breaks")
                if kind == "mutant" else
                _("{file}, line 1: an alternative starts with a '# exercise: NAME' line naming the exercise it "
                  "solves")).format(file=f)))
        elif kind == "alternative" and not meta.get("approach"):
            bad.append(Malformed(kind, f, _("{file}, line 2: an alternative has a '# approach: ...' line saying "
                                            "how it differs from the solution").format(file=f)))
        else:
            out.append((f.stem, meta, text))
    return out, bad


def scan_mutants(folder: Path) -> tuple[list[Mutant], list[Malformed]]:
    found, bad = _scan_headed(folder, "mutant")
    return [Mutant(name, meta["exercise"], meta.get("bug", ""), text,
                   breaks=tuple(w.strip() for w in meta.get("breaks", "").split(",") if w.strip()),
                   misconceptions={("en" if k == "misconception" else k.split("-", 1)[1]): v
                                   for k, v in meta.items() if k.startswith("misconception")},
                   on_hidden=meta.get("on-hidden", ""), same_as=meta.get("same-values-as", ""))
            for name, meta, text in found], bad


def scan_alternatives(folder: Path) -> tuple[list[Alternative], list[Malformed]]:
    found, bad = _scan_headed(folder, "alternative")
    return [Alternative(name, meta["exercise"], meta["approach"], text) for name, meta, text in found], bad


def read_mutants(folder: Path) -> list[Mutant]:
    """Every mutant in ``folder``; raises ConfigError naming the first malformed file."""
    mutants, bad = scan_mutants(folder)
    if bad:
        raise ConfigError(bad[0].problem)
    return mutants


def read_alternatives(folder: Path) -> list[Alternative]:
    """Every alternative in ``folder``; raises ConfigError naming the first malformed file."""
    alts, bad = scan_alternatives(folder)
    if bad:
        raise ConfigError(bad[0].problem)
    return alts


def malformed(course: Path, aid: str) -> list[Malformed]:
    """The mutant and alternative files of ``aid`` that validate skips (and reports)."""
    sol = course / "solutions" / aid
    return [*(scan_mutants(sol / "mutants")[1] if (sol / "mutants").is_dir() else []),
            *(scan_alternatives(sol / "alternatives")[1] if (sol / "alternatives").is_dir() else [])]


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
    cell: str | None = None  # the source appended to the solution; None for the solution itself


def variants(course: Path, aid: str) -> tuple[list[Variant], list[Mutant], list[Alternative]]:
    """The solution, every mutant and every alternative of ``aid``, ready to grade."""
    paths = assignment_paths(aid, course)
    base = load_submission(paths.notebook, aid)
    # malformed files are left out here; validate_assignment reports them (malformed())
    mutants = scan_mutants(paths.mutants)[0] if paths.mutants and paths.mutants.is_dir() else []
    folder = paths.notebook.parent / "alternatives"
    alts = scan_alternatives(folder)[0] if folder.is_dir() else []
    out = [Variant("solution", base)]
    out += [Variant(f"mutant {m.name}", _with_cell(base, f"mutant {m.name}", m.source), m.source) for m in mutants]
    out += [Variant(f"alternative {a.name}", _with_cell(base, f"alternative {a.name}", a.source), a.source)
            for a in alts]
    return out, mutants, alts


def validate_assignment(grader: Grader, course: Path, aid: str, device: str = "cpu",
                        graded: dict[str, GradeResult] | None = None, jobs: int = JOBS,
                        backend_options: dict | None = None, record: bool = False,
                        diagnoses: list[DiagnosisRow] | None = None, hints: bool = True) -> list[Check]:
    """Grade and judge every variant (and the released stub). ``graded``, when given, receives
    each variant's result by label (tests reuse them instead of grading again). ``jobs``: the
    gradings run in this process with ``grader`` and in ``jobs - 1`` grading processes on
    its backend (started with ``backend_options``). The mutants' fingerprints are recorded
    from these gradings: ``record`` writes them to the hidden tests' folder when the stored
    ones differ (else that difference is a failed check); ``diagnoses`` receives the table.
    ``hints=False`` skips the hint checks in the suite's other languages: the tests write
    those texts on the trusted side, so only the suite changes them, never a backend (the
    Docker tests compare backends)."""
    paths = assignment_paths(aid, course)
    cfg = AssignmentConfig.load(paths.config)
    opts = GradeOptions(device=device, course=course, record=True)
    found, mutants, alts = variants(course, aid)
    stub_path = course / "assignments" / aid / f"{aid}.ipynb"
    by_label = {v.label: v for v in found}
    # The hint students read, in every other language the suite provides (the public tests
    # only: they are what a student checking locally reads).
    hint_langs = [x for x in cfg.languages if x != "en"] if hints else []
    tasks = [Task(v.label, paths.notebook, opts, v.submission, v.cell) for v in found]
    tasks += [Task("stub", stub_path, opts)] if stub_path.exists() else []
    tasks += [Task(f"{lang} mutant {m.name}", paths.notebook,
                   dataclasses.replace(opts, lang=lang, scope="public"), by_label[f"mutant {m.name}"].submission)
              for lang in hint_langs for m in mutants if m.exercise in cfg.exercises]
    done = grade_tasks(grader, course, aid, tasks, jobs, backend_options)
    results = graded if graded is not None else {}
    results.update({v.label: done[v.label] for v in found})
    checks: list[Check] = []

    sol = results["solution"]
    failing = [t.name for t in sol.tests if not t.passed]
    checks.append(Check(_("solution scores full marks"), sol.status == "graded" and sol.score == cfg.total_points,
                        f"{sol.score:g}/{cfg.total_points:g}"
                        + (_("; failing: {tests}").format(tests=", ".join(failing)) if failing else "")
                        + (f"; {sol.error}" if sol.error else "")))

    if stub_path.exists():
        checks.append(_judge_release(course, aid))
        stub = done["stub"]
        passing = [t.name for t in stub.tests if t.passed]
        checks.append(Check(_("released stub scores zero"), stub.status == "graded" and stub.score == 0,
                            f"{stub.score:g}/{cfg.total_points:g}"
                            + (_("; passing: {tests}").format(tests=", ".join(passing)) if passing else "")))
    else:
        checks.append(Check(_("released stub scores zero"), False,
                            _("{path} missing: run `autograder release {assignment}`").format(path=stub_path,
                                                                                            assignment=aid)))

    checks += [Check(_("{kind} {name} is well formed").format(kind=_("mutant") if b.kind == "mutant"
                                                              else _("alternative"), name=b.file.stem), False, b.problem)
               for b in malformed(course, aid)]
    missing = [e for e in cfg.exercises if e not in {m.exercise for m in mutants}]
    checks.append(Check(_("every exercise has a mutant"), not missing,
                        _("missing: {exercises}").format(exercises=", ".join(missing)) if missing else
                        _("{n} mutants").format(n=len(mutants))))
    checks += [_judge_mutant(m, results[f"mutant {m.name}"], cfg) for m in mutants]
    checks += [Check(o.what, o.ok, o.detail) for o in dv.judge_statements(mutants, cfg)]
    checks += _judge_fingerprints(paths, mutants, results, record, diagnoses,
                                  {label: r for label, r in {**results, "stub": done.get("stub")}.items()
                                   if r is not None and not label.startswith("mutant ")})

    few = [f"{e} ({sum(a.exercise == e for a in alts)})" for e in cfg.exercises
           if sum(a.exercise == e for a in alts) < MIN_ALTERNATIVES]
    checks.append(Check(_("every exercise has {n} correct alternatives").format(n=MIN_ALTERNATIVES), not few,
                        _("too few in {folder}: {exercises}").format(folder=paths.notebook.parent / "alternatives",
                                                                     exercises=", ".join(few)) if few
                        else _("{n} alternatives").format(n=len(alts))))
    checks += [_judge_alternative(a, results[f"alternative {a.name}"], cfg) for a in alts]
    checks += [_judge_hint(m, done[f"{lang} mutant {m.name}"], lang) for lang in hint_langs for m in mutants
               if m.exercise in cfg.exercises]  # an unknown exercise: one row above
    return checks


def _judge_fingerprints(paths, mutants: list[Mutant], results: dict[str, GradeResult], record: bool,
                        diagnoses: list[DiagnosisRow] | None, others: dict[str, GradeResult]) -> list[Check]:
    """Record the fingerprints (or check the stored ones), then prove the diagnosis with them."""
    store = dv.build_store(paths, mutants, results)
    where = dv.fingerprint_path(paths)
    stored = Fingerprints.load(where) if where is not None and where.exists() else None
    problems = dv.same_store(stored, store)
    if problems and record and where is not None:
        store.save(where)
        check = Check(_("fingerprints are recorded"), True, _("recorded in {path}").format(path=where))
    else:
        check = Check(_("fingerprints are recorded"), not problems,
                      _("{path} is out of date ({problems}): run `autograder validate {assignment}` and commit "
                        "it").format(path=where, problems="; ".join(problems), assignment=paths.id) if problems
                      else str(where))
    rows = dv.diagnosis_table(store, mutants, results)
    if diagnoses is not None:
        diagnoses.extend(rows)
    return [check, *(Check(o.what, o.ok, o.detail) for o in dv.judge_diagnoses(store, rows, others))]


def _judge_release(course: Path, aid: str) -> Check:
    """The committed release is what ``release`` makes now: students and the stub check above
    must see the suite that was validated."""
    problems = stale_release(course, aid)
    return Check(_("released copy is up to date"), not problems,
                 _("run `autograder release {assignment}` and commit: {problems}").format(
                     assignment=aid, problems="; ".join(problems)) if problems else str(course / "assignments" / aid))


def _with_cell(base: Submission, label: str, source: str) -> Submission:
    """The solution with one more cell: its definitions replace the solution's."""
    cell = CodeCell(index=len(base.cells), label=label, source=source, filename=f"<{label}>", first_line=1)
    return dataclasses.replace(base, cells=(*base.cells, cell))


def _unknown_exercise(name: str, cfg: AssignmentConfig) -> str:
    return _("names unknown exercise {exercise}; the exercises of {path} are: {known}").format(
        exercise=repr(name), path=cfg.path, known=", ".join(cfg.exercises))


def _judge_alternative(a: Alternative, res: GradeResult, cfg: AssignmentConfig) -> Check:
    what = _("alternative {name} ({exercise}: {approach})").format(name=a.name, exercise=a.exercise,
                                                                    approach=a.approach)
    if a.exercise not in cfg.exercises:
        return Check(what, False, _unknown_exercise(a.exercise, cfg))
    if res.status != "graded":
        return Check(what, False, _("not graded: {error}").format(error=res.error))
    lost = [t for t in res.tests if not t.passed]
    if not lost:
        return Check(what, True, f"{res.score:g}/{cfg.total_points:g}")
    # A correct implementation that loses a point shows a test relying on more than the
    # contract (or an alternative that is not correct): the author needs the full message.
    detail = "; ".join(f"{t.name} (-{t.max_score - t.score:g}): {t.message.strip()[:600]}" for t in lost)
    return Check(what, False, _("a correct alternative must keep full marks ({score}); lost {detail}").format(
        score=f"{res.score:g}/{cfg.total_points:g}", detail=detail))


def _judge_mutant(m: Mutant, res: GradeResult, cfg: AssignmentConfig) -> Check:
    what = _("mutant {name} ({exercise}: {bug})").format(name=m.name, exercise=m.exercise, bug=m.bug)
    if m.exercise not in cfg.exercises:
        return Check(what, False, _unknown_exercise(m.exercise, cfg))
    if res.status != "graded":
        return Check(what, False, _("not graded: {error}").format(error=res.error))
    failed = [t for t in res.tests if not t.passed]
    own = [t.name for t in failed if m.exercise in t.exercises]
    others = [t.name for t in failed if m.exercise not in t.exercises]
    if not own:
        return Check(what, False, _("no test caught it: add a test that fails this bug"))
    if others:
        return Check(what, False, _("also failed tests of other exercises: {tests}").format(tests=", ".join(others)))
    accusations = _false_accusations(m, failed, cfg)
    if accusations:
        return Check(what, False, "; ".join(accusations))
    caught = _("caught by {tests} (-{points} points)").format(tests=", ".join(own),
                                                             points=f"{cfg.total_points - res.score:g}")
    # Hidden tests show a student one line; the public tests' messages are the feedback
    # that teaches, so one of them must catch the bug, name the exercise and give a hint.
    public = [t for t in failed if t.visibility == "public" and m.exercise in t.exercises]
    if not public:
        return Check(what, False, _("{caught}, but no public test catches it: a student checking locally "
                                    "gets no feedback on this bug").format(caught=caught))
    if not any(teaches(t.message, m.exercise) for t in public):
        return Check(what, False, _("{caught}; the public failure ({test}) must name {exercise} and give a "
                                    "'Hint:': {message}").format(caught=caught, test=public[0].name,
                                                                 exercise=repr(m.exercise),
                                                                 message=repr(public[0].message[:300])))
    return Check(what, True, caught)


def _false_accusations(m: Mutant, failed, cfg: AssignmentConfig) -> list[str]:
    """A test named for a property may fail a mutant only when the mutant breaks that property
    (its ``judges`` meet the mutant's ``breaks``), or as "not judged", naming a test this
    mutant fails that shows the wrong values."""
    names = {t.name for t in failed}
    out = []
    for t in failed:
        spec = cfg.tests.get(t.name)
        judges = spec.judges if spec is not None else ("values",)
        if t.failure_kind == "not_judged":
            if t.shown_by not in names:
                out.append(_("{test} says the values were already wrong and {shown} shows them, but this mutant "
                             "passes {shown}").format(test=t.name, shown=t.shown_by or "?"))
        elif m.breaks and not set(m.breaks) & set(judges):
            out.append(_("{test} (judges {judges}) fails it with a {kind} failure, but it breaks {breaks}: check "
                         "what the test needs inside `precondition(...)`, or give the check its own test").format(
                test=t.name, judges=", ".join(judges), kind=t.failure_kind or "?", breaks=", ".join(m.breaks)))
    return out


def _judge_hint(m: Mutant, res: GradeResult, lang: str) -> Check:
    what = _("mutant {name} ({exercise}): its hint in {lang}").format(name=m.name, exercise=m.exercise, lang=lang)
    public = [t for t in res.tests if not t.passed and m.exercise in t.exercises]
    if res.status != "graded" or not public:
        return Check(what, False, _("no public test caught it when graded in {lang}: {error}").format(
            lang=lang, error=res.error))
    if not any(teaches(t.message, m.exercise, lang) for t in public):
        marker = i18n.gettext("Hint:", lang)
        return Check(what, False, _("the public failure ({test}) must name {exercise} and give a {marker} written "
                                    "in {lang} (i18n.tr in the test): {message}").format(
            test=public[0].name, exercise=repr(m.exercise), marker=repr(marker), lang=lang,
            message=repr(public[0].message[:300])))
    return Check(what, True, _("{test} says it in {lang}").format(test=public[0].name, lang=lang))


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
    script = i18n.SCRIPTS.get(lang)
    return any(marker in line and (script is None or script.search(line.split(marker, 1)[1]))
               for line in text.splitlines())


def diagnosis_table(aid: str, rows: list[DiagnosisRow]) -> Table:
    """Each mutant, the tests it fails, and what its values are diagnosed as on each."""
    table = Table(title=escape(_("diagnosis of {assignment}'s known mistakes").format(assignment=aid)))
    table.add_column(_("mutant"))
    table.add_column(_("exercise"))
    table.add_column(_("diagnosed as itself"), justify="right")
    table.add_column(_("tests it fails: diagnosed as"), overflow="fold")
    for r in rows:
        right = sum(d == r.expected for _t, d in r.diagnosed)
        table.add_row(escape(r.mutant), escape(r.exercise),
                      Text(f"{right}/{len(r.diagnosed)}", "green" if r.ok and r.diagnosed else "red"),
                      escape("; ".join(f"{t}: {d or '-'}" for t, d in r.diagnosed)))
    return table


def validate_all(course: Path | None, ids: list[str], console: Console, device: str = "cpu", jobs: int = JOBS) -> int:
    if course is None:
        raise ConfigError(_("no course found: run from the folder holding solutions/, or pass --course"))
    ids = ids or sorted(p.name for p in (course / "solutions").iterdir() if (p / "assignment.toml").exists())
    bad = 0
    with Grader() as grader:
        for aid in ids:
            table = Table(title=escape(_("validate {assignment}").format(assignment=aid)))
            table.add_column(_("check"))
            table.add_column("", justify="center")
            table.add_column(_("detail"), overflow="fold")
            rows: list[DiagnosisRow] = []
            for c in validate_assignment(grader, course, aid, device, jobs=jobs, record=True, diagnoses=rows):
                bad += not c.ok
                # escape: details quote code and messages, whose [brackets] are not markup
                table.add_row(escape(c.what), Text(_("ok"), "green") if c.ok else Text(_("FAIL"), "red"),
                              escape(c.detail))
            console.print(table)
            console.print(diagnosis_table(aid, rows))
    console.print(Text(_("all checks passed"), "green") if not bad
                  else Text(_("{n} check(s) failed").format(n=bad), "red"))
    return 1 if bad else 0
