# exercise: sliding_windows
# approach: library: torch.as_strided view with the window and element strides written out
import torch


def sliding_windows(x, size, step=1):
    W = (x.shape[0] - size) // step + 1
    s = x.stride(0)
    return torch.as_strided(x, (W, size), (step * s, s), x.storage_offset())
