"""Code that a large part of the class shares: the one obvious answer to a short exercise.

A fingerprint of an exercise found in at least ``max(minimum, fraction * class size)``
submissions is common: it no longer counts for any pair. Counted per exercise, over
every submission read (earlier terms' too), so that five students writing
``return torch.exp(x) / torch.exp(x).sum(dim, keepdim=True)`` do not flag each other.
"""

from __future__ import annotations

import collections
import math

from copydetect import CodeFingerprint

FRACTION = 0.15  # of the submissions compared
MINIMUM = 5  # submissions: in a small class, a pair that copies is not "common"


def threshold(class_size: int, fraction: float = FRACTION, minimum: int = MINIMUM) -> int:
    return max(minimum, math.ceil(fraction * class_size))


def common_hashes(per_student: list[dict[str, CodeFingerprint]], fraction: float = FRACTION,
                  minimum: int = MINIMUM) -> dict[str, set]:
    """Exercise -> its fingerprints shared by at least ``threshold`` submissions."""
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for pieces in per_student:
        for exercise, fp in pieces.items():
            counts[exercise].update(fp.hashes)
    limit = threshold(len(per_student), fraction, minimum)
    return {exercise: {h for h, n in c.items() if n >= limit} for exercise, c in counts.items()}
