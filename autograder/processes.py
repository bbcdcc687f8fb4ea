"""Processes and the trees below them, from ``/proc``: who is below a pid, whether one is
still alive, ending a whole tree, and adopting orphans (Linux only).

Trusted side. The one place process trees are walked and ended: the service's stop sweep
(``end_below``), a grader process's kill (``kill_tree``), the Docker backend's check for a
dead owner (``alive``) and the tests' leftover checks all use these, so "nothing is left
below" means the same everywhere.
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
        tree = {p for p in tree if alive(p)}
        time.sleep(0.05)


def end_below(pid: int, known: set[int] = frozenset(), wait_s: float = 10.0) -> tuple[set[int], set[int]]:
    """SIGKILL every process below ``pid`` (and those of ``known`` still alive), with the
    process groups they lead other than ours (Ray's), until nothing is left or ``wait_s`` has
    passed. Repeated because a dying parent's children can still be starting (a raylet's
    agents). Returns (ended, left): what was killed, and what outlived every try."""
    ended: set[int] = set()
    own_group = os.getpgid(0)
    deadline = time.monotonic() + wait_s
    while True:
        left = {p for p in set(known) | descendants(pid) if alive(p)}
        if not left or time.monotonic() > deadline:
            return ended, left
        groups = set()
        for p in left:
            try:
                groups.add(os.getpgid(p))
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        for group in groups - {own_group}:
            try:
                os.killpg(group, signal.SIGKILL)
            except OSError:
                pass
        ended |= left
        time.sleep(0.1)


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


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc; zombies included: ``alive`` tells them apart)."""
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
    out: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def alive(pid: int) -> bool:
    """Running (a zombie has ended; it only waits to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
