# exercise: logistic_regression_step
# bug: returns the loss after the update instead of before it
# breaks: values
# misconception: You return the loss of the updated parameters; the contract asks for the loss before the step, computed from the parameters you were given.
# misconception-ko: 업데이트한 뒤의 파라미터로 계산한 손실을 반환합니다. 계약은 주어진 파라미터로 계산한, 업데이트 전의 손실을 요구합니다.
# on-hidden: name
import torch


def logistic_regression_step(w, b, X, y, lr):
    n = X.shape[0]
    p = torch.sigmoid(X @ w + b)
    dz = (p - y) / n
    w_new, b_new = w - lr * (X.T @ dz), b - lr * dz.sum()
    z_new = X @ w_new + b_new
    loss = (torch.nn.functional.softplus(z_new) - y * z_new).mean()
    return w_new, b_new, loss.item()
