# exercise: LayerNormFn
# bug: unbiased variance (divides by D - 1), as torch.var does by default
import torch


class LayerNormFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, eps=1e-5):
        mean = x.mean(dim=-1, keepdim=True)
        var = x.var(dim=-1, keepdim=True)
        rstd = 1.0 / torch.sqrt(var + eps)
        x_hat = (x - mean) * rstd
        ctx.save_for_backward(x_hat, rstd)
        return x_hat

    @staticmethod
    def backward(ctx, grad_output):
        x_hat, rstd = ctx.saved_tensors
        g = grad_output
        return rstd * (g - g.mean(dim=-1, keepdim=True) - x_hat * (g * x_hat).mean(dim=-1, keepdim=True)), None
