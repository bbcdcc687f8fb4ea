# exercise: sliding_windows
# bug: W = (T - size) // step, one window short
import torch


def sliding_windows(x, size, step=1):
    W = (x.shape[0] - size) // step
    starts = torch.arange(W, device=x.device) * step
    return x[starts[:, None] + torch.arange(size, device=x.device)[None, :]]
