# exercise: softmax
# bug: no max-subtraction: exp overflows to inf for large inputs (inf / inf = nan)
import torch


def softmax(x, dim=-1):
    e = torch.exp(x)
    return e / e.sum(dim=dim, keepdim=True)
