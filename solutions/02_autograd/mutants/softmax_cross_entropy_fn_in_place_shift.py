# exercise: SoftmaxCrossEntropyFn
# bug: the max shift is done in place on the caller's logits (logits -= max)
# breaks: in_place
# misconception: You subtract the row maxima from the logits in place, which changes the caller's logits tensor; inputs must never be modified.
# misconception-ko: 로짓에서 각 행의 최댓값을 제자리(in-place) 연산으로 빼서 호출한 쪽의 logits 텐서가 바뀝니다. 입력은 절대 수정하면 안 됩니다.
# on-hidden: name
import torch


class SoftmaxCrossEntropyFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, target):
        logits -= logits.amax(dim=1, keepdim=True)
        log_probs = logits - logits.exp().sum(dim=1, keepdim=True).log()
        ctx.save_for_backward(log_probs, target)
        return -log_probs.gather(1, target[:, None]).mean()

    @staticmethod
    def backward(ctx, grad_output):
        log_probs, target = ctx.saved_tensors
        n = log_probs.shape[0]
        one_hot = torch.zeros_like(log_probs).scatter_(1, target[:, None], 1.0)
        return (log_probs.exp() - one_hot) * (grad_output / n), None
