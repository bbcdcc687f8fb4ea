# exercise: mlp_backward
# bug: ReLU backward multiplies by the activation h instead of the mask (a > 0)
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
