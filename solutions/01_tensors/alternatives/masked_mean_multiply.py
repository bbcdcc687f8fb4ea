# exercise: masked_mean
# approach: a 0/1 float mask multiplied in (padding is finite, so 0 * padding is 0), summed and divided
import torch


def masked_mean(x, lengths):
    B, T, D = x.shape
    lengths = lengths.to(x.device)
    mask = (torch.arange(T, device=x.device).unsqueeze(0) < lengths.unsqueeze(1)).to(x.dtype)   # [B, T]
    return (x * mask.unsqueeze(2)).sum(dim=1) / lengths.to(x.dtype).unsqueeze(1)
