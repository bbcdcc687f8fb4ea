# exercise: pairwise_sq_dists
# bug: the ||x||^2 + ||y||^2 - 2 x.y expansion without the clamp: round-off makes some distances negative
import torch


def pairwise_sq_dists(x, y):
    x_sq = (x * x).sum(dim=1, keepdim=True)
    y_sq = (y * y).sum(dim=1)
    return x_sq + y_sq - 2.0 * (x @ y.T)
