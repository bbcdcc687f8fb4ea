"""The known mistakes a ``check()``'s failures match, asked of the course's service.

Runs in the student's kernel. A release holds no fingerprints (they stay with the hidden
tests), so where a service is set (the server and token ``submit()`` uses) check() sends
it what the student's code returned in the public tests it failed
(``POST /api/v1/assignments/{id}/diagnose``) and names the mistakes it answers. Without a
service, or when it is slow or refuses, check() is what it always was: the look-up has a
short timeout and costs at most one quiet note.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from autograder import diagnosis, i18n
from autograder.notebook.locate import service_settings
from autograder.results import Diagnosis, TestResult

TIMEOUT_S = 4.0  # a check takes seconds; a look-up must not double it


@dataclass(frozen=True)
class Lookup:
    """What the service said: each diagnosed test's ``Diagnosis``, or ``note``, one quiet line
    on why nothing could be looked up (empty when there was nothing to ask or no service)."""

    found: dict[str, Diagnosis]
    note: str = ""


def wanted() -> bool:
    """Whether a look-up can happen (a service is set): only then does check() keep observations."""
    settings = service_settings()
    return bool(settings.server and settings.token)


def payload(failed: list[TestResult]) -> bytes:
    """The request's body: the failed tests with observations, in order, as many as fit in
    ``diagnosis.LOOKUP_TESTS`` tests and ``LOOKUP_BYTES`` bytes (a test too large is left out)."""
    parts: list[bytes] = []
    size = len(b'{"tests": []}')
    for t in failed:
        if len(parts) >= diagnosis.LOOKUP_TESTS:
            break
        if not t.observations:
            continue
        part = json.dumps({"test": t.name, "observations": t.observations}, allow_nan=True).encode()
        if size + len(part) + 2 > diagnosis.LOOKUP_BYTES:
            continue
        parts.append(part)
        size += len(part) + 2
    return b'{"tests": [' + b", ".join(parts) + b"]}"


def lookup(assignment: str, failed: list[TestResult], lang: str) -> Lookup:
    """Ask the service which known mistakes ``failed`` match, in ``lang``."""
    settings = service_settings()
    body = payload(failed)
    if not settings.server or not settings.token or body == b'{"tests": []}':
        return Lookup({})
    _ = i18n.translations(lang).gettext
    req = urllib.request.Request(
        f"{settings.server.rstrip('/')}/api/v1/assignments/{assignment}/diagnose", data=body, method="POST",
        headers={"Authorization": f"Bearer {settings.token}", "Content-Type": "application/json",
                 "Accept-Language": lang})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as r:  # noqa: S310 - the course's own server
            answer = json.loads(r.read(diagnosis.LOOKUP_BYTES))
    except urllib.error.HTTPError as e:
        return Lookup({}, _("Known mistakes were not looked up: the service answered {status}.").format(
            status=e.code))
    except urllib.error.URLError as e:
        return _unanswered(settings.server, str(e.reason), lang)
    except (OSError, ValueError) as e:  # a timeout while reading, or an answer that is not JSON
        return _unanswered(settings.server, type(e).__name__, lang)
    return Lookup(_read(answer, {t.name for t in failed}, lang))


def _unanswered(server: str, error: str, lang: str) -> Lookup:
    _ = i18n.translations(lang).gettext
    return Lookup({}, _("Known mistakes were not looked up: {server} did not answer ({error}).").format(
        server=server, error=error))


def _read(answer, asked: set[str], lang: str) -> dict[str, Diagnosis]:
    """The diagnoses of an answer, for tests that were asked about; anything malformed is dropped."""
    items = answer.get("diagnoses") if isinstance(answer, dict) else None
    out: dict[str, Diagnosis] = {}
    for d in items if isinstance(items, list) else []:
        if not isinstance(d, dict) or not all(isinstance(d.get(k), str) for k in ("test", "mistake", "said")):
            continue
        if d["test"] in asked and d["said"].strip():
            text = d.get("misconception")
            out[d["test"]] = Diagnosis(mistake=d["mistake"], exercise=str(d.get("exercise", "")),
                                       texts={lang: text} if isinstance(text, str) and text else {},
                                       said=d["said"].strip())
    return out
