# exercise: batched_matvec
# bug: squeeze() without a dim also drops B or N when they are 1
import torch


def batched_matvec(A, v):
    return torch.bmm(A, v.unsqueeze(-1)).squeeze()
