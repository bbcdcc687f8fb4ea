# exercise: fit_linear_regression
# bug: ports the TF1 loop literally: one update per (x, y) sample instead of full-batch steps
# breaks: values
# misconception: The TF1 loop is ported literally, with one update per (x, y) pair, instead of one full-batch step per epoch on all N points.
# misconception-ko: TF1 루프를 그대로 옮겨서 에포크마다 N개 전체에 대해 한 번 업데이트하지 않고 (x, y) 쌍마다 한 번씩 업데이트합니다.
# on-hidden: name
import torch


def fit_linear_regression(x, y, lr=0.01, epochs=1000):
    w = torch.zeros((), dtype=x.dtype, device=x.device, requires_grad=True)
    b = torch.zeros((), dtype=x.dtype, device=x.device, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    n = x.shape[0]
    losses = []
    for _ in range(epochs):
        with torch.no_grad():
            losses.append((((w * x + b - y) ** 2).sum() / (2 * n)).item())
        for xi, yi in zip(x, y):
            cost = (w * xi + b - yi) ** 2 / (2 * n)
            optimizer.zero_grad()
            cost.backward()
            optimizer.step()
    return w.item(), b.item(), losses
