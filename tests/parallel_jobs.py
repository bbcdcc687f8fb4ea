"""How many pytest-xdist workers `make test` starts on this machine (``TEST_JOBS=N`` overrides).

Two, where there are two cores and the attack corpus cannot starve the other worker: as root
the local backend's workers count against the sandbox user's RLIMIT_NPROC (one count for every
process of that uid, every worker's) unless each gets a pids cgroup of its own (cgroup v1, see
``untrusted/confine.py``); without one, the corpus's fork bomb would spend that limit under the
other worker's gradings. One otherwise: the suite then runs in order, as it always could.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder.untrusted import confine  # noqa: E402 - after the path above

MAX_JOBS = 2  # conftest.py's groups are sized for two: a third worker would mostly wait


def jobs() -> int:
    cores = len(os.sched_getaffinity(0))
    if os.geteuid() == 0 and confine._cgroup_dir("pids", 0) is None:
        return 1
    return max(1, min(cores, MAX_JOBS))


if __name__ == "__main__":
    print(jobs())
