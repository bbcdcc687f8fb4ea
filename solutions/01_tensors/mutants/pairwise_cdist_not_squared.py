# exercise: pairwise_sq_dists
# bug: torch.cdist returns distances, not squared distances
# breaks: values
# misconception: You returned the Euclidean distances themselves (as torch.cdist gives them), not their squares.
# misconception-ko: 제곱 거리 대신 (torch.cdist가 주는) 유클리드 거리 자체를 반환했습니다.
# on-hidden: name
import torch


def pairwise_sq_dists(x, y):
    return torch.cdist(x, y)
