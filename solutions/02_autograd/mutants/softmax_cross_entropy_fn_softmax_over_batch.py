# exercise: SoftmaxCrossEntropyFn
# bug: max shift and log-sum-exp taken over dim=0 (the batch) instead of dim=1 (the classes)
# breaks: values
# misconception: Your max shift and log-sum-exp reduce over dimension 0, the batch, so each column is normalised instead of each row's classes.
# misconception-ko: 최댓값 빼기와 log-sum-exp를 0번 차원(배치)으로 계산해서, 각 행의 클래스가 아니라 각 열이 정규화됩니다.
# on-hidden: name
import torch


class SoftmaxCrossEntropyFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, target):
        shifted = logits - logits.amax(dim=0, keepdim=True)
        log_probs = shifted - shifted.exp().sum(dim=0, keepdim=True).log()
        ctx.save_for_backward(log_probs, target)
        return -log_probs.gather(1, target[:, None]).mean()

    @staticmethod
    def backward(ctx, grad_output):
        log_probs, target = ctx.saved_tensors
        n = log_probs.shape[0]
        one_hot = torch.zeros_like(log_probs).scatter_(1, target[:, None], 1.0)
        return (log_probs.exp() - one_hot) * (grad_output / n), None
