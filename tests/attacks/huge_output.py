# attack: 100 MB on stdout and 20 MB on stderr in one call, and a line without a newline that never ends
# expect: full
import os
import sys

_real = standardize  # noqa: F821 - the solution's, defined above this patch
_said = []


def standardize(x, dim=-1, eps=1e-5):
    if not _said:
        _said.append(sys.stdout.write("spam" * 25_000_000))
        os.write(2, b"eggs" * 5_000_000)
    return _real(x, dim, eps)
