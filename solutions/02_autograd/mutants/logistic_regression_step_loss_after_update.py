# exercise: logistic_regression_step
# bug: returns the loss after the update instead of before it
import torch


def logistic_regression_step(w, b, X, y, lr):
    n = X.shape[0]
    p = torch.sigmoid(X @ w + b)
    dz = (p - y) / n
    w_new, b_new = w - lr * (X.T @ dz), b - lr * dz.sum()
    z_new = X @ w_new + b_new
    loss = (torch.nn.functional.softplus(z_new) - y * z_new).mean()
    return w_new, b_new, loss.item()
