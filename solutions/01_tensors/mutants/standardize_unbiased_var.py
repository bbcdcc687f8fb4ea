# exercise: standardize
# bug: unbiased variance (torch.var's default divides by N-1)
import torch


def standardize(x, dim=-1, eps=1e-5):
    mean = x.mean(dim=dim, keepdim=True)
    var = x.var(dim=dim, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)
