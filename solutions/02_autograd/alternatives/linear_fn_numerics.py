# exercise: LinearFn
# approach: float64 inside with einsum (sums in another order), cast back to the input dtype
import torch

_F64 = torch.float64


class LinearFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, W, b=None):
        ctx.save_for_backward(x, W)
        ctx.has_b = b is not None
        y = torch.einsum("ni,oi->no", x.to(_F64), W.to(_F64))
        if b is not None:
            y = y + b.to(_F64)
        return y.to(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        x, W = ctx.saved_tensors
        g = grad_output.to(_F64)
        gx = torch.einsum("no,oi->ni", g, W.to(_F64)).to(x.dtype)
        gW = torch.einsum("no,ni->oi", g, x.to(_F64)).to(W.dtype)
        gb = torch.einsum("no->o", g).to(grad_output.dtype) if ctx.has_b else None
        return gx, gW, gb
