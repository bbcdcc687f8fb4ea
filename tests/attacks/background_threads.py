# attack: threads that outlive their call: one keeps rewriting tensors that earlier calls returned, one keeps printing
# expect: full
import sys
import threading
import time

import torch

_returned = []  # tensors of calls that have returned (and so were sent)
_last = []
_real_softmax = softmax  # noqa: F821 - the solution's, defined above this patch


def _tamper():
    while True:
        for t in list(_returned):
            t.fill_(0.25)  # too late: each was copied and sent when its call returned
        time.sleep(0.002)


def _chatter():
    n = 0
    while True:
        n += 1
        sys.stdout.write(f"background line {n}\n")
        time.sleep(0.01)


def softmax(x, dim=-1):
    out = _real_softmax(x, dim)
    _returned.extend(_last)  # the previous call has returned by now
    del _returned[:-4]
    _last[:] = [out]
    if threading.active_count() < 3:
        threading.Thread(target=_tamper, daemon=True).start()
        threading.Thread(target=_chatter, daemon=True).start()
    return out
