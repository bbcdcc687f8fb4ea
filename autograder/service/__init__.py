"""The submission service: students hand in work, the course's own machines grade it.

Trusted side. The serving process (``app``: the JSON ``api`` and the web ``pages`` over one
transport-free ``core``) never imports student code and never blocks on a grading: uploads
are stored (``store``), queued (``submission_queue``) and graded by warm grading processes or
Ray through ``dispatch``, the slots that talk to the grading engine.
The contract (commands, routes, fields, status codes) is docs/SERVICE.md.
"""
