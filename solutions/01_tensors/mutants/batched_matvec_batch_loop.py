# exercise: batched_matvec
# bug: one matrix-vector product per batch entry, in a Python loop
# breaks: loops
# misconception: Your values are right, but you multiply the matrices one batch entry at a time in a Python loop, so the work grows with the batch size.
# misconception-ko: 값은 맞지만 배치 항목마다 하나씩 파이썬 루프로 곱하기 때문에 배치 크기에 따라 작업량이 늘어납니다.
# on-hidden: name
import torch


def batched_matvec(A, v):
    return torch.stack([A[b] @ v[b] for b in range(A.shape[0])])
