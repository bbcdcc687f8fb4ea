# exercise: fit_linear_regression
# approach: other order of operations (still float32 as the contract says): parameters of shape [1], the residual's dot product with itself scaled by 0.5 / N
import torch


def fit_linear_regression(x, y, lr=0.01, epochs=1000):
    params = torch.zeros(2, 1, dtype=x.dtype, device=x.device)
    w, b = (p.clone().requires_grad_(True) for p in params)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    half_over_n = 0.5 / x.shape[0]
    losses = []
    for _ in range(epochs):
        r = x * w + b - y
        cost = torch.dot(r, r) * half_over_n
        optimizer.zero_grad()
        cost.backward()
        losses.append(cost.item())
        optimizer.step()
    return w.item(), b.item(), losses
