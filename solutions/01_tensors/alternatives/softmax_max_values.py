# exercise: softmax
# approach: the textbook formula: exp(x - max along dim) over its sum, with max(...).values
import torch


def softmax(x, dim=-1):
    m = x.max(dim=dim, keepdim=True).values
    e = torch.exp(x - m)
    return e / e.sum(dim=dim, keepdim=True)
