# attack: exceptions that fight the grader's error reporting: a 50 MB message, a __str__ that raises, a 5,000-frame traceback, an exception cycle
# expect: fails sliding_windows
_calls = [0]


class Nasty(Exception):
    def __str__(self):
        raise RuntimeError("no message for you")

    def __repr__(self):
        raise RuntimeError("no repr either")


def _deep(n):
    if n == 0:
        raise ValueError("deep")
    return _deep(n - 1)


def sliding_windows(x, size, step=1):
    _calls[0] += 1
    kind = _calls[0] % 4
    if kind == 0:
        raise ValueError("x" * 50_000_000)
    if kind == 1:
        raise Nasty()
    if kind == 2:
        import sys
        sys.setrecursionlimit(20_000)
        _deep(5_000)
    a, b = ValueError("a"), ValueError("b")
    a.__context__, b.__context__ = b, a
    raise a
