# exercise: LinearFn
# bug: bias gradient averaged over the batch instead of summed
# breaks: values
# misconception: Your bias gradient averages grad_output over the batch; the bias is added to every row, so its gradient is the sum over the rows, not the mean.
# misconception-ko: 편향의 기울기를 배치에 대해 평균 내고 있습니다. 편향은 모든 행에 더해지므로 기울기는 평균이 아니라 행들의 합입니다.
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
        grad_b = grad_output.mean(dim=0) if ctx.has_bias else None
        return grad_output @ W, grad_output.T @ x, grad_b
