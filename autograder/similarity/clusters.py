"""Clusters: students joined by pairs at or above a score, transitively (single linkage).

Three students who copied from one another show as one cluster of three, not three pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.similarity.pairs import Pair

THRESHOLD = 0.5  # the whole-submission score that joins two students


@dataclass(frozen=True)
class Cluster:
    members: tuple[int, ...]  # indexes of students, sorted
    best: float  # the highest pair score inside
    pairs: int  # pairs at or above the threshold inside


def clusters(pairs: list[Pair], threshold: float = THRESHOLD) -> list[Cluster]:
    """Clusters of two or more students, the largest (then the closest) first."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        parent.setdefault(i, i)
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    strong = [p for p in pairs if p.score >= threshold]
    for p in strong:
        parent[root(p.a)] = root(p.b)
    groups: dict[int, list[int]] = {}
    for i in list(parent):
        groups.setdefault(root(i), []).append(i)
    out = []
    for members in groups.values():
        inside = [p for p in strong if root(p.a) == root(members[0])]
        out.append(Cluster(tuple(sorted(members)), max(p.score for p in inside), len(inside)))
    out.sort(key=lambda c: (-len(c.members), -c.best, c.members))
    return out
