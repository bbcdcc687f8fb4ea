# exercise: fit_linear_regression
# bug: returns w and b as tensors (and the losses as tensors) instead of Python floats
# breaks: values
# misconception: w, b and the logged costs are returned as tensors instead of Python floats; tensors in the list also keep every step's autograd graph alive.
# misconception-ko: w, b와 기록한 비용을 파이썬 float가 아니라 텐서로 반환합니다. 리스트에 담긴 텐서는 각 단계의 자동 미분 그래프까지 붙잡고 있습니다.
# on-hidden: name
import torch


def fit_linear_regression(x, y, lr=0.01, epochs=1000):
    w = torch.zeros((), dtype=x.dtype, device=x.device, requires_grad=True)
    b = torch.zeros((), dtype=x.dtype, device=x.device, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    n = x.shape[0]
    losses = []
    for _ in range(epochs):
        cost = ((w * x + b - y) ** 2).sum() / (2 * n)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        losses.append(cost)
    return w, b, losses
