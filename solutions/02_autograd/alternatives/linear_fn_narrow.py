# exercise: LinearFn
# approach: the narrowest reading: 2-D x and W only, every gradient computed whether or not it is needed, None for an absent bias
import torch


class LinearFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, W, b=None):
        assert x.dim() == 2 and W.dim() == 2, "LinearFn takes x[N, in] and W[out, in]"
        ctx.save_for_backward(x, W)
        ctx.bias = b is not None
        y = x @ W.T
        if b is not None:
            y = y + b
        return y

    @staticmethod
    def backward(ctx, g):
        x, W = ctx.saved_tensors
        return g @ W, g.T @ x, (g.sum(0) if ctx.bias else None)
