# exercise: masked_mean
# approach: float64 running sums over time, the one at step lengths[b] - 1 gathered, divided, cast back
import torch


def masked_mean(x, lengths):
    B, T, D = x.shape
    lengths = lengths.to(device=x.device, dtype=torch.int64)
    running = x.to(torch.float64).cumsum(dim=1)                       # [B, T, D]
    last = (lengths - 1).view(B, 1, 1).expand(B, 1, D)
    total = running.gather(1, last).squeeze(1)                        # [B, D]
    return (total / lengths.to(torch.float64).view(B, 1)).to(x.dtype)
