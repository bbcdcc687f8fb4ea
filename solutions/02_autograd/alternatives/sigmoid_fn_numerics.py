# exercise: SigmoidFn
# approach: float64 inside, sigmoid as 0.5 * (1 + tanh(x / 2)); saves the input and recomputes the derivative from it in backward
import torch


def _sig64(x):
    return 0.5 * (1.0 + torch.tanh(0.5 * x.to(torch.float64)))


class SigmoidFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _sig64(x).to(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        s = _sig64(x)
        return (grad_output.to(torch.float64) * s * (1.0 - s)).to(grad_output.dtype)
