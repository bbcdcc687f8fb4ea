# exercise: LayerNormFn
# approach: library calls: ATen's native_layer_norm forward and native_layer_norm_backward kernel (plain kernels, not autograd)
import torch


class LayerNormFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, eps=1e-5):
        shape = [x.shape[-1]]
        out, mean, rstd = torch.ops.aten.native_layer_norm(x, shape, None, None, eps)
        ctx.save_for_backward(x, mean, rstd)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        x, mean, rstd = ctx.saved_tensors
        gx, _, _ = torch.ops.aten.native_layer_norm_backward(grad_output.contiguous(), x, [x.shape[-1]], mean, rstd,
                                                             None, None, [True, False, False])
        return gx, None
