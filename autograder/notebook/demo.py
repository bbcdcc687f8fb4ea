"""``with demo("softmax"):``: a released notebook's demo cell that calls an unfinished exercise.

Runs in the student's kernel. ``autograder release`` wraps each demo cell that uses an
exercise in this block, so Run All on a fresh release goes on past a stub: the cell
prints the sentence ``check()`` and the feedback give for a stub (``feedback.not_started_text``)
instead of a traceback that stops the run. Any other error shows as usual: it is the
student's to see.
"""

from __future__ import annotations

from types import TracebackType

from autograder import i18n
from autograder.feedback import not_started_text


class demo:  # noqa: N801 - used as a statement in notebooks: `with demo("softmax"):`
    """Turns a ``NotImplementedError`` inside the block into one printed line."""

    def __init__(self, *exercises: str, lang: str | None = None):
        self.exercises = exercises
        self.lang = lang

    def __enter__(self) -> "demo":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> bool:
        if kind is None or not issubclass(kind, NotImplementedError):
            return False
        print(not_started_text(self.exercises, i18n.translations(i18n.choose(self.lang)).gettext))
        return True
