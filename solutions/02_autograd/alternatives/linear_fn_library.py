# exercise: LinearFn
# approach: library calls: torch.addmm / torch.mm forward, torch.mm and torch.sum in backward, needs_input_grad respected
import torch


class LinearFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, W, b=None):
        ctx.save_for_backward(x, W)
        ctx.with_bias = b is not None
        return torch.addmm(b, x, W.t()) if b is not None else torch.mm(x, W.t())

    @staticmethod
    def backward(ctx, grad_output):
        x, W = ctx.saved_tensors
        need_x, need_W = ctx.needs_input_grad[:2]   # two entries when b was omitted, three otherwise
        need_b = ctx.with_bias and ctx.needs_input_grad[2]
        gx = torch.mm(grad_output, W) if need_x else None
        gW = torch.mm(grad_output.t(), x) if need_W else None
        gb = torch.sum(grad_output, dim=0) if need_b else None
        return gx, gW, gb
