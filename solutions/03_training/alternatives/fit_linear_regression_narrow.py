# exercise: fit_linear_regression
# approach: the narrowest reading: 0-dim float32 parameters on x's device, the cost written exactly as the lecture's, the loss read with float() before the step
import torch


def fit_linear_regression(x, y, lr=0.01, epochs=1000):
    w = torch.tensor(0.0, device=x.device, requires_grad=True)
    b = torch.tensor(0.0, device=x.device, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=lr)
    losses = []
    for _ in range(epochs):
        opt.zero_grad()
        cost = torch.sum((w * x + b - y) ** 2) / (2 * len(x))
        losses.append(float(cost))
        cost.backward()
        opt.step()
    return float(w), float(b), losses
