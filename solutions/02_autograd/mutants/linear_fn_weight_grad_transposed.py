# exercise: LinearFn
# bug: weight gradient computed as x.T @ grad_output ([in, out]) instead of grad_output.T @ x ([out, in])
import torch


class LinearFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, W, b=None):
        ctx.save_for_backward(x, W)
        ctx.has_bias = b is not None
        out = x @ W.T
        return out + b if b is not None else out

    @staticmethod
    def backward(ctx, grad_output):
        x, W = ctx.saved_tensors
        grad_b = grad_output.sum(dim=0) if ctx.has_bias else None
        return grad_output @ W, x.T @ grad_output, grad_b
