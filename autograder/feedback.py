"""Student-facing feedback: ``feedback.md`` and the terminal table.

Both draw every test's text from ``TestResult.student_text``, so a hidden test shows its
name, points and the author's message, never source, expected values or tracebacks.
"""

from __future__ import annotations

from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from autograder.results import GradeResult


def _pts(x: float) -> str:
    return f"{x:g}"


def render_markdown(result: GradeResult, title: str = "") -> str:
    title = title or result.assignment_id
    lines = [f"# Feedback: {title}", ""]
    if result.status == "ungradable":
        lines += ["**Your submission could not be graded.**", "", result.error, "",
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
        for note in result.notes:
            lines += _fenced(note) if "\n" in note else [f"- {note}"]
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
            for p in t.student_images():
                alt = p.alt.replace("[", "(").replace("]", ")").replace("\n", " ")
                lines += ["", f"![{alt}](data:image/png;base64,{p.png_base64})"]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _fenced(text: str) -> list[str]:
    fence = "````" if "```" in text else "```"
    return [fence, text.rstrip(), fence]


def write_markdown(result: GradeResult, path: Path, title: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(result, title), encoding="utf-8")


def print_table(result: GradeResult, console: Console | None = None, title: str = "") -> None:
    console = console or Console()
    if result.status == "ungradable":
        console.print(f"[bold red]Could not grade {result.submission}:[/] {result.error}")
        return
    table = Table(title=title or f"{result.assignment_id}: {result.submission}", box=box.SIMPLE_HEAD)
    table.add_column("#", justify="right", style="dim")
    table.add_column("test", overflow="fold")
    table.add_column("exercise", overflow="fold")
    table.add_column("points", justify="right")
    table.add_column("result", justify="center")
    for t in result.tests:
        status = "[green]pass[/]" if t.passed else "[red]FAIL[/]"
        name = t.name + (" [dim](hidden)[/]" if t.visibility == "hidden" else "")
        table.add_row(t.number, name, ", ".join(t.exercises), f"{t.score:g}/{t.max_score:g}", status)
    console.print(table)
    failed = [t for t in result.tests if not t.passed]
    for t in failed[:12]:
        first = (t.student_text().strip().splitlines() or ["failed"])[0]
        console.print(f"[red]{t.number}[/] {t.name}: {first}", highlight=False, markup=False)
    if len(failed) > 12:
        console.print(f"... and {len(failed) - 12} more failures: see feedback.md")
    demo = sum("tagged demo" in n for n in result.notes)
    if demo:
        console.print(f"[dim]{demo} demo cell(s) skipped[/]")
    for note in result.notes:
        if "tagged demo" not in note:
            console.print(f"[yellow]note:[/] {note.splitlines()[0]}", highlight=False)
    scope = " (public tests only)" if result.scope == "public" else ""
    console.print(f"[bold]Score: {result.score:g} / {result.max_score:g}{scope}[/]")
