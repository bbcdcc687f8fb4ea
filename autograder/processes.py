"""Processes and the trees below them, from ``/proc``: who is below a pid, whether one is
still alive, ending a whole tree, and adopting orphans (Linux only).

Trusted side. The service's stop, the grader processes' kill and the tests' leftover
checks all use these, so "nothing is left below" means the same everywhere.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Callable


def kill_tree(pid: int, after_kill: Callable[[], None] | None = None, wait_s: float = 5.0) -> None:
    """SIGKILL ``pid`` and every process below it now, then wait (up to ``wait_s``) until
    they are gone (reaped by their new parent: init or a subreaper). ``after_kill`` runs
    between the kill and the wait (closing the sockets that reach them, say)."""
    tree = descendants(pid)
    for p in [pid, *tree]:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
    if after_kill is not None:
        after_kill()
    deadline = time.monotonic() + wait_s
    while tree and time.monotonic() < deadline:
        tree = [p for p in tree if alive(p)]
        time.sleep(0.05)


def adopt_orphans() -> None:
    """Make this process the subreaper of everything it starts (Linux ``prctl``): a process
    whose parent ends first (Ray's agents when their raylet goes) is re-parented here, not to
    init, so ``stop`` still finds it below the server. For the server's own process only."""
    import ctypes

    PR_SET_CHILD_SUBREAPER = 36
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: stop() sweeps what is below it, as before
        pass


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
