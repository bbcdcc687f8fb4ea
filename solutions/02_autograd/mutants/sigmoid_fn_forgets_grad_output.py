# exercise: SigmoidFn
# bug: backward returns the local derivative y * (1 - y) without multiplying by grad_output
# breaks: values
# misconception: Your backward returns the local derivative s(1 - s) alone; the chain rule multiplies it by grad_output, the gradient arriving from later operations.
# misconception-ko: backward가 국소 도함수 s(1 - s)만 반환합니다. 연쇄 법칙에 따라 뒤쪽 연산에서 들어온 기울기 grad_output을 곱해야 합니다.
# on-hidden: name
import torch


class SigmoidFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = torch.sigmoid(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return y * (1 - y)
