# exercise: SigmoidFn
# bug: backward re-runs torch.sigmoid with autograd and asks torch.autograd.grad for the gradient
import torch


class SigmoidFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sigmoid(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        with torch.enable_grad():
            leaf = x.detach().requires_grad_(True)
            (grad,) = torch.autograd.grad(torch.sigmoid(leaf), leaf, grad_output)
        return grad
