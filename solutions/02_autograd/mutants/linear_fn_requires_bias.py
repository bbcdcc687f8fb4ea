# exercise: LinearFn
# bug: always adds and differentiates b, so LinearFn.apply(x, W) and b=None fail
import torch


class LinearFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, W, b=None):
        ctx.save_for_backward(x, W)
        return x @ W.T + b

    @staticmethod
    def backward(ctx, grad_output):
        x, W = ctx.saved_tensors
        return grad_output @ W, grad_output.T @ x, grad_output.sum(dim=0)
