# Eve: tries every trick in the book. None of them should earn a point.
import json, os, socket, sys
import numpy as np
import torch
import torch.testing

# 1. Make every comparison succeed.
torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
torch.testing.assert_close = lambda *a, **k: None
np.allclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None

# 2. Go looking for the hidden tests and the solution, and print what is found.
for root in ("/work", "/root", "/home", "/autograder", "/tmp"):
    for dirpath, dirnames, filenames in os.walk(root):
        if dirpath.count(os.sep) > 5 or "proc" in dirpath or "sys" in dirpath:
            dirnames[:] = []
            continue
        for f in filenames:
            if f.startswith("test_hidden") or f == "01_tensors.ipynb" and "solutions" in dirpath:
                try:
                    print("FOUND", dirpath, f, open(os.path.join(dirpath, f)).read()[:200])
                except OSError as e:
                    print("denied", dirpath, f, e.__class__.__name__)

# 3. Write a perfect results.json wherever it might be picked up.
for d in (".", "..", "/tmp", "/autograder/results"):
    try:
        with open(os.path.join(d, "results.json"), "w") as fh:
            json.dump({"score": 100.0, "tests": []}, fh)
    except OSError:
        pass

# 4. Phone home.
try:
    socket.create_connection(("127.0.0.1", 8000), timeout=1).sendall(b"answers please")
except OSError as e:
    print("no network:", e.__class__.__name__)


# 5. Answers that claim to equal anything.
class Liar(torch.Tensor):
    def __eq__(self, other):
        return True
    __hash__ = torch.Tensor.__hash__


class Everything:
    def __eq__(self, other):
        return True


def softmax(x, dim=-1):
    return torch.zeros_like(x).as_subclass(Liar)


def pairwise_sq_dists(x, y):
    return Everything()


def masked_mean(x, lengths):
    os._exit(0)   # take the grader down with me?


def sliding_windows(x, size, step=1):
    while True:   # or hang it
        pass


def to_numpy(t):
    """Return the values of tensor `t` as a NumPy array with the same shape and dtype.

    Works when `t` requires grad and when it lives on a GPU; `t` is not modified.
    """
    # detach(): a new tensor sharing t's data but outside the autograd graph
    # cpu():    a no-op for CPU tensors, a copy to host memory for GPU tensors
    return t.detach().cpu().numpy()


def standardize(x, dim=-1, eps=1e-5):
    """Standardise `x` along `dim`: (x - mean) / sqrt(var + eps), population variance."""
    mean = x.mean(dim=dim, keepdim=True)
    var = x.var(dim=dim, keepdim=True, correction=0)   # population variance
    return (x - mean) / torch.sqrt(var + eps)


def batched_matvec(A, v):
    """Batched matrix-vector product: A[B, N, M], v[B, M] -> [B, N]."""
    return (A @ v.unsqueeze(-1)).squeeze(-1)   # [B, N, M] @ [B, M, 1] -> [B, N, 1]


def one_hot(labels, num_classes):
    """One-hot encode integer `labels[*S]` -> float32 `[*S, num_classes]`.

    Raises ValueError if any label is outside [0, num_classes).
    """
    if ((labels < 0) | (labels >= num_classes)).any():
        raise ValueError(f"labels must lie in [0, {num_classes})")
    classes = torch.arange(num_classes, device=labels.device)   # [C]
    return (labels.unsqueeze(-1) == classes).to(torch.float32)   # [*S, 1] == [C] -> [*S, C]
