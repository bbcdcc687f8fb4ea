# Bob: four exercises done, four still stubs (a jupytext-style export).
import numpy as np
import torch


# %%
def to_numpy(t):
    """Return the values of tensor `t` as a NumPy array with the same shape and dtype.

    Works when `t` requires grad and when it lives on a GPU; `t` is not modified.
    """
    # detach(): a new tensor sharing t's data but outside the autograd graph
    # cpu():    a no-op for CPU tensors, a copy to host memory for GPU tensors
    return t.detach().cpu().numpy()

# %%
def standardize(x, dim=-1, eps=1e-5):
    """Standardise `x` along `dim`: (x - mean) / sqrt(var + eps), population variance."""
    mean = x.mean(dim=dim, keepdim=True)
    var = x.var(dim=dim, keepdim=True, correction=0)   # population variance
    return (x - mean) / torch.sqrt(var + eps)

# %%
def pairwise_sq_dists(x, y):
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
def batched_matvec(A, v):
    """Batched matrix-vector product: A[B, N, M], v[B, M] -> [B, N]."""
    return (A @ v.unsqueeze(-1)).squeeze(-1)   # [B, N, M] @ [B, M, 1] -> [B, N, 1]

# %%
def one_hot(labels, num_classes):
    """One-hot encode integer `labels[*S]` -> float32 `[*S, num_classes]`.

    Raises ValueError if any label is outside [0, num_classes).
    """
    if ((labels < 0) | (labels >= num_classes)).any():
        raise ValueError(f"labels must lie in [0, {num_classes})")
    classes = torch.arange(num_classes, device=labels.device)   # [C]
    return (labels.unsqueeze(-1) == classes).to(torch.float32)   # [*S, 1] == [C] -> [*S, C]

# %%
def masked_mean(x, lengths):
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
def softmax(x, dim=-1):
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
def sliding_windows(x, size, step=1):
    # YOUR CODE HERE
    raise NotImplementedError()

