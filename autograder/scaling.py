"""Vectorisation judged by counting, for test authors (trusted side).

``assert_loop_free(student, NAME, make_args, sizes=(n1, n2), unit="rows")`` runs the
course probe ``work_counts`` (``autograder.untrusted.counting``, exposed by the course's
``probes.py``) on inputs built at two sizes of one batch-like dimension and fails when
the Python lines the student's code ran, or the torch operations it dispatched, grow with
that size. Counts do not depend on the machine's load, so neither does the verdict; a
wall-clock limit stays only as a safety net, in the test, on a moderate input.

A loop over chunks of at least ``CHUNK`` rows passes (it does per chunk what vectorised
code does once); a data-dependent branch may add a few lines (``SLACK``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from autograder.i18n import t as _

DECIDES_GRADES = True  # its verdict is a test's verdict (cache_key.py)

PROBE = "work_counts"
CHUNK = 64
SLACK = 8


@dataclass(frozen=True)
class Counts:
    size: int
    lines: int
    torch_ops: int


def allowed_growth(n1: int, n2: int) -> int:
    return max(SLACK, (n2 - n1) // CHUNK)


def measure(student, name: str, args: tuple, size: int, *, kwargs: dict | None = None,
            timeout: float = 20.0) -> Counts:
    rep = student.probe(PROBE, name, *args, timeout=timeout, **(kwargs or {}))
    return Counts(size, int(rep["lines"]), int(rep["torch_ops"]))


def assert_loop_free(student, name: str, make_args: Callable[[int], tuple], *, sizes: tuple[int, int],
                     unit: str, kwargs: dict | None = None, hint: str | None = None,
                     timeout: float = 20.0) -> tuple[Counts, Counts]:
    """Fail with what was counted when ``name``'s work grows with the ``unit`` dimension.

    ``make_args(n)`` builds the arguments with ``n`` of ``unit`` (rows, labels, windows...),
    every other dimension fixed. The message names the function, so a public test's
    failure teaches; ``hint`` is appended as ``Hint: ...``.
    """
    n1, n2 = sizes
    small = measure(student, name, make_args(n1), n1, kwargs=kwargs, timeout=timeout)
    large = measure(student, name, make_args(n2), n2, kwargs=kwargs, timeout=timeout)
    problems = describe_growth(small, large, unit)
    if problems:
        text = _("{name}: your code ran {counts}: a Python loop over {unit}. Vectorised code runs the same "
                 "operations whatever the number of {unit}: replace the loop with tensor operations on the whole "
                 "input (broadcasting, reductions with dim=, indexing with index tensors).").format(
            name=name, counts=_(", and ").join(problems), unit=unit)
        if hint:
            text += "\n" + _("Hint:") + f" {hint}"
        raise AssertionError(text)
    return small, large


def describe_growth(small: Counts, large: Counts, unit: str) -> list[str]:
    """One phrase per count that grew by more than the allowed growth; empty if none did."""
    limit = allowed_growth(small.size, large.size)
    out = []
    for what, a, b in ((_("torch operations"), small.torch_ops, large.torch_ops),
                       (_("lines of Python"), small.lines, large.lines)):
        if b - a > limit:
            out.append(_("{a} {what} for {n1} {unit} and {b} for {n2}").format(
                a=f"{a:,}", what=what, n1=f"{small.size:,}", unit=unit, b=f"{b:,}", n2=f"{large.size:,}"))
    return out
