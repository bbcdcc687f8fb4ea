# exercise: fit_linear_regression
# bug: ports the TF1 loop literally: one update per (x, y) sample instead of full-batch steps
import torch


def fit_linear_regression(x, y, lr=0.01, epochs=1000):
    w = torch.zeros((), dtype=x.dtype, device=x.device, requires_grad=True)
    b = torch.zeros((), dtype=x.dtype, device=x.device, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    n = x.shape[0]
    losses = []
    for _ in range(epochs):
        with torch.no_grad():
            losses.append((((w * x + b - y) ** 2).sum() / (2 * n)).item())
        for xi, yi in zip(x, y):
            cost = (w * xi + b - yi) ** 2 / (2 * n)
            optimizer.zero_grad()
            cost.backward()
            optimizer.step()
    return w.item(), b.item(), losses
