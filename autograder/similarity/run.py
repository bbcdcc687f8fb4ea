"""One similarity run, read top to bottom: read the class, drop starter and common code,
score the pairs, group the clusters. The report and the CSV are written from its result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from copydetect import CodeFingerprint

from autograder.config import AssignmentConfig, assignment_paths
from autograder.similarity import common, fingerprints
from autograder.similarity.clusters import THRESHOLD, Cluster, clusters
from autograder.similarity.pairs import Pair, score_pairs
from autograder.similarity.sources import OTHER, StudentCode, read_class
from autograder.similarity.starter import starter_code


@dataclass(frozen=True)
class SimilarityOptions:
    assignment: str
    course: Path
    submissions: list[Path]  # folders of this class (as `batch` takes them)
    archives: list[Path] = field(default_factory=list)  # folders of earlier terms
    common_fraction: float = common.FRACTION
    common_minimum: int = common.MINIMUM
    cluster_threshold: float = THRESHOLD


@dataclass
class SimilarityResult:
    assignment: str
    title: str
    exercises: tuple[str, ...]  # the assignment's, in order, then OTHER when some code belongs to none
    students: list[StudentCode]
    unreadable: dict[str, str]  # student -> why their submission could not be read
    pairs: list[Pair]  # best first
    clusters: list[Cluster]
    common_limit: int  # submissions sharing a fingerprint that make it common
    cluster_threshold: float
    seconds: float


def run_similarity(opts: SimilarityOptions, progress: Callable[[str], None] = lambda step: None) -> SimilarityResult:
    start = time.perf_counter()
    cfg = AssignmentConfig.load(assignment_paths(opts.assignment, opts.course).config)
    starter = starter_code(assignment_paths(opts.assignment, opts.course, release=True).notebook)
    progress("read")
    code = read_class(opts.submissions, opts.archives, opts.assignment, cfg.exercises)
    progress("fingerprint")
    per_student = _fingerprints(code.students, fingerprints.hashes(starter))
    shared = common.common_hashes(per_student, opts.common_fraction, opts.common_minimum)
    for pieces in per_student:
        for exercise, fp in pieces.items():
            fingerprints.drop(fp, shared.get(exercise, set()))
    progress("compare")
    pairs = score_pairs(per_student, [bool(s.archive) for s in code.students])
    groups = clusters(pairs, opts.cluster_threshold)
    used = {ex for s in code.students for ex in s.pieces}
    exercises = tuple(cfg.exercises) + ((OTHER,) if OTHER in used else ())
    return SimilarityResult(opts.assignment, cfg.title, exercises, code.students, code.unreadable, pairs, groups,
                            common.threshold(len(code.students), opts.common_fraction, opts.common_minimum),
                            opts.cluster_threshold, time.perf_counter() - start)


def _fingerprints(students: list[StudentCode], starter: set) -> list[dict[str, CodeFingerprint]]:
    out = []
    for s in students:
        pieces = {}
        for exercise, text in s.pieces.items():
            fp = fingerprints.fingerprint(text)
            fingerprints.drop(fp, starter)
            pieces[exercise] = fp
        out.append(pieces)
    return out
