# exercise: LayerNormFn
# bug: unbiased variance (divides by D - 1), as torch.var does by default
# breaks: values
# misconception: You used the unbiased variance (dividing by D - 1, the default of torch.var); layer norm uses the population variance, dividing by D.
# misconception-ko: 불편 분산(D - 1로 나눔, torch.var의 기본값)을 사용했습니다. 레이어 정규화는 D로 나누는 모분산을 사용합니다.
# on-hidden: name
import torch


class LayerNormFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, eps=1e-5):
        mean = x.mean(dim=-1, keepdim=True)
        var = x.var(dim=-1, keepdim=True)
        rstd = 1.0 / torch.sqrt(var + eps)
        x_hat = (x - mean) * rstd
        ctx.save_for_backward(x_hat, rstd)
        return x_hat

    @staticmethod
    def backward(ctx, grad_output):
        x_hat, rstd = ctx.saved_tensors
        g = grad_output
        return rstd * (g - g.mean(dim=-1, keepdim=True) - x_hat * (g * x_hat).mean(dim=-1, keepdim=True)), None
