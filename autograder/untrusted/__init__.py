"""The untrusted side: everything here runs next to student code and is never trusted."""
DECIDES_GRADES = True  # the untrusted side runs every test (cache_key.py)
