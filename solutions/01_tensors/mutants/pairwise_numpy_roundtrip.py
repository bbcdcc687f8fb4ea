# exercise: pairwise_sq_dists
# bug: computes in NumPy and wraps the result: no gradient
# breaks: gradient
# misconception: You computed the distances in NumPy and wrapped the result in a new tensor; the values are right, but the result is cut off from the autograd graph, so no gradient reaches x and y.
# misconception-ko: 거리를 NumPy로 계산하고 그 결과를 새 텐서로 감쌌습니다. 값은 맞지만 결과가 autograd 그래프에서 끊어져서 x와 y로 gradient가 전달되지 않습니다.
# on-hidden: name
import numpy as np
import torch


def pairwise_sq_dists(x, y):
    a, b = x.detach().cpu().numpy(), y.detach().cpu().numpy()
    d = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1)
    return torch.from_numpy(np.ascontiguousarray(d)).to(x.device)
