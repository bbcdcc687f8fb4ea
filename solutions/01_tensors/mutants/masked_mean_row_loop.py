# exercise: masked_mean
# bug: correct values, but a Python loop over the batch (too slow for a large batch)
# breaks: loops
# misconception: Your values are right, but you loop over the batch in Python, so the work grows with the number of sequences instead of running as a few tensor operations.
# misconception-ko: 값은 맞지만 배치를 파이썬 루프로 돌기 때문에, 몇 개의 텐서 연산으로 끝나는 대신 시퀀스 수에 따라 작업량이 늘어납니다.
# on-hidden: name
import torch


def masked_mean(x, lengths):
    return torch.stack([x[b, : int(lengths[b])].mean(dim=0) for b in range(x.shape[0])])
