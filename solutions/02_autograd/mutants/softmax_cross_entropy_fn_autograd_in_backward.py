# exercise: SoftmaxCrossEntropyFn
# bug: backward differentiates F.cross_entropy with Tensor.backward() instead of the formula
# breaks: by_hand
# misconception: Your backward runs autograd on F.cross_entropy instead of writing the gradient by hand, which this exercise forbids even though the values come out right.
# misconception-ko: backward에서 기울기를 직접 쓰지 않고 F.cross_entropy에 autograd를 돌리고 있습니다. 값은 맞더라도 이 과제에서는 허용되지 않습니다.
# on-hidden: name
import torch


class SoftmaxCrossEntropyFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, target):
        ctx.save_for_backward(logits, target)
        return torch.nn.functional.cross_entropy(logits, target)

    @staticmethod
    def backward(ctx, grad_output):
        logits, target = ctx.saved_tensors
        with torch.enable_grad():
            z = logits.detach().requires_grad_(True)
            torch.nn.functional.cross_entropy(z, target).backward(grad_output)
        return z.grad, None
