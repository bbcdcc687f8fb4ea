# exercise: standardize
# bug: subtracts the mean in place, modifying the caller's tensor
import torch


def standardize(x, dim=-1, eps=1e-5):
    var = x.var(dim=dim, keepdim=True, correction=0)
    x -= x.mean(dim=dim, keepdim=True)
    return x / torch.sqrt(var + eps)
