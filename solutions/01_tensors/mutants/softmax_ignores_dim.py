# exercise: softmax
# bug: always normalises along the last dimension, whatever dim says
import torch


def softmax(x, dim=-1):
    e = torch.exp(x - x.amax(dim=-1, keepdim=True))
    return e / e.sum(dim=-1, keepdim=True)
