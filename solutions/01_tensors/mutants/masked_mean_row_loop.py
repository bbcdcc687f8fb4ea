# exercise: masked_mean
# bug: correct values, but a Python loop over the batch (too slow for a large batch)
import torch


def masked_mean(x, lengths):
    return torch.stack([x[b, : int(lengths[b])].mean(dim=0) for b in range(x.shape[0])])
