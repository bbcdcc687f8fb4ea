"""The untrusted side: everything here runs next to student code and is never trusted."""
