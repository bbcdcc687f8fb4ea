# exercise: fit_linear_regression
# approach: library calls: an nn.Parameter pair, torch.addcmul for the prediction, F.mse_loss(reduction="sum") for the cost, SGD's zero_grad(set_to_none=True)
import torch
import torch.nn.functional as F
from torch import nn


def fit_linear_regression(x, y, lr=0.01, epochs=1000):
    w = nn.Parameter(torch.zeros((), dtype=x.dtype, device=x.device))
    b = nn.Parameter(torch.zeros((), dtype=x.dtype, device=x.device))
    optimizer = torch.optim.SGD([w, b], lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad(set_to_none=True)
        cost = F.mse_loss(torch.addcmul(b, w, x), y, reduction="sum") / (2 * x.numel())
        cost.backward()
        losses.append(cost.item())
        optimizer.step()
    return w.item(), b.item(), losses
