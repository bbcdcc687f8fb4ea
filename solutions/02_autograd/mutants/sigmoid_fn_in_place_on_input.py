# exercise: SigmoidFn
# bug: forward applies sigmoid_ in place to the input x, overwriting the caller's tensor
# breaks: in_place
# misconception: Your forward applies sigmoid in place on the input, so the caller's tensor is overwritten with the result; inputs must never be modified.
# misconception-ko: forward에서 입력 텐서에 sigmoid를 제자리(in-place)로 적용해 호출한 쪽의 텐서가 결과로 덮어써집니다. 입력은 절대 수정하면 안 됩니다.
# on-hidden: name
import torch


class SigmoidFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = x.sigmoid_()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y * (1 - y)
