# exercise: pairwise_sq_dists
# approach: the definition by broadcasting, [N, 1, D] - [1, M, D], squared and summed (never negative, no clamp)
def pairwise_sq_dists(x, y):
    diff = x.unsqueeze(1) - y.unsqueeze(0)
    return (diff * diff).sum(dim=2)
