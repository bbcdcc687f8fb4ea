"""What ``check()`` returns: the public tests' verdicts, shown as HTML or plain text.

Runs in the student's kernel. Every piece of text that came from the student's code
(messages quote their values, exceptions and prints) is escaped before it goes into HTML;
the plain-text view is what terminals, VS Code's text fallback and ``print`` show.
The wording is honest: passing the public tests is a good sign, never "all tests passed".
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from autograder import i18n
from autograder.feedback import explanation, failures_to_explain
from autograder.results import Picture

@dataclass(frozen=True)
class CheckedTest:
    """One public test's verdict."""

    name: str
    exercises: tuple[str, ...]
    points: float
    max_points: float
    passed: bool
    message: str = ""  # what differs and the hint; empty when it passed
    images: tuple[Picture, ...] = ()  # PNG pictures the test attached (feedback that shows)
    not_started: bool = False  # failed on a stub that still raises NotImplementedError
    diagnosis: str = ""  # the known mistake its values match, as the message says it (mistakes.py)

    def student_text(self) -> str:
        return self.message


@dataclass(frozen=True)
class CheckResult:
    """``.score`` / ``.max_score``, ``.passed`` / ``.failed`` (lists of ``CheckedTest``)."""

    assignment: str
    exercise: str | None  # None: every exercise
    tests: tuple[CheckedTest, ...]
    protected: bool  # a hung or crashing function costs its tests only (needs os.fork)
    origin: str  # where the public tests came from
    lang: str = i18n.DEFAULT
    notes: tuple[str, ...] = field(default=())

    @property
    def score(self) -> float:
        return round(sum(t.points for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_points for t in self.tests), 6)

    @property
    def passed(self) -> list[CheckedTest]:
        return [t for t in self.tests if t.passed]

    @property
    def failed(self) -> list[CheckedTest]:
        return [t for t in self.tests if not t.passed]

    # ------------------------------------------------------------------ words
    @property
    def _gettext(self):
        return i18n.translations(self.lang).gettext

    def headline(self) -> str:
        _ = self._gettext
        what = self.assignment + (f" / {self.exercise}" if self.exercise else "")
        pts = _("{score} / {max} points of public tests").format(score=_num(self.score),
                                                                        max=_num(self.max_score))
        if not self.tests:
            return f"{what}: " + _("no public tests for this exercise")
        if not self.failed:
            verdict = _("Public tests passed; hidden tests run when it is graded")
        else:
            verdict = i18n.ngettext("{n} of {total} public test failed", "{n} of {total} public tests failed",
                                    len(self.failed), self.lang).format(n=len(self.failed), total=len(self.tests))
        return f"{what}: {pts}. {verdict}."

    def warnings(self) -> list[str]:
        _ = self._gettext
        out = list(self.notes)
        if not self.protected:
            out.append(_("This platform has no os.fork: the tests ran inside your kernel without a time "
                               "limit. A function that never returns hangs this check (interrupt the kernel "
                               "to stop it), and one that crashes takes the kernel with it."))
        return out

    def _status(self, t: CheckedTest) -> str:
        _ = self._gettext
        if t.passed:
            return _("pass")
        return _("not started yet") if t.not_started else _("FAIL")

    def _details(self, t: CheckedTest) -> str:
        return explanation(t, self._gettext)

    def _failures(self) -> list[CheckedTest]:
        """Failed tests to explain: a stub's failure once per exercise, not once per test."""
        return failures_to_explain(self.failed)

    # ------------------------------------------------------------------ text
    def to_text(self) -> str:
        _ = self._gettext
        lines = [self.headline(), ""]
        width = max([len(t.name) for t in self.tests] + [4])
        sw = max([len(self._status(t)) for t in self.tests] + [4])
        for t in self.tests:
            lines.append(f"  {self._status(t):<{sw}}  {t.name:<{width}}  {_num(t.points)}/{_num(t.max_points)}"
                         f"  ({', '.join(t.exercises)})")
        for t in self._failures():
            lines += ["", f"{self._status(t)} {t.name}:"] + ["  " + ln for ln in self._details(t).splitlines()]
            if t.images:
                lines.append("  " + _("(a picture is attached: see it in the notebook's HTML view)"))
        for w in self.warnings():
            lines += ["", _("Note:") + " " + w]
        lines += ["", _("Public tests from {origin}.").format(origin=self.origin)]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(self.to_text())

    # ------------------------------------------------------------------ HTML
    def _repr_html_(self) -> str:
        _ = self._gettext
        esc = html.escape
        ok = not self.failed and bool(self.tests)
        colour = "#1a7f37" if ok else "#cf222e"
        rows = []
        for t in self.tests:
            mark = self._status(t)
            tone = "#1a7f37" if t.passed else ("#9a6700" if t.not_started else "#cf222e")
            rows.append(
                f"<tr><td style='text-align:left'><code>{esc(t.name)}</code></td>"
                f"<td style='text-align:left'>{esc(', '.join(t.exercises))}</td>"
                f"<td style='text-align:right'>{_num(t.points)} / {_num(t.max_points)}</td>"
                f"<td style='text-align:center;color:{tone};font-weight:bold'>{esc(mark)}</td></tr>")
        details = []
        for t in self._failures():
            body = "".join(_html_line(line, t.diagnosis) for line in self._details(t).splitlines())
            pics = "".join(f"<img alt='{esc(p.alt)}' style='max-width:100%' "
                           f"src='data:image/png;base64,{p.png_base64}'/>" for p in t.images)
            details.append(
                f"<div style='margin:.6em 0'><b>{esc(self._status(t))}</b> <code>{esc(t.name)}</code>"
                f"<pre style='white-space:pre-wrap;margin:.3em 0'>{body}</pre>{pics}</div>")
        note = esc(_("Note:"))
        notes = "".join(f"<p style='color:#9a6700'>{note} {esc(w)}</p>" for w in self.warnings())
        cols = [(_("test"), "left"), (_("exercise"), "left"), (_("points"), "right"), (_("result"), "center")]
        head = "<tr>" + "".join(f"<th style='text-align:{align}'>{esc(c)}</th>" for c, align in cols) + "</tr>"
        origin = esc(_("Public tests from {origin}.").format(origin=self.origin))
        return (f"<div class='autograder-check'><p style='color:{colour};font-weight:bold'>{esc(self.headline())}</p>"
                f"<table>{head}{''.join(rows)}</table>{''.join(details)}{notes}"
                f"<p style='color:#57606a;font-size:smaller'>{origin}</p></div>")


def _html_line(line: str, diagnosis: str = "") -> str:
    """One escaped line of a message; from its hint on, bold; the known mistake it names, bold."""
    if diagnosis and line.strip() == diagnosis:
        return f"<b>{html.escape(line)}</b>\n"
    for mark in ("Hint:", "힌트:"):
        if mark in line:
            before, after = line.split(mark, 1)
            return f"{html.escape(before)}<b>{mark}{html.escape(after)}</b>\n"
    return html.escape(line) + "\n"


def _num(x: float) -> str:
    return f"{x:g}"
