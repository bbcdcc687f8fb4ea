# exercise: fit_linear_regression
# bug: cost is the mean squared error instead of the lecture's sum / (2N)
# breaks: values
# misconception: The cost is the plain mean of the squared errors instead of the lecture's sum divided by 2N, so every cost and every gradient is twice as large.
# misconception-ko: 비용을 강의의 제곱 오차 합을 2N으로 나눈 값이 아니라 제곱 오차의 단순 평균으로 계산해서, 모든 비용과 그래디언트가 두 배가 됩니다.
# on-hidden: name
import torch


def fit_linear_regression(x, y, lr=0.01, epochs=1000):
    w = torch.zeros((), dtype=x.dtype, device=x.device, requires_grad=True)
    b = torch.zeros((), dtype=x.dtype, device=x.device, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    losses = []
    for _ in range(epochs):
        cost = ((w * x + b - y) ** 2).mean()
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        losses.append(cost.item())
    return w.item(), b.item(), losses
