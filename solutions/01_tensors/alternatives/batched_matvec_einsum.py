# exercise: batched_matvec
# approach: library: torch.einsum with explicit indices
import torch


def batched_matvec(A, v):
    return torch.einsum("bnm,bm->bn", A, v)
