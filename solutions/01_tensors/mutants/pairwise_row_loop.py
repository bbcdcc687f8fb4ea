# exercise: pairwise_sq_dists
# bug: one row of distances per point of x, in a Python loop
# breaks: loops
# misconception: Your values are right, but you compute the distances one point of x at a time in a Python loop, so the work grows with the number of points.
# misconception-ko: 값은 맞지만 x의 점 하나씩 파이썬 루프로 거리를 계산하기 때문에 점의 수에 따라 작업량이 늘어납니다.
# on-hidden: name
import torch


def pairwise_sq_dists(x, y):
    rows = [((xi[None, :] - y) ** 2).sum(dim=1) for xi in x]
    return torch.stack(rows)
