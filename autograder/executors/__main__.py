"""``python -m autograder.executors FD``: a grading process (``grader_process.serve``)."""

import sys

from autograder.executors.grader_process import serve

serve(int(sys.argv[1]))
