# exercise: fit_linear_regression
# bug: never zeroes the gradients, so every step uses the sum of all gradients so far
# breaks: values, zero_grad
# misconception: The gradients are never zeroed, so backward adds each step's gradient to all the earlier ones and every update uses their sum.
# misconception-ko: 그래디언트를 0으로 초기화하지 않아서 backward가 매 단계의 그래디언트를 이전 것들에 더하고, 모든 업데이트가 그 합을 사용합니다.
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
        cost.backward()
        optimizer.step()
        losses.append(cost.item())
    return w.item(), b.item(), losses
