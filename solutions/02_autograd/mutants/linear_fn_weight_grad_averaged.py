# exercise: LinearFn
# bug: weight gradient averaged over the batch (grad_output.T @ x / N) instead of summed
# breaks: values
# misconception: Your weight gradient divides by the batch size; each row's contribution to W adds up, so the gradient is the plain product of grad_output transposed and x, with no averaging.
# misconception-ko: 가중치 기울기를 배치 크기로 나누고 있습니다. 각 행이 W에 주는 기여는 더해지므로, 기울기는 평균 없이 grad_output의 전치와 x의 곱 그대로입니다.
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
        return grad_output @ W, grad_output.T @ x / x.shape[0], grad_b
