"""Known mistakes for a student's ``check()``: ``POST /api/v1/assignments/{id}/diagnose``.

A student's release holds no fingerprints (they are stored with the hidden tests), so
``check()`` sends the service what the student's code returned in the public tests it
failed (``diagnosis.observe``'s summaries) and reads back the known mistakes they match.
Only the public tests' fingerprints are matched, and only mistakes that may be named on a
public test: matching a hidden test's would let a student probe its values. The request is
bounded (``diagnosis.LOOKUP_TESTS`` tests, ``LOOKUP_BYTES`` bytes) and throttled per user.
"""

from __future__ import annotations

import json
import math
import threading
from collections import deque
from dataclasses import dataclass

from autograder import diagnosis, i18n
from autograder.config import AssignmentPaths
from autograder.release import public_test_names

PER_WINDOW = 30  # look-ups per user and window: a check() makes one
WINDOW_S = 60.0


class Malformed(ValueError):
    """The request's body is not what check() sends; the message says what it must be."""


@dataclass(frozen=True)
class Failed:
    """One failed public test as check() sends it."""

    test: str
    observations: list


def parse(body: bytes) -> list[Failed]:
    """``{"tests": [{"test": NAME, "observations": [...]}, ...]}``, at most LOOKUP_TESTS of them."""
    try:
        raw = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raw = None
    tests = raw.get("tests") if isinstance(raw, dict) else None
    if not isinstance(tests, list) or not all(
            isinstance(t, dict) and isinstance(t.get("test"), str) and isinstance(t.get("observations"), list)
            for t in tests):
        raise Malformed('the body must be JSON {"tests": [{"test": "<public test name>", "observations": [...]}]}, '
                        "as check() sends it")
    if len(tests) > diagnosis.LOOKUP_TESTS:
        raise Malformed(f"at most {diagnosis.LOOKUP_TESTS} tests per request: send the failed tests only")
    return [Failed(t["test"], t["observations"]) for t in tests]


def public_tests(paths: AssignmentPaths) -> set[str]:
    """The names of the public tests' functions that no hidden test shares."""
    public = public_test_names(paths.public_tests)
    hidden = public_test_names(paths.hidden_tests) if paths.hidden_tests is not None else set()
    return public - hidden


def diagnose(paths: AssignmentPaths, failed: list[Failed], lang: str) -> list[dict]:
    """The known mistake each failed public test's observations match, said in ``lang``
    (tests with none, several, or a hidden test's name get nothing)."""
    store = diagnosis.for_assignment(paths)
    if store is None:
        return []
    public = public_tests(paths)
    out = []
    with i18n.using(lang):
        for f in failed:
            if f.test.split("[", 1)[0] not in public:
                continue
            try:
                found = store.diagnose(f.test, f.observations, hidden=False)
            except (KeyError, TypeError, ValueError, AttributeError, RecursionError):
                found = None  # a summary check() would never send: no match, never a fault
            if found is not None:
                text = found.texts.get(lang) or found.texts.get("en") or ""
                out.append({"test": f.test, "mistake": found.mistake, "exercise": found.exercise,
                            "misconception": text, "said": found.said})
    return out


class Throttle:
    """At most ``limit`` look-ups per user in any ``window`` seconds (the clock is passed in)."""

    def __init__(self, limit: int = PER_WINDOW, window: float = WINDOW_S):
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()  # the adapters call the core from the thread pool

    def wait(self, user: str, now: float) -> int | None:
        """Seconds until ``user`` may look up again (None: now, and this one is counted)."""
        with self._lock:
            seen = self._seen.setdefault(user, deque())
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.limit:
                return max(1, math.ceil(seen[0] + self.window - now))
            seen.append(now)
            return None
