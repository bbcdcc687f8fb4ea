"""The submission service: students hand in work, the course's own machines grade it.

Trusted side. The serving process (``app``) never imports student code and never blocks on
a grading: uploads are stored (``store``), queued (``submission_queue``) and graded by warm grading
processes or Ray through ``grading``, the one module that talks to the grading engine.
The contract (commands, routes, fields, status codes) is docs/SERVICE.md.
"""
