# exercise: SigmoidFn
# bug: saves the input and differentiates as x * (1 - x) instead of s * (1 - s)
# breaks: values
# misconception: You saved the input and used x(1 - x) as the derivative; the formula s(1 - s) is in terms of the sigmoid's output s, not its input.
# misconception-ko: 입력을 저장해 x(1 - x)를 도함수로 사용했습니다. s(1 - s) 공식은 입력이 아니라 sigmoid의 출력 s로 계산해야 합니다.
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
        return grad_output * x * (1 - x)
