# exercise: LayerNormFn
# approach: float64 inside, rsqrt, and the staged chain rule (through the variance, then the mean) instead of the closed form
import torch


class LayerNormFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, eps=1e-5):
        x64 = x.to(torch.float64)
        xc = x64 - x64.mean(dim=-1, keepdim=True)
        var = (xc * xc).sum(dim=-1, keepdim=True) / x.shape[-1]
        rstd = torch.rsqrt(var + eps)
        ctx.save_for_backward(xc, rstd)
        return (xc * rstd).to(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        xc, rstd = ctx.saved_tensors
        d = xc.shape[-1]
        g = grad_output.to(torch.float64)
        dvar = (g * xc).sum(dim=-1, keepdim=True) * -0.5 * rstd ** 3
        dmu = -(g * rstd).sum(dim=-1, keepdim=True) + dvar * (-2.0 * xc).mean(dim=-1, keepdim=True)
        dx = g * rstd + dvar * 2.0 * xc / d + dmu / d
        return dx.to(grad_output.dtype), None
