"""What ``autograder submit`` (autograder/submit_client.py) tells a student, marked for the
``autograder`` catalogs.

The client lives in the service's package, whose folder ``make i18n`` extracts into the
``service`` domain (the service's pages and API errors); what the student's own command
prints belongs with the rest of the CLI, so its messages are defined here and translated
where they are printed (``i18n.t``). Student side; holds nothing secret.
"""

from __future__ import annotations

from autograder.i18n import N_

NO_SERVER = N_("No server or token:")
NO_SERVER_HOW = N_("pass --server URL --token T, set AUTOGRADER_SERVER and AUTOGRADER_TOKEN, or write them "
                   "into {config} (server = \"...\", token = \"...\")")
NOT_A_FILE = N_("{file} is not a file:")
NOT_A_FILE_HOW = N_("pass your notebook (or .py / .zip)")
NO_ASSIGNMENT = N_("Cannot tell the assignment of {file}:")
NO_ASSIGNMENT_HOW = N_("pass --assignment ID")
NOT_ACCEPTED = N_("Not accepted ({status}):")
RETRY_AFTER = N_("Retry after {seconds} s.")
ACCEPTED = N_("Accepted {file} for {assignment}: submission [bold]{id}[/], queue position {position}.")
FEEDBACK_AT = N_("Feedback: {url}")
UNREACHABLE = N_("Cannot reach {server}:")
UNREACHABLE_HOW = N_("{error}. Check the URL and your network; if the upload was accepted, "
                     "`GET /api/v1/submissions` shows it.")
BAD_URL = N_("{server} is not a server address:")
BAD_URL_HOW = N_("{error}. Give it as http(s)://host[:port] (--server, AUTOGRADER_SERVER or {config}).")
WAITING = N_("waiting for the grader")
QUEUED = N_("queued, position {position}")
GRADING = N_("grading")
PROGRESS = N_("{id}: {where} ({seconds} s)")
CANNOT_READ = N_("Cannot read submission {id} ({status}):")
NOT_GRADED = N_("Not graded:")
HIDDEN_PENDING = N_("The hidden tests are graded too; their results are shown when the course releases them "
                    "(the score above covers the public tests).")
LATE = N_("Late by {days} day(s): final score {final} / {max}")
