"""The student's helper in Jupyter: ``from autograder.notebook import check``.

``check("softmax")`` runs the public tests of one exercise (``check()`` all of them) against
the functions and classes the kernel defines right now, and shows a table with what
differs and a hint; ``submit()`` hands in the saved notebook and shows a receipt; ``with demo("softmax"):`` lets a demo cell of an unfinished exercise
say so instead of stopping Run All. It needs nothing but display output, so it works in JupyterLab, the
classic Notebook, VS Code and Colab. Runs in the student's kernel (their side: nothing
here is secret).
"""

from autograder.notebook.check import CheckError, check, use
from autograder.notebook.demo import demo
from autograder.notebook.result import CheckedTest, CheckResult
from autograder.notebook.submit import Receipt, SubmitError, submit

__all__ = ["check", "use", "submit", "demo", "CheckResult", "CheckedTest", "CheckError", "Receipt", "SubmitError"]
