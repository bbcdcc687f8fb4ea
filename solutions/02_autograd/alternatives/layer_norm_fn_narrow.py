# exercise: LayerNormFn
# approach: the direct route: save x and eps, recompute the statistics in backward, gradient as (D g - sum g - x_hat sum(g x_hat)) rstd / D
import torch


class LayerNormFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, eps=1e-5):
        ctx.save_for_backward(x)
        ctx.eps = eps
        mu = x.mean(-1, keepdim=True)
        var = ((x - mu) ** 2).mean(-1, keepdim=True)
        return (x - mu) / torch.sqrt(var + eps)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        d = x.shape[-1]
        mu = x.mean(-1, keepdim=True)
        var = ((x - mu) ** 2).mean(-1, keepdim=True)
        rstd = 1 / torch.sqrt(var + ctx.eps)
        xh = (x - mu) * rstd
        dx = (d * g - g.sum(-1, keepdim=True) - xh * (g * xh).sum(-1, keepdim=True)) * rstd / d
        return dx, None
