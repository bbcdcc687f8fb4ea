# exercise: logistic_regression_step
# bug: gradients summed over the samples instead of averaged (the loss is a mean)
# breaks: values
# misconception: Your gradients sum over the samples, but the loss is a mean, so its gradients are divided by N as well; the step comes out N times too large.
# misconception-ko: 기울기를 샘플에 대해 합하고 있습니다. 손실이 평균이므로 기울기도 N으로 나누어야 하며, 지금은 한 걸음이 N배 큽니다.
# on-hidden: name
import torch


def logistic_regression_step(w, b, X, y, lr):
    z = X @ w + b
    p = torch.sigmoid(z)
    loss = (torch.nn.functional.softplus(z) - y * z).mean()
    dz = p - y
    return w - lr * (X.T @ dz), b - lr * dz.sum(), loss.item()
