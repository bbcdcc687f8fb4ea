# exercise: LinearFn
# bug: bias gradient summed over the features (dim=1) instead of over the batch (dim=0)
# breaks: values
# misconception: Your bias gradient sums grad_output over the output features (dimension 1) instead of over the batch (dimension 0), so it has one entry per sample instead of one per output.
# misconception-ko: 편향 기울기를 배치 차원(0)이 아니라 출력 특성 차원(1)으로 합하고 있습니다. 그래서 출력마다 하나가 아니라 샘플마다 하나의 값이 나옵니다.
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
        grad_b = grad_output.sum(dim=1) if ctx.has_bias else None
        return grad_output @ W, grad_output.T @ x, grad_b
