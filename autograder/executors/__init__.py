"""Where a batch's submissions are graded: warm local grading processes, or Ray tasks.

Trusted side. The coordinator (``batch``) never imports torch or student code: it hands
an ``Executor`` jobs and receives ``Outcome``s.

- ``jobs``: ``GradeSpec``, ``Job``, ``Outcome``, the ``Executor`` seam and a submission's
  time bound (``submission_timeout``);
- ``grader_process``: ``GraderProcess``, a warm trusted process that grades one path
  after another (``python -m autograder.executors FD``);
- ``grader_runtime``: what such a process (or a Ray worker) runs: build the Grader once,
  grade, turn faults into replies;
- ``local_pool``: ``LocalExecutor``, ``jobs`` grading processes fed from one queue;
- ``ray_cluster``: ``RayExecutor``, each submission a Ray task.
"""

from autograder.executors.grader_process import READY_TIMEOUT_S, GraderProcess, GraderProcessFault, GradingStuck
from autograder.executors.jobs import Executor, GradeSpec, Job, OnOutcome, Outcome, submission_timeout
from autograder.executors.local_pool import LocalExecutor
from autograder.executors.ray_cluster import RayExecutor

__all__ = ["READY_TIMEOUT_S", "Executor", "GradeSpec", "GraderProcess", "GraderProcessFault", "GradingStuck", "Job",
           "LocalExecutor", "OnOutcome", "Outcome", "RayExecutor", "submission_timeout"]
