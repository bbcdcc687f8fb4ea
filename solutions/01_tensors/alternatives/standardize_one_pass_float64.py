# exercise: standardize
# approach: float64 inside, one-pass variance E[x^2] - E[x]^2, multiply by rsqrt, cast back to x's dtype
import torch


def standardize(x, dim=-1, eps=1e-5):
    x64 = x.to(torch.float64)
    m1 = x64.mean(dim=dim, keepdim=True)
    m2 = (x64 * x64).mean(dim=dim, keepdim=True)
    var = (m2 - m1 * m1).clamp(min=0.0)
    return ((x64 - m1) * torch.rsqrt(var + eps)).to(x.dtype)
