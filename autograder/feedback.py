"""Student-facing feedback: ``feedback.md`` and the terminal table.

Both draw every test's text from ``TestResult.student_text``, so a hidden test shows its
name, points and the author's message, never source, expected values or tracebacks.
``explanation`` is the one sentence a student reads for a failed test, the same in
``check()``, feedback.md, ``autograder submit``'s table and the service's pages.

Student text (cleaned by ``sanitize`` where it entered the trusted side) stays text here:
in Markdown it sits in fences it cannot close, in the terminal it is a rich ``Text``, never
parsed as markup. Neither writer raises on what a student wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Protocol, TypeVar

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder import i18n, sanitize
from autograder.results import GradeResult


TERMINAL_LINES = 12  # of one failure's explanation in the terminal; feedback.md has all of it


def _pts(x: float) -> str:
    return f"{x:g}"


def render_markdown(result: GradeResult, title: str = "") -> str:
    """feedback.md, its frame in the language the result was graded in."""
    _ = i18n.translations(result.lang).gettext
    title = title or result.display_title
    lines = [_("# Feedback: {title}").format(title=title), ""]
    if result.status == "ungradable":
        lines += [_("**Your submission could not be graded.**"), ""] + _fenced(result.error) + ["",
                  _("Score: **0 / {max}**").format(max=_pts(result.max_score)) if result.max_score else
                  _("Score: **0**"), ""]
    else:
        scope = _(" (public tests only; the hidden tests count too when graded)") if result.scope == "public" else ""
        lines += [_("Score: **{score} / {max}**").format(score=_pts(result.score), max=_pts(result.max_score))
                  + scope, ""]
    per_ex = result.per_exercise()
    if per_ex:
        lines += ["| {} | {} |".format(_("exercise"), _("points")), "|---|---|"]
        lines += [f"| `{ex}` | {_pts(s)} / {_pts(m)} |" for ex, (s, m) in per_ex.items()]
        lines.append("")
    if result.notes or result.output.strip():
        lines += [_("## Loading your notebook"), ""]
        if result.notes:  # they quote the student's cells: in a fence, never as Markdown
            lines += _fenced("\n\n".join(result.notes))
        if result.output.strip():
            lines += ["", _("Output while your cells ran:"), ""] + _fenced(result.output[:4000])
        lines.append("")
    explained = {id(t) for t in failures_to_explain(result.tests)}
    for heading, wanted in ((_("## Tests that failed"), False), (_("## Tests that passed"), True)):
        chosen = [t for t in result.tests if t.passed == wanted]
        if not chosen:
            continue
        lines += [heading, ""]
        for t in chosen:
            mark = _("PASS") if t.passed else (_("NOT STARTED") if t.not_started else _("FAIL"))
            tag = ", ".join(t.exercises)
            hidden = _(" (hidden test)") if t.visibility == "hidden" else ""
            lines.append(f"### {mark} `{t.name}`{hidden}: {_pts(t.score)} / {_pts(t.max_score)} ({tag})")
            if t.not_started:
                # A stub's traceback says nothing new: once per exercise, one line.
                if id(t) in explained:
                    lines += ["", explanation(t, _)]
                lines.append("")
                continue
            text = t.student_text()
            if text and not (t.passed and t.visibility == "public"):
                lines += [""] + _fenced(text)
            for p in t.student_images():
                alt = p.alt.replace("[", "(").replace("]", ")").replace("\n", " ")
                lines += ["", f"![{alt}](data:image/png;base64,{p.png_base64})"]
            lines.append("")
    text = "\n".join(lines).rstrip() + "\n"
    if result.late is not None:
        late = result.late
        text += "\n" + _("## Late submission") + "\n\n" + _(
            "Submitted {days} day(s) after the due date ({due}): {penalty} points off ({per_day} per day). "
            "Final score: **{final} / {max}**.").format(
            days=late.days, due=late.due, penalty=f"{late.penalty:g}", per_day=f"{late.per_day:.0%}",
            final=f"{late.final:g}", max=f"{result.max_score:g}") + "\n"
    return text


class Verdict(Protocol):
    """What deciding which failures to explain needs: a graded test or a notebook check."""

    @property
    def passed(self) -> bool: ...
    @property
    def not_started(self) -> bool: ...
    @property
    def exercises(self) -> tuple[str, ...]: ...
    def student_text(self) -> str: ...


V = TypeVar("V", bound=Verdict)


def explanation(t: Verdict, gettext: Callable[[str], str]) -> str:
    """What a student reads for one failed test, wherever they read it: a stub's one sentence,
    else what differs and the hint (``student_text``)."""
    if t.not_started:
        return not_started_text(t.exercises, gettext)
    return t.student_text().strip() or gettext("failed")


def not_started_text(exercises: tuple[str, ...], gettext: Callable[[str], str]) -> str:
    return gettext("{exercise}: not started yet: it still raises NotImplementedError. Replace the stub "
                   "with your code.").format(exercise=", ".join(exercises))


def failures_to_explain(tests: list[V]) -> list[V]:
    """The failed tests worth a message: a stub's failure once per exercise, not once per test."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for t in tests:
        if t.passed:
            continue
        if t.not_started:
            if t.exercises in seen:
                continue
            seen.add(t.exercises)
        out.append(t)
    return out


def _fenced(text: str) -> list[str]:
    return sanitize.fence(sanitize.clean(text))


def write_markdown(result: GradeResult, path: Path, title: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sanitize.utf8(render_markdown(result, title)))


def staff_details(result: GradeResult) -> list[tuple[str, str]]:
    """(heading, text) per failed hidden test: its full message and the test's traceback.
    For instructors only (``grade --show-hidden``, ``batch --show-hidden``); a student's
    feedback.md and results.json keep the one-line author message."""
    out = []
    for t in result.tests:
        if t.visibility == "hidden" and not t.passed:
            text = t.message.strip() or "failed"
            if t.traceback.strip():
                text += "\n\n--- traceback ---\n" + t.traceback.strip()
            out.append((f"{t.number} {t.name} (hidden, 0/{t.max_score:g})", text))
    return out


def print_staff_details(result: GradeResult, console: Console) -> None:
    details = staff_details(result)
    if not details:
        return
    console.rule("hidden test failures (staff only: not in feedback.md or results.json)")
    for heading, text in details:
        console.print(heading, style="bold red", highlight=False, markup=False)
        console.print(text, highlight=False, markup=False)
        console.print()


def print_table(result: GradeResult, console: Console | None = None, title: str = "") -> None:
    """The terminal table, in the language the result was graded in. Student text is a rich
    ``Text`` (never parsed as markup); only the platform's own words are styled."""
    _ = i18n.translations(result.lang).gettext
    console = console or Console()
    if result.status == "ungradable":
        console.print(Text.assemble((_("Could not grade {submission}:").format(submission=result.submission),
                                     "bold red"), " ", result.error), highlight=False)
        return
    table = Table(title=Text(title or f"{result.assignment_id}: {result.submission}"), box=box.SIMPLE_HEAD)
    table.add_column("#", justify="right", style="dim")
    table.add_column(_("test"), overflow="fold")
    table.add_column(_("exercise"), overflow="fold")
    table.add_column(_("points"), justify="right")
    table.add_column(_("result"), justify="center")
    for t in result.tests:
        if t.passed:
            status = Text(_("pass"), "green")
        elif t.not_started:
            status = Text(_("not started yet"), "yellow")
        else:
            status = Text(_("FAIL"), "red")
        name = Text(t.name)
        if t.visibility == "hidden":
            name.append(" " + _("(hidden)"), "dim")
        table.add_row(t.number, name, ", ".join(t.exercises), f"{t.score:g}/{t.max_score:g}", status)
    console.print(table)
    failed = failures_to_explain(result.tests)
    for t in failed[:12]:
        # The whole explanation, hint included (as check() and the pages show it), capped.
        lines = explanation(t, _).splitlines()
        shown = lines[:TERMINAL_LINES] + (["..."] if len(lines) > TERMINAL_LINES else [])
        said = t.diagnosis.said.splitlines() if t.diagnosis and not t.not_started else []
        if said and said[0] not in shown:  # the cap never hides the known mistake the test names
            shown += said
        text = "\n".join(shown)
        head = "" if t.not_started else f" {t.name}:"
        console.print(Text.assemble((t.number, "red"), head, "\n  " if "\n" in text else " ",
                                    text.replace("\n", "\n  ")), highlight=False)
    if len(failed) > 12:
        console.print(_("... and {n} more failures: see feedback.md").format(n=len(failed) - 12), highlight=False)
    demo = sum("tagged demo" in n for n in result.notes)
    if demo:
        console.print(Text(_("{n} demo cell(s) skipped").format(n=demo), "dim"))
    for note in result.notes:
        if "tagged demo" not in note:
            first = (note.splitlines() or [""])[0]
            console.print(Text.assemble((_("note:"), "yellow"), " ", first), highlight=False)
    scope = _(" (public tests only)") if result.scope == "public" else ""
    console.print(Text(_("Score: {score} / {max}").format(score=f"{result.score:g}", max=f"{result.max_score:g}")
                       + scope, "bold"), highlight=False)
