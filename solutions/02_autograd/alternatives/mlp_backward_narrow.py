# exercise: mlp_backward
# approach: the narrowest reading: plain softmax exp(logits) / sum (inputs are moderate), one-hot rows from torch.eye, the ReLU mask as a float, 2-D products only
import torch


def mlp_backward(X, y, W1, b1, W2, b2):
    n = X.shape[0]
    pre = X @ W1.T + b1
    mask = (pre > 0).to(X.dtype)
    h = pre * mask
    logits = h @ W2.T + b2
    e = torch.exp(logits)
    probs = e / e.sum(dim=1, keepdim=True)
    onehot = torch.eye(logits.shape[1], dtype=X.dtype, device=X.device)[y]
    loss = -(torch.log(probs) * onehot).sum() / n
    dlogits = (probs - onehot) / n
    dW2 = dlogits.T @ h
    db2 = dlogits.sum(dim=0)
    dpre = (dlogits @ W2) * mask
    dW1 = dpre.T @ X
    db1 = dpre.sum(dim=0)
    return {"loss": loss.item(), "W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
