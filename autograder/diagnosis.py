"""Known mistakes recognised from their values: observations, fingerprints and diagnosis.

Trusted side. While a test runs, the harness keeps every value the student's code sends
back across the protocol (return values, arguments after the call, gradients, probe
reports, the exception it raised). When the test fails, those values are *observed*
(``observe``: a compact, JSON-able summary of each). ``autograder validate`` records what each
mutant's code sends back to each test it fails: its *fingerprint*, stored with the hidden
tests (``tests/hidden/fingerprints.json``, never in a student release) under a digest of the
suite, so a changed test or mutant is recorded again. A student's failed test whose values
match one known mistake's fingerprint, within the matching slack below, on every value the
test saw, gets that mistake's misconception (``Diagnosis``); none, or several different ones:
nothing is said. A wrong diagnosis misleads more than none, so every rule here leans that way.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.config import AssignmentPaths
from autograder.i18n import t as _
from autograder.results import Diagnosis

DECIDES_GRADES = True  # what students read in their results (the harness imports it)

FINGERPRINTS = "fingerprints.json"  # in the hidden tests' folder
FORMAT = 1
SAMPLES = 32  # elements kept of each tensor or array (evenly spaced), with its sum and absolute sum
MAX_OBSERVATIONS = 200  # per test: the first ones are kept, and how many there were
MAX_ITEMS = 64  # of a list or dict
TEXT_CHARS = 300
# A check()'s look-up at the service (POST /api/v1/assignments/{id}/diagnose): the failed
# public tests it sends at most, and the request body's size; both sides read these.
LOOKUP_TESTS = 64
LOOKUP_BYTES = 1 << 20

# How close two values must be to count as the same: ten times the comparison tolerances
# (compare.tolerances): two implementations of one mistake differ in rounding, not more.
_SLACK = {"float64": (1e-6, 1e-9), "float32": (1e-3, 1e-4), "float16": (1e-1, 1e-2), "bfloat16": (2e-1, 1e-1)}


# ----------------------------------------------------------------------------- observing

def observe(raw: list[tuple[str, Any]]) -> list[dict]:
    """The summaries of what the student's code sent back during one test, in order:
    ``raw`` holds ("value", (value, args after, kwargs after, gradients)) or ("raised", (type
    name, message)) or ("stopped", kind) as the harness saw them."""
    out = [_observation(kind, payload) for kind, payload in raw[:MAX_OBSERVATIONS]]
    if len(raw) > MAX_OBSERVATIONS:
        out.append({"t": "more", "n": len(raw)})
    return out


def _observation(kind: str, payload: Any) -> dict:
    if kind == "raised":
        name, message = payload
        return {"t": "raised", "type": str(name), "msg": _text(str(message))}
    if kind == "stopped":
        return {"t": "stopped", "why": str(payload)}
    return {"t": "value", "v": [summary(p) for p in payload]}


_FRAME = re.compile(r'^\s*File "', re.M)  # a traceback's frame line, with or without its header


def _text(s: str) -> str:
    """A string as a fingerprint keeps it. A traceback (a probe's report of an error) names the
    student's files and line numbers, which differ from one student, and one machine, to the
    next: only its last line, the error itself, is kept."""
    if "Traceback (most recent call last)" in s or _FRAME.search(s):
        lines = [line.strip() for line in s.splitlines() if line.strip()]
        s = lines[-1] if lines else ""
    return s[:TEXT_CHARS]


def _num(v: float) -> float:
    # Nine significant digits: finer than the matching slack of any dtype, and half the file.
    return float(f"{v:.9g}")


def summary(x: Any, depth: int = 0) -> dict:
    """A value as a fingerprint keeps it: type, dtype, shape, samples and sums of a tensor or
    array; numbers, strings and containers (bounded) as they are."""
    import numpy as np
    import torch

    if x is None:
        return {"t": "none"}
    if isinstance(x, bool) or isinstance(x, np.bool_):
        return {"t": "bool", "v": bool(x)}
    if isinstance(x, (int, np.integer)):
        return {"t": "int", "v": int(x)}
    if isinstance(x, (float, np.floating)):
        return {"t": "float", "v": _num(float(x))}
    if isinstance(x, complex):
        return {"t": "float", "v": float(abs(x))}
    if isinstance(x, str):
        return {"t": "str", "v": _text(x)}
    if isinstance(x, (torch.Tensor, np.ndarray)):
        kind = "tensor" if isinstance(x, torch.Tensor) else "array"
        t = x.detach().cpu() if isinstance(x, torch.Tensor) else torch.from_numpy(np.ascontiguousarray(x))
        dtype = str(t.dtype).removeprefix("torch.")
        flat = t.reshape(-1)
        out: dict = {"t": kind, "dtype": dtype, "shape": list(t.shape)}
        if flat.is_complex():
            flat = flat.abs()
        if flat.numel():
            idx = torch.linspace(0, flat.numel() - 1, min(SAMPLES, flat.numel())).round().long()
            f64 = flat.to(torch.float64)
            out["sample"] = [_num(float(v)) for v in f64[idx]]
            finite = f64[torch.isfinite(f64)]
            out["sum"], out["abs"] = _num(float(finite.sum())), _num(float(finite.abs().sum()))
        return out
    if depth >= 4:
        return {"t": "deep"}
    if isinstance(x, (list, tuple)):
        return {"t": "list", "n": len(x), "items": [summary(v, depth + 1) for v in x[:MAX_ITEMS]]}
    if isinstance(x, dict):
        keys = sorted(x, key=str)[:MAX_ITEMS]
        return {"t": "dict", "n": len(x), "items": {str(k): summary(x[k], depth + 1) for k in keys}}
    return {"t": "other", "type": type(x).__name__}


# ----------------------------------------------------------------------------- matching

def same(a: list[dict], b: list[dict]) -> bool:
    """Two tests' observations are the same mistake's: as many, and each pair the same."""
    return bool(a) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))


def _same(a: Any, b: Any) -> bool:
    if not isinstance(a, dict) or not isinstance(b, dict) or a.get("t") != b.get("t"):
        return False
    t = a["t"]
    if t == "value":
        return len(a["v"]) == len(b["v"]) and all(_same(x, y) for x, y in zip(a["v"], b["v"]))
    if t in ("tensor", "array"):
        if a["dtype"] != b["dtype"] or a["shape"] != b["shape"]:
            return False
        rtol, atol = _SLACK.get(a["dtype"], (0.0, 0.0))
        sa, sb = a.get("sample", []), b.get("sample", [])
        if len(sa) != len(sb) or not all(_close(x, y, rtol, atol) for x, y in zip(sa, sb)):
            return False
        if "sum" in a:
            n = math.prod(a["shape"]) or 1
            scale = max(abs(a["abs"]), abs(b["abs"]))
            return (abs(a["sum"] - b["sum"]) <= atol * n + rtol * scale
                    and abs(a["abs"] - b["abs"]) <= atol * n + rtol * scale)
        return True
    if t == "float":
        return _close(a["v"], b["v"], *_SLACK["float32"])
    if t == "list":
        return a["n"] == b["n"] and len(a["items"]) == len(b["items"]) and all(
            _same(x, y) for x, y in zip(a["items"], b["items"]))
    if t == "dict":
        return a["n"] == b["n"] and a["items"].keys() == b["items"].keys() and all(
            _same(a["items"][k], b["items"][k]) for k in a["items"])
    return a == b  # none, bool, int, str, raised, stopped, more, deep, other: exactly


def _close(x: float, y: float, rtol: float, atol: float) -> bool:
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return abs(x - y) <= atol + rtol * abs(y)


# ----------------------------------------------------------------------------- the store

@dataclass(frozen=True)
class Mistake:
    """One mutant as a diagnosis names it."""

    name: str
    exercise: str
    texts: dict  # language -> misconception
    on_hidden: bool  # may be named on a hidden test
    same_as: str = ""  # the mutant this one declares the same values as (its group's name)


@dataclass
class Fingerprints:
    """``tests/hidden/fingerprints.json``: each mutant's observations on the tests it fails."""

    suite_digest: str = ""
    mutants_digest: str = ""
    mistakes: dict[str, Mistake] = field(default_factory=dict)
    tests: dict[str, dict[str, list[dict]]] = field(default_factory=dict)  # test -> mutant -> observations

    # ------------------------------------------------------------------ files
    @classmethod
    def load(cls, path: Path) -> "Fingerprints | None":
        """The store at ``path``; None when there is none or it cannot be read (then nothing
        is diagnosed: a broken store must never cost a grading)."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            return None
        mistakes = {n: Mistake(name=n, exercise=str(m.get("exercise", "")), texts=dict(m.get("texts", {})),
                               on_hidden=bool(m.get("on_hidden", False)), same_as=str(m.get("same_as") or ""))
                    for n, m in raw.get("mistakes", {}).items() if isinstance(m, dict)}
        tests = {t: {m: list(obs) for m, obs in by.items() if isinstance(obs, list)}
                 for t, by in raw.get("tests", {}).items() if isinstance(by, dict)}
        return cls(str(raw.get("suite_digest", "")), str(raw.get("mutants_digest", "")), mistakes, tests)

    def to_json(self) -> str:
        """One line per mistake and per (test, mutant): a diff shows which fingerprints changed."""
        def compact(value) -> str:
            return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

        mistakes = ",\n".join(f"  {compact(n)}: " + compact({"exercise": m.exercise, "texts": m.texts,
                                                             "on_hidden": m.on_hidden,
                                                             **({"same_as": m.same_as} if m.same_as else {})})
                               for n, m in sorted(self.mistakes.items()))
        tests = ",\n".join(f"  {compact(t)}: {{\n" + ",\n".join(f"   {compact(m)}: {compact(obs)}"
                                                               for m, obs in sorted(by.items())) + "}"
                            for t, by in sorted(self.tests.items()))
        return (f'{{"format": {FORMAT}, "suite_digest": {compact(self.suite_digest)}, '
                f'"mutants_digest": {compact(self.mutants_digest)},\n'
                f' "mistakes": {{\n{mistakes}}},\n "tests": {{\n{tests}}}}}\n')

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(self.to_json(), encoding="utf-8")
        tmp.replace(path)

    # ------------------------------------------------------------------ diagnosis
    def group(self, mutant: str) -> str:
        """The name a mutant is diagnosed under: itself, or the mutant it declares the same
        values as (followed to its end)."""
        seen = {mutant}
        while (m := self.mistakes.get(mutant)) is not None and m.same_as and m.same_as not in seen:
            mutant = m.same_as
            seen.add(mutant)
        return mutant

    def matches(self, test: str, observed: list[dict]) -> set[str]:
        """The groups whose fingerprint on ``test`` the observations match."""
        return {self.group(m) for m, obs in self.tests.get(test, {}).items() if same(observed, obs)}

    def diagnose(self, test: str, observed: list[dict], hidden: bool) -> Diagnosis | None:
        """The one known mistake ``observed`` matches on ``test``, said in the current
        language; None when none or several match, or when it may not be named on a hidden test."""
        found = self.matches(test, observed)
        if len(found) != 1:
            return None
        mistake = self.mistakes.get(found.pop())
        if mistake is None or not mistake.texts or (hidden and not mistake.on_hidden):
            return None
        from autograder import i18n

        lang = i18n.current()
        text = mistake.texts.get(lang) or mistake.texts.get("en") or next(iter(mistake.texts.values()))
        return Diagnosis(mistake=mistake.name, exercise=mistake.exercise, texts=dict(mistake.texts),
                         said=_("This looks like a known mistake: {misconception}").format(misconception=text))


# ----------------------------------------------------------------------------- digests

def suite_digest(paths: AssignmentPaths) -> str:
    """What the fingerprints were recorded against: probes.py and every test file (the store
    itself aside), which decide the inputs a student's code sees and what is asked of it.
    Not assignment.toml (points, due dates, the service's settings change no value) nor the
    engine: ``validate`` compares what it records with the store, so a change that changes
    values shows there."""
    digest = hashlib.sha256(b"torch-autograder fingerprints v2\0")
    files = [("probes.py", paths.probes)] if paths.probes else []
    for root in paths.test_dirs:
        files += [(f"tests/{f.relative_to(root.parent).as_posix()}", f) for f in sorted(root.rglob("*.py"))
                  if "__pycache__" not in f.parts]
    for label, f in files:
        for part in (label.encode(), f.read_bytes()):
            digest.update(struct.pack(">Q", len(part)))
            digest.update(part)
    return digest.hexdigest()


_LOADED: dict[Path, tuple[float, str, Fingerprints | None]] = {}


def for_assignment(paths: AssignmentPaths) -> Fingerprints | None:
    """The assignment's store when it was recorded against this suite; None otherwise (a
    student release has none; a stale one would match values the tests no longer produce).
    Read once per grading process while the file and the suite stay as they are."""
    if paths.hidden_tests is None:
        return None
    path = paths.hidden_tests / FINGERPRINTS
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    digest = suite_digest(paths)
    cached = _LOADED.get(path)
    if cached is not None and cached[0] == mtime and cached[1] == digest:
        return cached[2]
    store = Fingerprints.load(path)
    if store is not None and store.suite_digest != digest:
        store = None
    _LOADED[path] = (mtime, digest, store)
    return store
