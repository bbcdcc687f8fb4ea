"""The code of each student, cut into the code of each exercise.

Submissions are found like ``autograder batch`` finds them (:func:`autograder.batch.discover`:
the same student names, the nbgrader layout included) and read with the grader's own loader
(:func:`autograder.submission.load_submission`), so the code compared is the code that was
graded: markdown, magics and cells tagged demo / skip-grading / check are already gone.

A top-level ``def``/``class`` whose name is an exercise of the assignment (assignment.toml's
``exercises``) belongs to that exercise; the rest of a cell (helpers, imports) goes with the
one exercise the cell defines, or to :data:`OTHER` when it defines none or several. Nothing
is executed: a cell is parsed with :mod:`ast` at most, and one that does not parse is OTHER.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from autograder.batch import discover
from autograder.similarity.fingerprints import canonical
from autograder.submission import CodeCell, SubmissionError, load_submission

OTHER = ""  # the key of code that belongs to no exercise


@dataclass(frozen=True)
class StudentCode:
    """One submission's code per exercise (OTHER included), in the order of the notebook."""

    student: str  # as `batch` names them; "<archive>/<student>" for an earlier term's
    archive: str  # "" for this class, else the archive folder's name
    pieces: dict[str, str]


@dataclass
class ClassCode:
    """What was read: the students' code, and who could not be read (name -> why)."""

    students: list[StudentCode] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)


def split_by_exercise(cells: list[CodeCell] | tuple[CodeCell, ...], exercises: tuple[str, ...]) -> dict[str, str]:
    """Exercise (or OTHER) -> that exercise's code, cells joined in order."""
    parts: dict[str, list[str]] = {}
    for cell in cells:
        for key, text in _split_cell(cell.source, exercises):
            parts.setdefault(key, []).append(text)
    return {key: canonical("\n".join(texts)) for key, texts in parts.items()}


def _split_cell(source: str, exercises: tuple[str, ...]) -> list[tuple[str, str]]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [(OTHER, source)]
    starts = [_first_line(node) for node in tree.body]
    if not starts:
        return []
    lines = source.split("\n")
    named = [_exercise_of(node, exercises) for node in tree.body]
    defined = {n for n in named if n is not None}
    rest = next(iter(defined)) if len(defined) == 1 else OTHER  # helpers go with the cell's one exercise
    out: list[tuple[str, str]] = []
    # Each statement runs to the next one's first line, so comments between them stay with it.
    bounds = [1] + starts[1:] + [len(lines) + 1]
    for k, name in enumerate(named):
        key = name if name is not None else rest
        text = "\n".join(lines[bounds[k] - 1 : bounds[k + 1] - 1])
        if out and out[-1][0] == key:
            out[-1] = (key, out[-1][1] + "\n" + text)
        else:
            out.append((key, text))
    return out


def _first_line(node: ast.stmt) -> int:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return min([node.lineno] + [d.lineno for d in node.decorator_list])
    return node.lineno


def _exercise_of(node: ast.stmt, exercises: tuple[str, ...]) -> str | None:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in exercises:
        return node.name
    return None


def read_class(roots: list[Path], archives: list[Path], assignment_id: str,
               exercises: tuple[str, ...]) -> ClassCode:
    """Every student of ``roots`` (this class) and of ``archives`` (earlier terms)."""
    out = ClassCode()
    seen: set[str] = set()
    for archive, folder in [("", r) for r in roots] + [(Path(a).name, a) for a in archives]:
        for found in discover(folder, assignment_id):
            name = f"{archive}/{found.student}" if archive else found.student
            if name in seen:
                continue  # one submission per student, as batch takes it: the first folder given wins
            seen.add(name)
            try:
                sub = load_submission(found.path, assignment_id)
            except SubmissionError as e:
                out.unreadable[name] = str(e)
                continue
            out.students.append(StudentCode(name, archive, split_by_exercise(sub.cells, exercises)))
    return out
