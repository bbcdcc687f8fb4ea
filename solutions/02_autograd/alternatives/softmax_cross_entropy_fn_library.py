# exercise: SoftmaxCrossEntropyFn
# approach: library calls: F.cross_entropy forward (no graph is recorded inside forward), F.softmax and F.one_hot for the gradient
import torch
import torch.nn.functional as F


class SoftmaxCrossEntropyFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, target):
        ctx.save_for_backward(logits, target)
        return F.cross_entropy(logits, target)

    @staticmethod
    def backward(ctx, grad_output):
        logits, target = ctx.saved_tensors
        one_hot = F.one_hot(target, logits.shape[1]).to(logits.dtype)
        return (F.softmax(logits, dim=1) - one_hot) * (grad_output / logits.shape[0]), None
