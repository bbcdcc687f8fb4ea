"""What ``autograder validate`` proves about known mistakes: each mutant states its
misconception, its fingerprints are recorded, and every mutant is diagnosed as itself while
the solution, the stub and the alternatives never are.

Trusted, authoring side (not grade-deciding): it reads validate's gradings, builds the
store ``diagnosis`` reads when grading, and writes it when asked (``validate`` records).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from autograder import diagnosis, i18n
from autograder.config import AssignmentConfig, AssignmentPaths
from autograder.i18n import t as _
from autograder.results import GradeResult

ON_HIDDEN = ("name", "silent")


class MutantInfo(Protocol):
    """What this module needs of ``validate.Mutant``."""

    name: str
    exercise: str
    source: str
    breaks: tuple[str, ...]
    misconceptions: dict
    on_hidden: str
    same_as: str


@dataclass
class Outcome:
    what: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class DiagnosisRow:
    """One mutant in validate's diagnosis table: the tests it fails, and on each what its
    values are diagnosed as ("" for nothing; several names joined by " / " when ambiguous)."""

    mutant: str
    exercise: str
    diagnosed: tuple[tuple[str, str], ...]  # (test, diagnosed as)
    expected: str  # its group's name: itself, or the mutant it declares the same values as

    @property
    def ok(self) -> bool:
        return all(d == self.expected for _t, d in self.diagnosed)


def statement_problems(m: MutantInfo, languages: tuple[str, ...], names: set[str]) -> list[str]:
    """What is missing or wrong in a mutant's statement of its misconception."""
    problems = []
    for lang in languages:
        text = m.misconceptions.get(lang, "")
        key = "misconception" if lang == "en" else f"misconception-{lang}"
        if not text:
            problems.append(_("add a '# {key}: ...' line: what the student probably did and why it gives wrong "
                              "values, in one or two sentences").format(key=key))
        elif lang in i18n.SCRIPTS and not i18n.SCRIPTS[lang].search(text):
            problems.append(_("'# {key}:' is not written in that language").format(key=key))
        elif "`" in text or re.search(r"\w\s*[-+*/]?=\s*\w", text):
            problems.append(_("'# {key}:' must explain the mistake, never give the fix as code").format(key=key))
    if m.on_hidden not in ON_HIDDEN:
        problems.append(_("add '# on-hidden: name' (it may be named on a hidden test) or '# on-hidden: silent'"))
    if not m.breaks:
        problems.append(_("add '# breaks: PROPERTY' naming what it breaks, in the words tests use for `judges` "
                          "(values, in_place, loops...)"))
    if m.same_as and m.same_as not in names:
        problems.append(_("'# same-values-as: {name}' names no mutant of this assignment").format(name=m.same_as))
    return problems


def judge_statements(mutants: list[MutantInfo], cfg: AssignmentConfig) -> list[Outcome]:
    names = {m.name for m in mutants}
    judged = {j for spec in cfg.tests.values() for j in spec.judges}
    out = []
    for m in mutants:
        # Every language the platform speaks, not only those the suite's hints are written in:
        # the misconception is what a student reads in their own language.
        problems = statement_problems(m, tuple(dict.fromkeys((*i18n.LANGUAGES, *cfg.languages))), names)
        unknown = [b for b in m.breaks if b not in judged]
        if unknown:
            problems.append(_("it breaks {props}, which no test judges (judges = [...] in assignment.toml)").format(
                props=", ".join(unknown)))
        out.append(Outcome(_("mutant {name} states its misconception").format(name=m.name), not problems,
                           "; ".join(problems) if problems else m.misconceptions.get("en", "")[:160]))
    return out


def mutants_digest(mutants: list[MutantInfo]) -> str:
    digest = hashlib.sha256(b"torch-autograder mutants v1\0")
    for m in sorted(mutants, key=lambda m: m.name):
        digest.update(f"{m.name}\0{len(m.source)}\0".encode())
        digest.update(m.source.encode())
    return digest.hexdigest()


def build_store(paths: AssignmentPaths, mutants: list[MutantInfo], results: dict[str, GradeResult]
                ) -> diagnosis.Fingerprints:
    """The fingerprints of every mutant: its observations on each test it fails."""
    store = diagnosis.Fingerprints(suite_digest=diagnosis.suite_digest(paths), mutants_digest=mutants_digest(mutants))
    for m in mutants:
        store.mistakes[m.name] = diagnosis.Mistake(name=m.name, exercise=m.exercise, texts=dict(m.misconceptions),
                                                   on_hidden=m.on_hidden == "name", same_as=m.same_as)
        res = results.get(f"mutant {m.name}")
        if res is None or res.status != "graded":
            continue
        for t in res.tests:
            if not t.passed and t.observations:
                store.tests.setdefault(t.name, {})[m.name] = t.observations
    return store


def same_store(a: diagnosis.Fingerprints | None, b: diagnosis.Fingerprints) -> list[str]:
    """How a stored store differs from one recorded now (values within the matching slack:
    another machine rounds float32 differently). Empty when they agree."""
    if a is None:
        return [_("none is recorded")]
    problems = []
    if a.suite_digest != b.suite_digest:
        problems.append(_("the tests changed since they were recorded"))
    if a.mutants_digest != b.mutants_digest:
        problems.append(_("the mutants changed since they were recorded"))
    if a.mistakes != b.mistakes:
        problems.append(_("the mutants' statements changed"))
    keys_a = {(t, m) for t, by in a.tests.items() for m in by}
    keys_b = {(t, m) for t, by in b.tests.items() for m in by}
    if keys_a != keys_b:
        problems.append(_("the tests each mutant fails changed"))
    else:
        differ = sorted(f"{m} on {t}" for t, m in keys_a if not diagnosis.same(a.tests[t][m], b.tests[t][m]))
        if differ:
            problems.append(_("values changed: {which}").format(which=", ".join(differ[:5])))
    return problems


def diagnosis_table(store: diagnosis.Fingerprints, mutants: list[MutantInfo],
                    results: dict[str, GradeResult]) -> list[DiagnosisRow]:
    rows = []
    for m in mutants:
        res = results.get(f"mutant {m.name}")
        if res is None or res.status != "graded":
            continue
        found = []
        for t in res.tests:
            if t.passed:
                continue
            groups = store.matches(t.name, t.observations or [])
            found.append((t.name, " / ".join(sorted(groups))))
        rows.append(DiagnosisRow(m.name, m.exercise, tuple(found), store.group(m.name)))
    return rows


def judge_diagnoses(store: diagnosis.Fingerprints, rows: list[DiagnosisRow],
                    others: dict[str, GradeResult]) -> list[Outcome]:
    """Item by item: each mutant diagnosed as itself on every test it fails; the solution, the
    stub and every alternative diagnosed as nothing on any test."""
    out = []
    for r in rows:
        wrong = [f"{t}: {d or _('nothing')}" for t, d in r.diagnosed if d != r.expected]
        n = len(r.diagnosed)
        out.append(Outcome(_("mutant {name} is diagnosed as itself").format(name=r.mutant), not wrong and n > 0,
                           _("on {n} of {total} failed tests; elsewhere: {where}").format(
                               n=n - len(wrong), total=n, where="; ".join(wrong)) if wrong
                           else _("on all {n} tests it fails").format(n=n)))
    for label, res in others.items():
        # Every test, passed ones too: a correct implementation's values must match no mistake.
        named = [f"{t.name}: {' / '.join(sorted(store.matches(t.name, t.observations or [])))}"
                 for t in res.tests if store.matches(t.name, t.observations or [])]
        out.append(Outcome(_("{label} is never diagnosed").format(label=label), not named,
                           "; ".join(named) if named else _("no known mistake named")))
    return out


def fingerprint_path(paths: AssignmentPaths) -> Path | None:
    return paths.hidden_tests / diagnosis.FINGERPRINTS if paths.hidden_tests is not None else None
