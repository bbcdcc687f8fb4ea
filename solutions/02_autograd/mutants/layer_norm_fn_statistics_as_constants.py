# exercise: LayerNormFn
# bug: backward treats the mean and variance as constants: grad_output * rstd only
# breaks: values
# misconception: Your backward treats the mean and the variance as constants and only rescales grad_output; every input also moves the mean and the variance, which adds two correction terms.
# misconception-ko: backward에서 평균과 분산을 상수로 보고 grad_output의 크기만 조정합니다. 각 입력은 평균과 분산도 함께 바꾸므로 보정 항 두 개가 더 필요합니다.
# on-hidden: name
import torch


class LayerNormFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, eps=1e-5):
        mean = x.mean(dim=-1, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
        rstd = 1.0 / torch.sqrt(var + eps)
        ctx.save_for_backward(rstd)
        return (x - mean) * rstd

    @staticmethod
    def backward(ctx, grad_output):
        (rstd,) = ctx.saved_tensors
        return grad_output * rstd, None
