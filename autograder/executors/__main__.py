"""``python -m autograder.executors FD``: a grading process (``grading_process.serve``)."""

import sys

from autograder.executors.grading_process import serve

serve(int(sys.argv[1]))
