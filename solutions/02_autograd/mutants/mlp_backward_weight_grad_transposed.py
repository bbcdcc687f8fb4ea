# exercise: mlp_backward
# bug: weight gradients computed as h.T @ d_logits and X.T @ d_a (transposed)
# breaks: values
# misconception: Your weight gradients are transposed (activations transposed times the error), so they have the shape [in, out]; each must have its weight's own shape [out, in].
# misconception-ko: 가중치 기울기가 전치되어 있어(활성값의 전치와 오차의 곱) 모양이 [in, out]입니다. 각 기울기는 해당 가중치와 같은 [out, in] 모양이어야 합니다.
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
    d_a = (d_logits @ W2) * (a > 0)
    return {"loss": loss.item(), "W1": X.T @ d_a, "b1": d_a.sum(0), "W2": h.T @ d_logits, "b2": d_logits.sum(0)}
