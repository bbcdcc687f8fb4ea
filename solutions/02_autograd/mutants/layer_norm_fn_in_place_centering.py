# exercise: LayerNormFn
# bug: centres the input in place (x -= mean), overwriting the caller's tensor
# breaks: in_place
# misconception: You subtract the mean from x in place, which changes the caller's tensor; inputs must never be modified.
# misconception-ko: x에서 평균을 제자리(in-place) 연산으로 빼서 호출한 쪽의 텐서가 바뀝니다. 입력은 절대 수정하면 안 됩니다.
# on-hidden: name
import torch


class LayerNormFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, eps=1e-5):
        x -= x.mean(dim=-1, keepdim=True)
        var = (x * x).mean(dim=-1, keepdim=True)
        rstd = 1.0 / torch.sqrt(var + eps)
        x_hat = x * rstd
        ctx.save_for_backward(x_hat, rstd)
        return x_hat

    @staticmethod
    def backward(ctx, grad_output):
        x_hat, rstd = ctx.saved_tensors
        g = grad_output
        return rstd * (g - g.mean(dim=-1, keepdim=True) - x_hat * (g * x_hat).mean(dim=-1, keepdim=True)), None
