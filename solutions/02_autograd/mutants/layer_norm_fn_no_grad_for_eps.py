# exercise: LayerNormFn
# bug: backward returns one gradient, so LayerNormFn.apply(x, eps) fails (one per forward input is needed)
# breaks: values
# misconception: Your backward returns a single gradient, but forward takes two inputs (x and eps), so calling it with eps fails; backward returns one value per input, None for eps.
# misconception-ko: forward는 x와 eps 두 입력을 받는데 backward가 기울기를 하나만 반환해서 eps를 넘기면 실패합니다. backward는 입력마다 하나씩, eps에는 None을 반환해야 합니다.
# on-hidden: name
import torch


class LayerNormFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, eps=1e-5):
        mean = x.mean(dim=-1, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
        rstd = 1.0 / torch.sqrt(var + eps)
        x_hat = (x - mean) * rstd
        ctx.save_for_backward(x_hat, rstd)
        return x_hat

    @staticmethod
    def backward(ctx, grad_output):
        x_hat, rstd = ctx.saved_tensors
        g = grad_output
        return rstd * (g - g.mean(dim=-1, keepdim=True) - x_hat * (g * x_hat).mean(dim=-1, keepdim=True))
