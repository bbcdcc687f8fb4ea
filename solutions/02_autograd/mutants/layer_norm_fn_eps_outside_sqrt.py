# exercise: LayerNormFn
# bug: eps added outside the square root: (x - mean) / (sqrt(var) + eps)
# breaks: values, eps
# misconception: You add eps after taking the square root of the variance; eps belongs inside the square root, next to the variance, which gives different values for small variances.
# misconception-ko: 분산의 제곱근을 구한 뒤에 eps를 더하고 있습니다. eps는 제곱근 안에서 분산에 더해야 하며, 분산이 작을 때 값이 달라집니다.
# on-hidden: name
import torch


class LayerNormFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, eps=1e-5):
        mean = x.mean(dim=-1, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
        rstd = 1.0 / (torch.sqrt(var) + eps)
        x_hat = (x - mean) * rstd
        ctx.save_for_backward(x_hat, rstd)
        return x_hat

    @staticmethod
    def backward(ctx, grad_output):
        x_hat, rstd = ctx.saved_tensors
        g = grad_output
        return rstd * (g - g.mean(dim=-1, keepdim=True) - x_hat * (g * x_hat).mean(dim=-1, keepdim=True)), None
