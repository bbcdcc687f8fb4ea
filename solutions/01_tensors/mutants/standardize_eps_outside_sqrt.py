# exercise: standardize
# bug: adds eps to the standard deviation instead of to the variance
import torch


def standardize(x, dim=-1, eps=1e-5):
    mean = x.mean(dim=dim, keepdim=True)
    std = x.std(dim=dim, keepdim=True, correction=0)
    return (x - mean) / (std + eps)
