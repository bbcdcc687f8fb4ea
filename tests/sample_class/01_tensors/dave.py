# Dave: correct functions, but the module crashes the interpreter when imported.
import numpy as np
import torch


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


def pairwise_sq_dists(x, y):
    """Squared Euclidean distances between the rows of x[N, D] and y[M, D] -> [N, M]."""
    x_sq = (x * x).sum(dim=1, keepdim=True)   # [N, 1]
    y_sq = (y * y).sum(dim=1)                 # [M], broadcasts as [1, M]
    d2 = x_sq + y_sq - 2.0 * (x @ y.T)        # [N, M]
    return d2.clamp(min=0.0)                  # round-off can make d2 slightly negative


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


def masked_mean(x, lengths):
    """Mean over the valid time steps: x[B, T, D], lengths[B] -> [B, D]."""
    T = x.shape[1]
    lengths = lengths.to(x.device)
    steps = torch.arange(T, device=x.device)                 # [T]
    valid = steps[None, :] < lengths[:, None]                # [B, T]
    total = x.masked_fill(~valid[:, :, None], 0.0).sum(dim=1)  # padding contributes 0
    return total / lengths[:, None].to(x.dtype)              # [B, D]


def softmax(x, dim=-1):
    """Numerically stable softmax of `x` along `dim`."""
    shifted = x - x.amax(dim=dim, keepdim=True)   # largest entry along dim becomes 0
    e = torch.exp(shifted)
    return e / e.sum(dim=dim, keepdim=True)


def sliding_windows(x, size, step=1):
    """Windows of length `size` every `step` elements of 1-D `x[T]` -> [W, size]."""
    return x.unfold(0, size, step)   # a strided view, W = (T - size) // step + 1


# A leftover experiment that dereferences a NULL pointer: the process dies at import.
import ctypes
ctypes.string_at(0)
