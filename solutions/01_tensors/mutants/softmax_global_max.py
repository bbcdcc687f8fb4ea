# exercise: softmax
# bug: subtracts one global maximum instead of the maximum along dim: slices far below it underflow to 0/0
import torch


def softmax(x, dim=-1):
    e = torch.exp(x - x.max())
    return e / e.sum(dim=dim, keepdim=True)
