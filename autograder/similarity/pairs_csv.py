"""The pairs as CSV: a row per pair, best first, with the score of each exercise."""

from __future__ import annotations

import csv
from typing import TextIO

from autograder.csv_export import safe_cell
from autograder.similarity.run import SimilarityResult


def write_pairs_csv(result: SimilarityResult, stream: TextIO) -> None:
    """Open a file ``stream`` with ``newline=""`` (the csv module writes its own line ends)."""
    cluster_of = {i: k + 1 for k, c in enumerate(result.clusters) for i in c.members}
    w = csv.writer(stream)
    w.writerow(["rank", "student_a", "student_b", "score", *(ex or "other" for ex in result.exercises), "cluster"])
    for rank, p in enumerate(result.pairs, 1):
        a, b = result.students[p.a].student, result.students[p.b].student
        per = [f"{p.exercises[ex].score:.3f}" if ex in p.exercises else "" for ex in result.exercises]
        cluster = cluster_of.get(p.a) if p.score >= result.cluster_threshold else None
        w.writerow([rank, safe_cell(a), safe_cell(b), f"{p.score:.3f}", *per, cluster or ""])


