# exercise: LinearFn
# bug: always adds and differentiates b, so LinearFn.apply(x, W) and b=None fail
# breaks: values
# misconception: Your LinearFn always uses and differentiates b, so calling it without a bias or with None fails; b is optional and its gradient is None when it is missing.
# misconception-ko: LinearFn이 항상 b를 사용하고 미분하기 때문에 편향 없이 호출하거나 None을 넘기면 실패합니다. b는 선택 인자이고, 없을 때 그 기울기는 None입니다.
# on-hidden: name
import torch


class LinearFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, W, b=None):
        ctx.save_for_backward(x, W)
        return x @ W.T + b

    @staticmethod
    def backward(ctx, grad_output):
        x, W = ctx.saved_tensors
        return grad_output @ W, grad_output.T @ x, grad_output.sum(dim=0)
