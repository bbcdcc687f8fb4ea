"""Student-facing feedback: ``feedback.md`` and the terminal table.

Both draw every test's text from ``TestResult.student_text``, so a hidden test shows its
name, points and the author's message, never source, expected values or tracebacks.

Student text (cleaned by ``sanitize`` where it entered the trusted side) stays text here:
in Markdown it sits in fences it cannot close, in the terminal it is a rich ``Text``, never
parsed as markup. Neither writer raises on what a student wrote.
"""

from __future__ import annotations

from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder import sanitize
from autograder.results import GradeResult


def _pts(x: float) -> str:
    return f"{x:g}"


def render_markdown(result: GradeResult, title: str = "") -> str:
    title = title or result.display_title
    lines = [f"# Feedback: {title}", ""]
    if result.status == "ungradable":
        lines += ["**Your submission could not be graded.**", ""] + _fenced(result.error) + ["",
                  f"Score: **0 / {_pts(result.max_score)}**" if result.max_score else "Score: **0**", ""]
    else:
        scope = " (public tests only; the hidden tests count too when graded)" if result.scope == "public" else ""
        lines += [f"Score: **{_pts(result.score)} / {_pts(result.max_score)}**{scope}", ""]
    per_ex = result.per_exercise()
    if per_ex:
        lines += ["| exercise | points |", "|---|---|"]
        lines += [f"| `{ex}` | {_pts(s)} / {_pts(m)} |" for ex, (s, m) in per_ex.items()]
        lines.append("")
    if result.notes or result.output.strip():
        lines += ["## Loading your notebook", ""]
        if result.notes:  # they quote the student's cells: in a fence, never as Markdown
            lines += _fenced("\n\n".join(result.notes))
        if result.output.strip():
            lines += ["", "Output while your cells ran:", ""] + _fenced(result.output[:4000])
        lines.append("")
    for heading, wanted in (("Tests that failed", False), ("Tests that passed", True)):
        chosen = [t for t in result.tests if t.passed == wanted]
        if not chosen:
            continue
        lines += [f"## {heading}", ""]
        for t in chosen:
            mark = "PASS" if t.passed else "FAIL"
            tag = ", ".join(t.exercises)
            hidden = " (hidden test)" if t.visibility == "hidden" else ""
            lines.append(f"### {mark} `{t.name}`{hidden}: {_pts(t.score)} / {_pts(t.max_score)} ({tag})")
            text = t.student_text()
            if text and not (t.passed and t.visibility == "public"):
                lines += [""] + _fenced(text)
            lines.append("")
    text = "\n".join(lines).rstrip() + "\n"
    if result.late is not None:
        late = result.late
        text += (f"\n## Late submission\n\nSubmitted {late.days} day(s) after the due date ({late.due}): "
                 f"{late.penalty:g} points off ({late.per_day:.0%} per day). Final score: "
                 f"**{late.final:g} / {result.max_score:g}**.\n")
    return text


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
    console = console or Console()
    if result.status == "ungradable":
        console.print(Text.assemble((f"Could not grade {result.submission}:", "bold red"), " ", result.error))
        return
    table = Table(title=Text(title or f"{result.assignment_id}: {result.submission}"), box=box.SIMPLE_HEAD)
    table.add_column("#", justify="right", style="dim")
    table.add_column("test", overflow="fold")
    table.add_column("exercise", overflow="fold")
    table.add_column("points", justify="right")
    table.add_column("result", justify="center")
    for t in result.tests:
        status = Text("pass", "green") if t.passed else Text("FAIL", "red")
        name = Text.assemble(t.name, (" (hidden)", "dim") if t.visibility == "hidden" else "")
        table.add_row(t.number, name, ", ".join(t.exercises), f"{t.score:g}/{t.max_score:g}", status)
    console.print(table)
    failed = [t for t in result.tests if not t.passed]
    for t in failed[:12]:
        first = (t.student_text().strip().splitlines() or ["failed"])[0]
        console.print(Text.assemble((t.number, "red"), f" {t.name}: {first}"), highlight=False)
    if len(failed) > 12:
        console.print(f"... and {len(failed) - 12} more failures: see feedback.md")
    demo = sum("tagged demo" in n for n in result.notes)
    if demo:
        console.print(f"[dim]{demo} demo cell(s) skipped[/]")
    for note in result.notes:
        if "tagged demo" not in note:
            first = (note.splitlines() or [""])[0]
            console.print(Text.assemble(("note:", "yellow"), " ", first), highlight=False)
    scope = " (public tests only)" if result.scope == "public" else ""
    console.print(f"[bold]Score: {result.score:g} / {result.max_score:g}{scope}[/]")
