# exercise: SigmoidFn
# bug: backward re-runs torch.sigmoid with autograd and asks torch.autograd.grad for the gradient
# breaks: by_hand
# misconception: Your backward asks autograd for the gradient instead of writing the formula by hand, which this exercise forbids even though the values come out right.
# misconception-ko: backward에서 기울기를 직접 공식으로 쓰지 않고 autograd에 계산을 맡기고 있습니다. 값은 맞더라도 이 과제에서는 허용되지 않습니다.
# on-hidden: name
import torch


class SigmoidFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sigmoid(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        with torch.enable_grad():
            leaf = x.detach().requires_grad_(True)
            (grad,) = torch.autograd.grad(torch.sigmoid(leaf), leaf, grad_output)
        return grad
