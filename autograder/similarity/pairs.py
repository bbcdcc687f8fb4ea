"""Scores of each pair of submissions: per exercise and for the whole submission.

For an exercise, copydetect's ``compare_files`` gives the tokens of each side that the
other side also has (starter and common code already dropped); a side's similarity is
that over the tokens of its own that count. A pair's score is the mean of the two sides:
a copy padded with dead code still scores high on the side it was copied from, and a
short piece contained in a long one does not score 1. The whole submission's score is
the same over all its exercises together, so a long exercise weighs more than a short one.

Only pairs that share a fingerprint are compared (an inverted index per exercise); two
earlier terms' submissions are never paired with each other.
"""

from __future__ import annotations

import collections
import itertools
from dataclasses import dataclass

import numpy as np
from copydetect import CodeFingerprint, compare_files


@dataclass(frozen=True)
class ExerciseMatch:
    """One exercise of a pair: the score and where the shared code lies in each side's text."""

    score: float  # 0..1, the mean of the two sides
    score_a: float
    score_b: float
    slices_a: np.ndarray  # 2 x N character offsets (starts, ends) into side a's code
    slices_b: np.ndarray


@dataclass(frozen=True)
class Pair:
    a: int  # indexes into the students compared
    b: int
    score: float  # the whole submission, 0..1
    exercises: dict[str, ExerciseMatch]


def candidates(per_student: list[dict[str, CodeFingerprint]], archived: list[bool]) -> dict[str, set[tuple[int, int]]]:
    """Exercise -> the pairs (a < b) that share at least one of its fingerprints."""
    index: dict[str, dict[int, list[int]]] = collections.defaultdict(lambda: collections.defaultdict(list))
    for i, pieces in enumerate(per_student):
        for exercise, fp in pieces.items():
            for h in fp.hashes:
                index[exercise][h].append(i)
    out: dict[str, set[tuple[int, int]]] = {}
    for exercise, holders in index.items():
        pairs: set[tuple[int, int]] = set()
        for students in holders.values():
            pairs.update(p for p in itertools.combinations(students, 2) if not (archived[p[0]] and archived[p[1]]))
        out[exercise] = pairs
    return out


def score_pairs(per_student: list[dict[str, CodeFingerprint]], archived: list[bool]) -> list[Pair]:
    """Every pair that shares code, best first."""
    matches: dict[tuple[int, int], dict[str, ExerciseMatch]] = collections.defaultdict(dict)
    for exercise, pairs in candidates(per_student, archived).items():
        for a, b in pairs:
            fa, fb = per_student[a][exercise], per_student[b][exercise]
            overlap, (sa, sb), (slices_a, slices_b) = compare_files(fa, fb)
            if overlap:
                matches[(a, b)][exercise] = ExerciseMatch(
                    max(float(sa), float(sb)), float(sa), float(sb), slices_a, slices_b)
    coverage = [sum(float(fp.token_coverage) for fp in pieces.values()) for pieces in per_student]
    out = []
    for (a, b), by_exercise in matches.items():
        shared_a = sum(m.score_a * float(per_student[a][ex].token_coverage) for ex, m in by_exercise.items())
        shared_b = sum(m.score_b * float(per_student[b][ex].token_coverage) for ex, m in by_exercise.items())
        whole = max(_ratio(shared_a, coverage[a]), _ratio(shared_b, coverage[b]))
        out.append(Pair(a, b, whole, by_exercise))
    out.sort(key=lambda p: (-p.score, p.a, p.b))
    return out


def _ratio(part: float, total: float) -> float:
    return min(1.0, part / total) if total > 0 else 0.0
