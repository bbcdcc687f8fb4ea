# exercise: pairwise_sq_dists
# bug: computes in float64 to avoid round-off and returns float64
# breaks: dtype
# misconception: You converted the points to float64 to avoid round-off and returned that result, so float32 inputs give a float64 output instead of keeping their dtype.
# misconception-ko: 반올림 오차를 피하려고 점들을 float64로 바꾼 뒤 그 결과를 반환해서, float32 입력이 dtype을 유지하지 못하고 float64로 나옵니다.
# on-hidden: name
import torch


def pairwise_sq_dists(x, y):
    x, y = x.double(), y.double()
    return ((x[:, None, :] - y[None, :, :]) ** 2).sum(dim=-1)
