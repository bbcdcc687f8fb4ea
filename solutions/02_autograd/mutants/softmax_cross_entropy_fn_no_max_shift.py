# exercise: SoftmaxCrossEntropyFn
# bug: no max subtraction: exp overflows for logits of magnitude 1e4 (inf / inf = nan)
# breaks: stability
# misconception: You exponentiate the logits without first subtracting each row's maximum, so logits around 1e4 overflow to inf and the loss becomes nan.
# misconception-ko: 각 행의 최댓값을 빼지 않고 로짓에 바로 exp를 적용해서, 1e4 정도의 로짓이 inf로 넘치고 손실이 nan이 됩니다.
# on-hidden: name
import torch


class SoftmaxCrossEntropyFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, target):
        e = logits.exp()
        probs = e / e.sum(dim=1, keepdim=True)
        ctx.save_for_backward(probs, target)
        return -probs.gather(1, target[:, None]).log().mean()

    @staticmethod
    def backward(ctx, grad_output):
        probs, target = ctx.saved_tensors
        one_hot = torch.zeros_like(probs).scatter_(1, target[:, None], 1.0)
        return (probs - one_hot) * (grad_output / probs.shape[0]), None
