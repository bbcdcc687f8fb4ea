# exercise: LayerNormFn
# bug: mean and variance over the whole tensor (x.mean(), x.var()) instead of over the last dimension
# breaks: values
# misconception: Your mean and variance are taken over the whole tensor instead of over the last dimension, so every row is normalised with the same statistics.
# misconception-ko: 평균과 분산을 마지막 차원이 아니라 텐서 전체에 대해 계산해서, 모든 행이 같은 통계로 정규화됩니다.
# on-hidden: name
import torch


class LayerNormFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, eps=1e-5):
        centered = x - x.mean()
        var = (centered * centered).mean()
        rstd = 1.0 / torch.sqrt(var + eps)
        x_hat = centered * rstd
        ctx.save_for_backward(x_hat, rstd)
        return x_hat

    @staticmethod
    def backward(ctx, grad_output):
        x_hat, rstd = ctx.saved_tensors
        g = grad_output
        return rstd * (g - g.mean() - x_hat * (g * x_hat).mean()), None
