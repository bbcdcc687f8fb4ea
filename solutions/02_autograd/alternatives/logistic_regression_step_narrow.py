# exercise: logistic_regression_step
# approach: the formulas as written on paper: p = 1 / (1 + exp(-z)), loss = -mean(y log p + (1 - y) log(1 - p)) (the contract promises moderate inputs, so no stable rewrite), gradients X^T (p - y) / N and mean(p - y)
import torch


def logistic_regression_step(w, b, X, y, lr):
    z = X @ w + b
    p = 1 / (1 + torch.exp(-z))
    loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    n = X.shape[0]
    grad_w = X.T @ (p - y) / n
    grad_b = (p - y).mean()
    return w - lr * grad_w, b - lr * grad_b, float(loss)
