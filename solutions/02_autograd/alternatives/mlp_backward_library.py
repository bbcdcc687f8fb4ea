# exercise: mlp_backward
# approach: library calls: F.linear, F.relu, F.cross_entropy, F.softmax and F.one_hot forward, torch.mm / torch.where / torch.sum for the gradients (no autograd)
import torch
import torch.nn.functional as F


def mlp_backward(X, y, W1, b1, W2, b2):
    pre = F.linear(X, W1, b1)
    h = F.relu(pre)
    logits = F.linear(h, W2, b2)
    loss = F.cross_entropy(logits, y)
    d_logits = (F.softmax(logits, dim=1) - F.one_hot(y, logits.shape[1]).to(logits.dtype)) / X.shape[0]
    d_pre = torch.where(pre > 0, torch.mm(d_logits, W2), torch.zeros((), dtype=X.dtype, device=X.device))
    return {"loss": loss.item(),
            "W1": torch.mm(d_pre.t(), X), "b1": torch.sum(d_pre, dim=0),
            "W2": torch.mm(d_logits.t(), h), "b2": torch.sum(d_logits, dim=0)}
