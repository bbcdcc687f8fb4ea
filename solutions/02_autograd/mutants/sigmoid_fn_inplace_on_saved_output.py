# exercise: SigmoidFn
# bug: backward computes y * (1 - y) in place on the saved output, which is the tensor the caller holds
# breaks: values
# misconception: Your backward computes the derivative in place on the saved output, which is the very tensor the caller received, so the forward result changes after backward.
# misconception-ko: backward에서 저장해 둔 출력에 제자리(in-place) 연산으로 도함수를 계산합니다. 그 텐서는 호출한 쪽이 받은 결과와 같은 텐서라서 backward 뒤에 forward 결과가 바뀝니다.
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
        y.mul_(1 - y)
        return grad_output * y
