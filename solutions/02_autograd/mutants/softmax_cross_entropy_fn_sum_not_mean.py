# exercise: SoftmaxCrossEntropyFn
# bug: loss summed over the batch instead of averaged (and the gradient not divided by N)
# breaks: values
# misconception: Your loss sums the per-sample losses instead of averaging them (and the gradient is not divided by N), so it grows with the batch size.
# misconception-ko: 샘플별 손실을 평균 내지 않고 합하고 있으며(기울기도 N으로 나누지 않음), 그래서 값이 배치 크기에 따라 커집니다.
# on-hidden: name
import torch


class SoftmaxCrossEntropyFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, target):
        shifted = logits - logits.amax(dim=1, keepdim=True)
        log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
        ctx.save_for_backward(log_probs, target)
        return -log_probs.gather(1, target[:, None]).sum()

    @staticmethod
    def backward(ctx, grad_output):
        log_probs, target = ctx.saved_tensors
        one_hot = torch.zeros_like(log_probs).scatter_(1, target[:, None], 1.0)
        return (log_probs.exp() - one_hot) * grad_output, None
