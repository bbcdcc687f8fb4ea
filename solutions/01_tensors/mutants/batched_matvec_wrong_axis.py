# exercise: batched_matvec
# bug: broadcasts v correctly but sums over N (dim=1) instead of M (dim=-1)
import torch


def batched_matvec(A, v):
    return (A * v[:, None, :]).sum(dim=1)
