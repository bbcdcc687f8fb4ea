"""Where a batch's submissions are graded: warm local grading processes, or Ray tasks.

Trusted side. The coordinator (``batch``, or the service's slots) never imports torch or
student code: it hands an ``Executor`` (or a ``WarmSlot``) jobs and receives ``Outcome``s.

- ``jobs``: ``GradeSpec``, ``Job``, ``Outcome``, the ``Executor`` seam and a submission's
  time bound (``submission_timeout``);
- ``grader_process``: ``GraderProcess``, a warm trusted process that grades one path
  after another (``python -m autograder.executors FD``);
- ``grader_runtime``: what such a process (or a Ray worker) runs: build the Grader once,
  grade, turn faults into replies;
- ``warm_pool``: ``WarmSlot``, one slot's warm grading processes keyed by assignment, and
  one grading on them (the bound, the warm-up check, the fault handling), for the local
  executor and the service's slots alike; ``Generations`` (reload after a regrade);
- ``local_pool``: ``LocalExecutor``, ``jobs`` warm slots fed from one queue;
- ``ray_cluster``: ``RayExecutor``, each submission a Ray task.
"""

from autograder.executors.grader_process import READY_TIMEOUT_S, GraderProcess, GraderProcessFault, GradingStuck
from autograder.executors.jobs import (Executor, GradeSpec, Job, OnOutcome, Outcome, reference_warning,
                                       submission_timeout, suite_timeout)
from autograder.executors.local_pool import LocalExecutor
from autograder.executors.ray_cluster import RayExecutor
from autograder.executors.warm_pool import Generations, WarmSlot

__all__ = ["READY_TIMEOUT_S", "Executor", "GradeSpec", "Generations", "GraderProcess", "GraderProcessFault",
           "GradingStuck", "Job", "LocalExecutor", "OnOutcome", "Outcome", "RayExecutor", "WarmSlot",
           "reference_warning", "submission_timeout", "suite_timeout"]
