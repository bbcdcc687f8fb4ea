# exercise: logistic_regression_step
# bug: gradients summed over the samples instead of averaged (the loss is a mean)
import torch


def logistic_regression_step(w, b, X, y, lr):
    z = X @ w + b
    p = torch.sigmoid(z)
    loss = (torch.nn.functional.softplus(z) - y * z).mean()
    dz = p - y
    return w - lr * (X.T @ dz), b - lr * dz.sum(), loss.item()
