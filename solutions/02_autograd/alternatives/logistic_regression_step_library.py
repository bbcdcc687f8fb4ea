# exercise: logistic_regression_step
# approach: library calls: torch.addmv for the logits, F.binary_cross_entropy_with_logits for the loss, torch.mv for the weight gradient, torch.sub(alpha=) for the update
import torch
import torch.nn.functional as F


def logistic_regression_step(w, b, X, y, lr):
    z = torch.addmv(b.expand(X.shape[0]), X, w)
    loss = F.binary_cross_entropy_with_logits(z, y)
    r = torch.sigmoid(z).sub(y).div(X.shape[0])
    return torch.sub(w, torch.mv(X.t(), r), alpha=lr), torch.sub(b, r.sum(), alpha=lr), loss.item()
