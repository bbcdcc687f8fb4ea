# exercise: fit_linear_regression
# bug: records the cost after the update (recomputed for logging) instead of the step's cost
# breaks: values
# misconception: Each step's cost is recomputed after the update for the log, so losses holds the cost after every step instead of the cost the step computed before changing w and b.
# misconception-ko: 기록용 비용을 업데이트 후에 다시 계산해서, losses에 각 단계가 w와 b를 바꾸기 전에 계산한 비용이 아니라 업데이트 후의 비용이 들어갑니다.
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
        with torch.no_grad():
            losses.append((((w * x + b - y) ** 2).sum() / (2 * n)).item())
    return w.item(), b.item(), losses
