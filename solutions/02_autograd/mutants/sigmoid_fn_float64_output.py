# exercise: SigmoidFn
# bug: computes in float64 "for precision" and returns float64 for a float32 input
# breaks: dtype
# misconception: You convert the input to float64 for precision and return that, so a float32 input gives a float64 output; results must keep the input's dtype.
# misconception-ko: 정밀도를 위해 입력을 float64로 바꾼 뒤 그대로 반환하고 있어, float32 입력에 float64 결과가 나옵니다. 결과는 입력의 dtype을 유지해야 합니다.
# on-hidden: name
import torch


class SigmoidFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = 1.0 / (1.0 + torch.exp(-x.double()))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return (grad_output * y * (1 - y)).to(grad_output.dtype)
