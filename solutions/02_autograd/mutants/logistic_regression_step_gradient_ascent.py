# exercise: logistic_regression_step
# bug: error signal written as y - p, so the step climbs the loss instead of descending it
# breaks: values
# misconception: Your error signal is y minus p instead of p minus y, which flips the gradient's sign, so the step climbs the loss instead of descending it.
# misconception-ko: 오차 신호를 p - y가 아니라 y - p로 계산해서 기울기의 부호가 뒤집혔습니다. 그래서 손실을 줄이는 대신 키우는 방향으로 이동합니다.
# on-hidden: name
import torch


def logistic_regression_step(w, b, X, y, lr):
    n = X.shape[0]
    z = X @ w + b
    p = torch.sigmoid(z)
    loss = (torch.nn.functional.softplus(z) - y * z).mean()
    dz = (y - p) / n
    return w - lr * (X.T @ dz), b - lr * dz.sum(), loss.item()
