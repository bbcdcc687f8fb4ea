# exercise: masked_mean
# approach: library: padding replaced by NaN with torch.where, then torch.nanmean over time
import torch


def masked_mean(x, lengths):
    steps = torch.arange(x.shape[1], device=x.device)
    valid = steps[None, :] < lengths.to(x.device)[:, None]
    nan = torch.full((), float("nan"), dtype=x.dtype, device=x.device)
    return torch.where(valid[:, :, None], x, nan).nanmean(dim=1)
