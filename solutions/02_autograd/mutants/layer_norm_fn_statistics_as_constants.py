# exercise: LayerNormFn
# bug: backward treats the mean and variance as constants: grad_output * rstd only
import torch


class LayerNormFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, eps=1e-5):
        mean = x.mean(dim=-1, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
        rstd = 1.0 / torch.sqrt(var + eps)
        ctx.save_for_backward(rstd)
        return (x - mean) * rstd

    @staticmethod
    def backward(ctx, grad_output):
        (rstd,) = ctx.saved_tensors
        return grad_output * rstd, None
