# attack: exceptions and printed output with invalid UTF-8 and lone surrogates (a writer that chokes on them stops the whole class's export)
# expect: fails sliding_windows
# says: raised ValueError
import os
import sys

_BAD = b"\xff\xfe not utf-8 \xed\xa0\x80 \xc3\x28".decode("utf-8", "surrogateescape") + " \udcff\ud800 lone surrogates"


def sliding_windows(x, size, step=1):
    os.write(1, b"\xff\xfe raw bytes that are not utf-8 \xed\xa0\x80\n")
    sys.stderr.buffer.write(_BAD.encode("utf-8", "surrogatepass") + b"\n")
    sys.stderr.flush()
    raise ValueError(_BAD)


_std = standardize  # noqa: F821 - the solution's, defined above this patch


def standardize(x, dim=-1, eps=1e-5):
    # Right values, hostile output: it must reach feedback.md as text, not stop the writer.
    os.write(1, b"standardize says \xff\xfe\n")
    return _std(x, dim, eps)
