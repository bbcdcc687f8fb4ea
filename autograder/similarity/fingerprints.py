"""copydetect's fingerprints of one piece of code, and dropping the ones that do not count.

copydetect tokenises Python with pygments, replaces names by V/F/O and strings by S, drops
comments and whitespace, and keeps winnowed hashes of k-character windows of what is left
(the MOSS algorithm): renamed identifiers, comments and reformatting change nothing.

Starter and common code are dropped here rather than through ``CodeFingerprint``'s own
``boilerplate`` argument: that one calls ``np.intersect1d(..., assume_unique=True)`` on hashes
that repeat when a fingerprint repeats in one file, and so also drops a student's own
repeated code. Dropping from ``hashes``/``hash_idx`` and recomputing ``token_coverage`` keeps
the object as copydetect's ``compare_files`` expects it.
"""

from __future__ import annotations

import ast
import io

from copydetect import CodeFingerprint
from copydetect.utils import get_token_coverage

# Matches shorter than NOISE characters of filtered code (about 6-10 Python tokens) are
# never seen; a match of GUARANTEE characters always is. copydetect's defaults (25, 25) see
# nothing in a one-line exercise (`return torch.einsum(...)`); 15 keeps the course's
# independent alternatives below every disguised copy (tests/test_similarity.py).
NOISE = 15
GUARANTEE = 15


def canonical(code: str) -> str:
    """``code`` laid out by :func:`ast.unparse`: one layout, no comments, no redundant
    parentheses, so that reformatting changes no fingerprint. Code that does not parse is
    compared as written."""
    try:
        return ast.unparse(ast.parse(code))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return code


def fingerprint(code: str) -> CodeFingerprint:
    """The fingerprints of ``code`` (Python source, read as text: never run)."""
    return CodeFingerprint("code.py", NOISE, GUARANTEE - NOISE + 1, language="python", fp=io.StringIO(code))


def hashes(code: str) -> set:
    return set(fingerprint(code).hashes)


def drop(fp: CodeFingerprint, unwanted: set) -> None:
    """Forget the fingerprints in ``unwanted`` (starter or common code) in place."""
    gone = fp.hashes & unwanted
    if not gone:
        return
    fp.hashes = fp.hashes - gone
    for h in gone:
        del fp.hash_idx[h]
    fp.token_coverage = get_token_coverage(fp.hash_idx, fp.k, len(fp.filtered_code))
