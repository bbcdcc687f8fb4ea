# exercise: mlp_backward
# bug: ReLU backward multiplies by the activation h instead of the mask (a > 0)
# breaks: values
# misconception: Your ReLU backward multiplies by the activation h itself; the derivative of ReLU is 1 where the pre-activation is positive and 0 elsewhere, a mask, not the values.
# misconception-ko: ReLU의 역전파에서 활성값 h 자체를 곱하고 있습니다. ReLU의 도함수는 활성화 전 값이 양수인 곳에서 1, 나머지에서 0인 마스크입니다.
# on-hidden: name
import torch


def mlp_backward(X, y, W1, b1, W2, b2):
    n = X.shape[0]
    a = X @ W1.T + b1
    h = a.clamp(min=0)
    logits = h @ W2.T + b2
    log_probs = torch.log_softmax(logits, dim=1)
    loss = -log_probs.gather(1, y[:, None]).mean()
    d_logits = (log_probs.exp() - torch.nn.functional.one_hot(y, logits.shape[1]).to(X.dtype)) / n
    d_a = (d_logits @ W2) * h
    return {"loss": loss.item(), "W1": d_a.T @ X, "b1": d_a.sum(0), "W2": d_logits.T @ h, "b2": d_logits.sum(0)}
