# exercise: softmax
# approach: float64 inside, the normaliser applied as a reciprocal multiply, cast back to x's dtype
import torch


def softmax(x, dim=-1):
    x64 = x.to(torch.float64)
    e = (x64 - x64.amax(dim=dim, keepdim=True)).exp()
    return (e * e.sum(dim=dim, keepdim=True).reciprocal()).to(x.dtype)
