# exercise: pairwise_sq_dists
# approach: the expansion in float64 with addmm (-2 x.y first, then the norms), clamped, cast back
import torch


def pairwise_sq_dists(x, y):
    x64, y64 = x.double(), y.double()
    cross = torch.addmm(y64.pow(2).sum(1).unsqueeze(0), x64, y64.t(), alpha=-2.0)   # ||y||^2 - 2 x.y
    return (cross + x64.pow(2).sum(1, keepdim=True)).clamp_min(0.0).to(x.dtype)
