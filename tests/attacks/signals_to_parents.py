# attack: signal everything it can reach: the parent, PID 1, every process (-1), its process group; stop them with SIGSTOP
# expect: fails standardize
import os
import signal

import torch

# Never ourselves (a worker can be PID 1 of its namespace): that would only stop this submission.
_TARGETS = [(p, w) for p, w in ((os.getppid(), "parent"), (1, "pid1")) if p > 0 and p != os.getpid()]
_TARGETS.append((-1, "everyone"))
_sent = {}
for _target, _what in _TARGETS:
    for _sig in (signal.SIGSTOP, signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
        try:
            os.kill(_target, _sig)
            _sent[f"{_what}:{_sig.name}"] = "sent"
        except OSError as e:
            _sent[f"{_what}:{_sig.name}"] = type(e).__name__
print("signals:", _sent)


def standardize(x, dim=-1, eps=1e-5):
    for target, _ in _TARGETS:
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            try:
                os.kill(target, sig)
            except OSError:
                pass
    return torch.zeros_like(x)
