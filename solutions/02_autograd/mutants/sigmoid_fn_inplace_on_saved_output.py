# exercise: SigmoidFn
# bug: backward computes y * (1 - y) in place on the saved output, which is the tensor the caller holds
import torch


class SigmoidFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = torch.sigmoid(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        y.mul_(1 - y)
        return grad_output * y
