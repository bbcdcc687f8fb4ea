"""What kind of upload is this: work for this assignment, or a file that cannot be it.

The service asks before it stores an upload (core.Service.submit), so that an empty file,
a file with no code, or another assignment's notebook is refused with a reason instead of
being graded 0 and counted. Runs in the serving process, which never runs student code:
the cells are read by the grader's own loader (``submission.load_bytes``, so both agree on
what the code is) and only parsed with ``ast``, never compiled or executed.

Everything else the loader rejects (a damaged notebook, a zip bomb, ...) is not decided
here: it is accepted and ends ``ungradable`` with the loader's reason, as before.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Literal, Sequence

from autograder.submission import NoCodeError, SubmissionError, load_bytes

__all__ = ["Expected", "Refusal", "check_upload", "defined_names"]


@dataclass(frozen=True)
class Expected:
    """An assignment as an upload is judged against: its id and the names its exercises define."""

    assignment: str
    names: frozenset[str]


@dataclass(frozen=True)
class Refusal:
    """Why an upload cannot be ``expected``'s work. ``other`` and ``found``: the assignment it
    is (by its notebook's metadata, or by the names it defines) and those names."""

    reason: Literal["empty", "no_code", "other_assignment"]
    other: str | None = None
    found: tuple[str, ...] = ()


def defined_names(sources: Sequence[str]) -> set[str]:
    """The names the cells define at top level (functions, classes, assignments, imports
    as): what a check or a test could find in the student's namespace. A cell that does not
    parse defines nothing here (its syntax error is the grading's business)."""
    names: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):  # ValueError: a NUL byte in the source
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")
    return names


def check_upload(data: bytes, kind: str, expected: Expected, others: Sequence[Expected],
                 max_bytes: int) -> Refusal | None:
    """None when the upload may be ``expected``'s work (grade it), else why it cannot be.

    ``kind`` is the sniffed ``ipynb`` | ``py`` | ``zip``: the bytes are read as the grader
    will read them (as ``<assignment>.<kind>``). Another assignment's work is a notebook
    whose metadata names another assignment of the course, or code that defines none of
    ``expected``'s names and some of another's (an assignment without exercises listed is
    never judged by names)."""
    if not data.strip():
        return Refusal("empty")
    try:
        sub = load_bytes(data, f"{expected.assignment}.{kind}", expected.assignment, max_bytes=max_bytes)
    except NoCodeError:
        return Refusal("no_code")
    except SubmissionError:
        return None  # damaged or unreadable: graded as ungradable, with the loader's reason
    course = {o.assignment: o for o in others if o.assignment != expected.assignment}
    if sub.assignment in course:
        other = course[sub.assignment]
        return Refusal("other_assignment", other.assignment,
                       tuple(sorted(other.names & defined_names([c.source for c in sub.cells]))))
    if sub.assignment == expected.assignment or not expected.names:
        return None
    names = defined_names([c.source for c in sub.cells])
    if names & expected.names:
        return None
    # The assignment whose exercises it defines most of: that is what was uploaded.
    best = max(course.values(), key=lambda o: (len(o.names & names), o.assignment), default=None)
    if best is None or not best.names & names:
        return None
    return Refusal("other_assignment", best.assignment, tuple(sorted(best.names & names)))
