"""torch-autograder: grade PyTorch exercises against hidden tests, student code sandboxed.

Kept import-free on purpose: the untrusted worker imports this package too, and it
must not pull the trusted side (tests, scoring) into that process.
"""

__version__ = "0.1.0"
