# exercise: LinearFn
# bug: weight gradient computed as x.T @ grad_output ([in, out]) instead of grad_output.T @ x ([out, in])
# breaks: values
# misconception: Your weight gradient multiplies x transposed by grad_output, which has the shape [in, out]; the gradient must have W's own shape [out, in].
# misconception-ko: 가중치 기울기를 x의 전치와 grad_output의 곱으로 계산해 모양이 [in, out]이 됩니다. 기울기는 W와 같은 [out, in] 모양이어야 합니다.
# on-hidden: name
import torch


class LinearFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, W, b=None):
        ctx.save_for_backward(x, W)
        ctx.has_bias = b is not None
        out = x @ W.T
        return out + b if b is not None else out

    @staticmethod
    def backward(ctx, grad_output):
        x, W = ctx.saved_tensors
        grad_b = grad_output.sum(dim=0) if ctx.has_bias else None
        return grad_output @ W, x.T @ grad_output, grad_b
